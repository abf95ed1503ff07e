package org.nce.pipeline.camera;

import java.io.IOException;
import java.io.Serializable;
import java.util.Optional;

/**
 * The newest alert already stored for a camera and type, asked when a camera's detectors are built
 * with no alert of that type in the job's state: after a restore from a checkpoint taken before an
 * alert that the job had already raised and written, or in a new deployment. The rebuilt detector
 * re-finding that episode is then not reported a second time under another id.
 */
public interface RecentAlerts extends Serializable, AutoCloseable {

    record Stored(String alertId, long eventTimeMs) {
    }

    void open() throws IOException;

    Optional<Stored> newest(String siteId, String cameraId, String type, long notBefore) throws IOException;

    @Override
    default void close() throws IOException {
    }

    /** For tests that should not look: nothing stored. */
    static RecentAlerts none() {
        return new RecentAlerts() {
            private static final long serialVersionUID = 1L;

            @Override
            public void open() {
            }

            @Override
            public Optional<Stored> newest(String siteId, String cameraId, String type, long notBefore) {
                return Optional.empty();
            }
        };
    }
}
