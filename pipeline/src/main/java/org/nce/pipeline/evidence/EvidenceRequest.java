package org.nce.pipeline.evidence;

import java.util.List;
import org.nce.model.Alert;
import org.nce.model.Frame;
import org.nce.model.SensorReading;

/**
 * An alert with the raw material for its evidence: the camera frames around the event (pre- and
 * post-event, in order) or the sensor readings of the exceedance window. {@code fps} is the
 * clip's playback rate.
 */
public record EvidenceRequest(Alert alert, List<Frame> frames, List<SensorReading> readings, double fps) {
    public EvidenceRequest {
        frames = frames == null ? List.of() : List.copyOf(frames);
        readings = readings == null ? List.of() : List.copyOf(readings);
    }
}
