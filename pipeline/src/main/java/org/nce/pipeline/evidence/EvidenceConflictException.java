package org.nce.pipeline.evidence;

import java.io.IOException;
import org.nce.model.EvidenceRef;

/**
 * A write to an evidence key that already holds different bytes. Evidence is write-once: the stored
 * object stands, unchanged, and the refused write is an incident to record, never an overwrite.
 * {@link #stored()} is the object that stands.
 */
public final class EvidenceConflictException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient EvidenceRef stored;
    private final String refusedSha256;

    public EvidenceConflictException(EvidenceRef stored, String refusedSha256) {
        super("evidence is write-once: " + stored.key() + " already holds sha256 " + stored.sha256()
                + "; refused different bytes with sha256 " + refusedSha256);
        this.stored = stored;
        this.refusedSha256 = refusedSha256;
    }

    public EvidenceRef stored() {
        return stored;
    }

    public String refusedSha256() {
        return refusedSha256;
    }
}
