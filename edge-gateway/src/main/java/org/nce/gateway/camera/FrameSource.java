package org.nce.gateway.camera;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Where a camera's frames come from. Not thread-safe: one reader thread per source. A source is
 * opened once; after a failure the capture closes it and opens a new one.
 */
public interface FrameSource extends AutoCloseable {

    /**
     * The next BGR frame, owned by the caller, or null when the source has ended (for a live
     * stream: it closed or its I/O timed out). Throws {@link CorruptFrameException} when one frame
     * could not be decoded but the stream goes on; any other exception is a failed grab.
     */
    Mat next() throws Exception;

    /**
     * Moves past the next frame without handing it over: false when the source has ended (as
     * {@link #next()} returning null). A video source still decodes it (later frames refer to it)
     * but does not convert it to BGR, which is most of a frame's cost after decoding: at 25 fps in
     * and 2 fps out, 23 frames in 25 are only skipped. {@link #mediaTimeUs()} and
     * {@link #streamClockMs()} follow the skipped frame. Throws as {@link #next()} does.
     */
    default boolean skip() throws Exception {
        try (Mat m = next()) {
            return m != null;
        }
    }

    /** The source's native frame rate, or 0 if unknown. */
    double fps();

    /**
     * Media time of the frame last returned by {@link #next()} or passed by {@link #skip()}, in
     * microseconds, increasing across loops, or -1 if unknown. Stored media is paced by it so a file
     * plays in real time.
     */
    default long mediaTimeUs() {
        return -1;
    }

    /**
     * Capture time (UTC epoch ms) of the frame last returned by {@link #next()} or passed by
     * {@link #skip()}, from the stream's
     * own clock (RTSP: the RTCP sender reports), or -1 when the stream has none; the capture then
     * uses the wall clock at the moment of the grab.
     */
    default long streamClockMs() {
        return -1;
    }

    @Override
    void close();
}
