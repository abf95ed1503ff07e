package org.nce.pipeline.cases;

import java.io.IOException;
import java.io.Serializable;
import java.util.Optional;
import org.nce.model.CaseRecord;
import org.nce.model.EventType;

/**
 * Finds the draft case a new alert should join when the job has no state for its subject yet (a new
 * deployment, or state lost): the newest draft of that subject and type whose last alert is at or
 * after {@code notBefore}. Without it, a redeployed job would open a second case for the same
 * ongoing violation.
 */
public interface OpenCaseLookup extends Serializable, AutoCloseable {

    void open() throws IOException;

    Optional<CaseRecord> newestDraft(String subject, EventType type, long notBefore) throws IOException;

    @Override
    default void close() throws IOException {
    }

    /** For tests and jobs that should not look: never finds anything. */
    static OpenCaseLookup none() {
        return new OpenCaseLookup() {
            private static final long serialVersionUID = 1L;

            @Override
            public void open() {
            }

            @Override
            public Optional<CaseRecord> newestDraft(String subject, EventType type, long notBefore) {
                return Optional.empty();
            }
        };
    }
}
