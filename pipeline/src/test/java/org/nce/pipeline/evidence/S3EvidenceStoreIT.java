package org.nce.pipeline.evidence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.StatObjectArgs;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.nce.model.EvidenceRef;
import org.nce.model.Hashes;

/** The evidence store against the S3-compatible server that {@code ./nce test} starts (S3Proxy). */
class S3EvidenceStoreIT {
    static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    static final String URL = env("NCE_S3_ENDPOINT", "http://127.0.0.1:" + env("NCE_S3_PORT", "9000"));
    static final String KEY = env("NCE_S3_ACCESS_KEY", "nce-dev-access");
    static final String SECRET = env("NCE_S3_SECRET_KEY", "nce-dev-secret");

    @Test
    void putIsIdempotentAndCarriesItsHash() throws Exception {
        S3EvidenceStore store = new S3EvidenceStore(URL, KEY, SECRET, "nce-evidence");
        String key = "it/" + UUID.randomUUID() + "/clip.bin";
        byte[] bytes = "evidence bytes".getBytes(StandardCharsets.UTF_8);
        EvidenceRef first = store.put(key, bytes, "application/octet-stream", "clip", Map.of("alert-id", "a1"));
        EvidenceRef again = store.put(key, bytes, "application/octet-stream", "clip", Map.of("alert-id", "a1"));
        assertEquals(first, again);
        assertEquals(Hashes.sha256(bytes), first.sha256());
        assertArrayEquals(bytes, store.get(key));
        var stat = store.client().statObject(StatObjectArgs.builder().bucket("nce-evidence").object(key).build());
        assertEquals(first.sha256(), stat.userMetadata().get("sha256"));
        assertEquals("a1", stat.userMetadata().get("alert-id"));
    }

    /**
     * Finding 1, on the real store: different bytes for an existing key are refused, and the object
     * and its recorded hash stay as first written.
     */
    @Test
    void aSecondWriteOfDifferentBytesIsRefusedAndTheObjectStaysAsFirstWritten() throws Exception {
        S3EvidenceStore store = new S3EvidenceStore(URL, KEY, SECRET, "nce-evidence");
        String key = "it/" + UUID.randomUUID() + "/clip.bin";
        byte[] first = "the clip as the camera recorded it".getBytes(StandardCharsets.UTF_8);
        byte[] other = "a later incident that took the same id".getBytes(StandardCharsets.UTF_8);
        store.put(key, first, "application/octet-stream", "clip", Map.of("alert-id", "a1"));
        EvidenceConflictException e = assertThrows(EvidenceConflictException.class,
                () -> store.put(key, other, "application/octet-stream", "clip", Map.of("alert-id", "a1")));
        assertEquals(Hashes.sha256(first), e.stored().sha256());
        assertEquals(Hashes.sha256(other), e.refusedSha256());
        assertArrayEquals(first, store.get(key));
        var stat = store.client().statObject(StatObjectArgs.builder().bucket("nce-evidence").object(key).build());
        assertEquals(Hashes.sha256(first), stat.userMetadata().get("sha256"));
    }

    /** The store itself refuses a second PUT with If-None-Match: * (what makes a racing writer lose, not overwrite). */
    @Test
    void theStoreRefusesAConditionalPutOnAnExistingKey() throws Exception {
        S3EvidenceStore store = new S3EvidenceStore(URL, KEY, SECRET, "nce-evidence");
        String key = "it/" + UUID.randomUUID() + "/race.bin";
        byte[] first = {1, 2, 3};
        store.put(key, first, "application/octet-stream", "clip", Map.of());
        io.minio.errors.ErrorResponseException e = assertThrows(io.minio.errors.ErrorResponseException.class,
                () -> store.client().putObject(io.minio.PutObjectArgs.builder().bucket("nce-evidence").object(key)
                        .stream(new java.io.ByteArrayInputStream(new byte[] {9}), 1, -1)
                        .headers(Map.of("If-None-Match", "*")).build()));
        assertEquals("PreconditionFailed", e.errorResponse().code());
        assertArrayEquals(first, store.get(key));
    }

    @Test
    void wrongCredentialsFailAtOnceWithOneClearMessage() {
        long start = System.currentTimeMillis();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new S3EvidenceStore(URL, KEY, "wrong-secret", "nce-evidence"));
        assertTrue(e.getMessage().contains("NCE_S3_SECRET_KEY"), e.getMessage());
        assertTrue(System.currentTimeMillis() - start < 5_000, "fatal errors are not retried");
    }
}
