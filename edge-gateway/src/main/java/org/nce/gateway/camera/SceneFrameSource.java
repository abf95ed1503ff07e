package org.nce.gateway.camera;

import org.bytedeco.opencv.opencv_core.Mat;
import org.nce.detectors.synthetic.SyntheticScene;

/** Replays a synthetic scene, optionally in a loop (the demo's simulated cameras). */
public final class SceneFrameSource implements FrameSource {
    private final SyntheticScene scene;
    private final boolean loop;
    private int index;
    /** Frames returned so far, across loops: the media clock. */
    private long played;

    public SceneFrameSource(SyntheticScene scene, boolean loop) {
        this.scene = scene;
        this.loop = loop;
    }

    @Override
    public Mat next() {
        if (index >= scene.frameCount()) {
            if (!loop) {
                return null;
            }
            index = 0;
        }
        played++;
        return scene.render(index++);
    }

    @Override
    public double fps() {
        return scene.fps();
    }

    @Override
    public long mediaTimeUs() {
        return played == 0 || scene.fps() <= 0 ? -1 : Math.round((played - 1) * 1e6 / scene.fps());
    }

    @Override
    public void close() {
    }
}
