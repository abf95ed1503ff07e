package org.nce.model;

/** A stored evidence object: its key in the bucket, SHA-256 of its bytes, type and size. */
public record EvidenceRef(String key, String sha256, String contentType, long sizeBytes, String kind) {
    public EvidenceRef {
        Frame.require(key, "key");
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("'sha256' must be 64 lowercase hex digits, got " + sha256);
        }
    }
}
