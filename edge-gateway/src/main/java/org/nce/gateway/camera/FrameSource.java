package org.nce.gateway.camera;

import org.bytedeco.opencv.opencv_core.Mat;

/** Where a camera's frames come from. Not thread-safe: one reader thread per source. */
public interface FrameSource extends AutoCloseable {

    /** The next BGR frame, owned by the caller, or null when the source has ended. */
    Mat next() throws Exception;

    /** The source's native frame rate, or 0 if unknown. */
    double fps();

    @Override
    void close();
}
