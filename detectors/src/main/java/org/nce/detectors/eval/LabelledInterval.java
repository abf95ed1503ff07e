package org.nce.detectors.eval;

import org.nce.model.EventType;

/** An event present in a clip from {@code firstFrame} to {@code lastFrame}, both inclusive, 0-based. */
public record LabelledInterval(EventType event, long firstFrame, long lastFrame) {
    public LabelledInterval {
        if (event == null) {
            throw new IllegalArgumentException("event is required");
        }
        if (firstFrame < 0) {
            throw new IllegalArgumentException("first_frame must be >= 0, got " + firstFrame);
        }
        if (lastFrame < firstFrame) {
            throw new IllegalArgumentException("last_frame " + lastFrame + " < first_frame " + firstFrame);
        }
    }

    /** Whether the closed frame range [first, last] shares at least one frame with this interval. */
    public boolean overlaps(long first, long last) {
        return first <= lastFrame && last >= firstFrame;
    }
}
