package org.nce.gateway.camera;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * A source in code: frame {@code n} is a plain 160x120 picture, one every {@code intervalMs} (a
 * live camera's pace), with an optional stream clock and frames that throw.
 */
class ScriptedSource implements FrameSource {
    private final long intervalMs;
    protected long n;
    boolean closed;

    ScriptedSource(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    @Override
    public Mat next() throws Exception {
        Thread.sleep(intervalMs);
        long i = n++;
        Mat failure = fail(i);
        if (failure != null) {
            return failure;
        }
        return new Mat(120, 160, CV_8UC3, new Scalar(i % 256, 80, 160, 0));
    }

    /** Override to throw for frame {@code i} (or return a frame of its own); null: the normal picture. */
    Mat fail(long i) throws Exception {
        return null;
    }

    @Override
    public double fps() {
        return 1000.0 / intervalMs;
    }

    @Override
    public void close() {
        closed = true;
    }
}
