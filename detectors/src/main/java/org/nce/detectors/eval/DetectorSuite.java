package org.nce.detectors.eval;

import java.util.List;
import org.nce.detectors.Detector;

/**
 * The set of detectors a camera runs, as one factory, so the evaluation harness and the bench
 * measure exactly what production would run without depending on the concrete detector classes.
 *
 * <p>Implementations loaded by name (see {@link DetectorSuites}) need a public no-argument
 * constructor.
 */
public interface DetectorSuite {

    /**
     * Fresh detector instances for one camera, at most one per event type. The caller owns them
     * and closes them. Each call returns new instances with no shared state.
     */
    List<Detector> create(String cameraId);

    /** One line saying what the suite is (class names, config source), printed in reports. */
    default String describe() {
        return getClass().getName();
    }
}
