package org.nce.detectors;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nce.model.Detection;
import org.nce.model.EventType;

/**
 * A frame-in, detections-out analyser for one camera. Plain Java: no Flink, MQTT, S3 or
 * Elasticsearch, no threads, no I/O, no per-frame logging.
 *
 * <p>Contract: frames of one camera arrive in order as BGR {@code CV_8UC3} Mats the detector must
 * not keep or release. A detector returns a {@link Detection} when it has <em>confirmed</em> an
 * event (after its persistence window) and does not report the same ongoing event again; it
 * re-arms once the event has been absent for its configured quiet time. Most frames return an
 * empty list. One instance per camera; {@link #close()} frees native memory.
 */
public interface Detector extends AutoCloseable {

    EventType type();

    List<Detection> detect(Mat bgrFrame, FrameMeta meta);

    /**
     * True while an event is part-way to confirmation (a candidate accumulating, a track alive): the
     * shared motion gate then lets every frame through, because confirmation may need frames closer
     * together than its heartbeat, even where nothing moves (a pile lying still for its static time).
     */
    default boolean busy() {
        return false;
    }

    /** Bytes of native and heap state this instance holds (background models, tracks, buffers). */
    default long stateBytes() {
        return 0;
    }

    @Override
    void close();
}
