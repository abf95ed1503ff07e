package org.nce.gateway.camera;

import org.bytedeco.opencv.opencv_core.Mat;
import org.nce.detectors.synthetic.SyntheticScene;

/** Replays a synthetic scene, optionally in a loop (the demo's simulated cameras). */
public final class SceneFrameSource implements FrameSource {
    private final SyntheticScene scene;
    private final boolean loop;
    private int index;

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
        return scene.render(index++);
    }

    @Override
    public double fps() {
        return scene.fps();
    }

    @Override
    public void close() {
    }
}
