package org.nce.model;

import java.util.List;

/**
 * What a detector reports when it confirms an event on one camera: the boxes that support it,
 * a score in [0,1], the frame range (frame sequence numbers) the decision rests on, and a reason
 * an operator can read ("flame region 3.1% of frame, flicker 7 Hz, 42 frames").
 */
public record Detection(EventType type, double score, List<Box> boxes, long firstFrame, long lastFrame,
                        String reason) {
    public Detection {
        if (type == null) {
            throw new IllegalArgumentException("detection type is required");
        }
        if (lastFrame < firstFrame) {
            throw new IllegalArgumentException("lastFrame " + lastFrame + " < firstFrame " + firstFrame);
        }
        boxes = boxes == null ? List.of() : List.copyOf(boxes);
        reason = reason == null ? "" : reason;
    }
}
