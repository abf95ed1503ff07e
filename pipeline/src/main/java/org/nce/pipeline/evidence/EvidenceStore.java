package org.nce.pipeline.evidence;

import java.io.IOException;
import java.util.Map;
import org.nce.model.EvidenceRef;

/**
 * Where evidence objects go. Write-once: the same key and bytes written twice leave one object
 * (keys are deterministic per alert, so a replay never duplicates), and different bytes for a key
 * that exists are refused with {@link EvidenceConflictException}, the stored object unchanged.
 */
public interface EvidenceStore extends AutoCloseable {

    /**
     * Stores {@code bytes} under {@code key} with its SHA-256 in the object metadata, unless the key
     * exists: then the same bytes return the stored object's reference, and different bytes throw
     * {@link EvidenceConflictException}.
     */
    EvidenceRef put(String key, byte[] bytes, String contentType, String kind, Map<String, String> metadata)
            throws IOException;

    byte[] get(String key) throws IOException;

    @Override
    default void close() {
    }
}
