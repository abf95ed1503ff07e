package org.nce.pipeline.cases;

import java.io.IOException;
import java.io.Serializable;
import java.util.Optional;
import org.nce.model.CaseRecord;
import org.nce.model.EventType;

/**
 * What the job asks the case index. {@link #newestDraft}: the draft case a new alert should join
 * when the job has no state for its subject yet (a new deployment, or state lost): the newest draft
 * of that subject and type (of any type when {@code type} is null: 综合查一次) opened at or after {@code openedNotBefore}. Without it, a redeployed job
 * would open a second case for the same ongoing violation. {@link #status}: the case's status as
 * the console last wrote it (a real-time read, so it sees the latest write): a case an officer has
 * moved out of {@code draft} takes no more alerts.
 */
public interface OpenCaseLookup extends Serializable, AutoCloseable {

    void open() throws IOException;

    Optional<CaseRecord> newestDraft(String subject, EventType type, long openedNotBefore) throws IOException;

    /** The status stored for the case, or empty if the index has no such case (not yet written). */
    Optional<String> status(String caseId) throws IOException;

    /**
     * The case in the index that lists {@code alertId}, if any: for the evidence of a sensor alert whose
     * raising this job's state never saw (raised before an upgrade that changed how cases are keyed, or
     * before state was lost), so the evidence joins the case that holds the alert instead of the alert
     * joining a second one.
     */
    default Optional<CaseRecord> holding(String alertId) throws IOException {
        return Optional.empty();
    }

    /** The case as stored (real-time), or empty if there is none. */
    default Optional<CaseRecord> byId(String caseId) throws IOException {
        return Optional.empty();
    }

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
            public Optional<CaseRecord> newestDraft(String subject, EventType type, long openedNotBefore) {
                return Optional.empty();
            }

            @Override
            public Optional<String> status(String caseId) {
                return Optional.empty();
            }
        };
    }
}
