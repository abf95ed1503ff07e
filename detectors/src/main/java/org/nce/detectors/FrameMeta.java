package org.nce.detectors;

/**
 * What a detector knows about a frame besides its pixels: which camera, the frame's sequence
 * number (0-based, consecutive per camera), capture time and the stream's nominal frame rate.
 * Detectors measure durations with {@code timestampMs}, never with wall-clock time, so a replay
 * or an evaluation run at any speed decides exactly as live.
 */
public record FrameMeta(String cameraId, long seq, long timestampMs, double fps) {
    public FrameMeta {
        if (fps <= 0 || Double.isNaN(fps)) {
            throw new IllegalArgumentException("fps must be > 0, got " + fps);
        }
    }

    /** For clips: frame {@code index} of a stream at {@code fps}, timestamps from 0. */
    public static FrameMeta ofIndex(String cameraId, long index, double fps) {
        return new FrameMeta(cameraId, index, Math.round(index * 1000.0 / fps), fps);
    }
}
