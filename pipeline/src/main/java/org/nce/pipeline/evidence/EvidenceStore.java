package org.nce.pipeline.evidence;

import java.io.IOException;
import java.util.Map;
import org.nce.model.EvidenceRef;

/**
 * Where evidence objects go. Implementations must be idempotent: the same key and bytes written
 * twice leave one object (keys are deterministic per alert), so a replay never duplicates.
 */
public interface EvidenceStore extends AutoCloseable {

    /** Stores {@code bytes} under {@code key} with its SHA-256 in the object metadata. */
    EvidenceRef put(String key, byte[] bytes, String contentType, String kind, Map<String, String> metadata)
            throws IOException;

    byte[] get(String key) throws IOException;

    @Override
    default void close() {
    }
}
