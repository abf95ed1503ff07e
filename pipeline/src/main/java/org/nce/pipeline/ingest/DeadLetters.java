package org.nce.pipeline.ingest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.apache.flink.util.OutputTag;
import org.nce.model.DeadLetter;

/** The dead-letter side output shared by every stage, and how a refused payload is summarised. */
public final class DeadLetters {
    public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters", org.apache.flink.api.common.typeinfo.TypeInformation.of(DeadLetter.class));
    private static final int PREVIEW_BYTES = 256;

    private DeadLetters() {
    }

    public static DeadLetter of(String stage, String reason, String topic, byte[] payload) {
        byte[] p = payload == null ? new byte[0] : payload;
        return new DeadLetter(stage, reason, topic, System.currentTimeMillis(), p.length, sha256(p),
                Base64.getEncoder().encodeToString(Arrays.copyOf(p, Math.min(p.length, PREVIEW_BYTES))));
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
