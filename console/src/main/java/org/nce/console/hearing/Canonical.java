package org.nce.console.hearing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.nce.model.Hashes;

/**
 * The one way a custody entry is turned into bytes for its hash, shared by the console that writes
 * the chain and by the offline verifier: JSON with its keys sorted, no spaces, UTF-8 (what
 * {@code jq -cS} prints), without the {@code hash} field itself. And the two digests every file
 * of a package carries: SHA-256 (the JDK) and SM3 (GB/T 32905, BouncyCastle).
 */
public final class Canonical {
    /** The {@code prev} of a chain's first entry. */
    public static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private Canonical() {
    }

    /** The canonical bytes of {@code entry} without its {@code hash}. */
    public static byte[] bytes(Map<String, Object> entry) {
        Map<String, Object> sorted = new TreeMap<>(entry);
        sorted.remove("hash");
        try {
            return JSON.writeValueAsString(sorted).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a custody entry that is not JSON: " + e.getMessage(), e);
        }
    }

    /** The chain hash of an entry: SHA-256 of its canonical bytes (which include {@code prev}), hex. */
    public static String entryHash(Map<String, Object> entry) {
        return sha256(bytes(entry));
    }

    /** SHA-256 as the rest of NCE writes it (evidence, documents): {@link Hashes#sha256}. */
    public static String sha256(byte[] bytes) {
        return Hashes.sha256(bytes);
    }

    public static String sm3(byte[] bytes) {
        SM3Digest d = new SM3Digest();
        d.update(bytes, 0, bytes.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return HexFormat.of().formatHex(out);
    }
}
