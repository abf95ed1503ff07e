package org.nce.pipeline.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.apache.flink.util.OutputTag;
import org.nce.model.DeadLetter;
import org.nce.model.Hashes;

/** The dead-letter side output shared by every stage, and how a refused payload is summarised. */
public final class DeadLetters {
    public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters", org.apache.flink.api.common.typeinfo.TypeInformation.of(DeadLetter.class));
    private static final int PREVIEW_BYTES = 256;
    /** Device-fed strings are cut to this before they are indexed (a keyword term has a 32 KB limit). */
    public static final int MAX_TEXT = 512;
    private static final int MAX_REASON = 2048;

    private DeadLetters() {
    }

    public static DeadLetter of(String stage, String reason, String topic, byte[] payload) {
        byte[] p = payload == null ? new byte[0] : payload;
        String t = topic == null ? "" : topic;
        String r = reason == null ? "(no reason given)" : reason;
        if (r.length() > MAX_REASON) {
            r = r.substring(0, MAX_REASON) + "…";
        }
        if (t.length() > MAX_TEXT) {
            r = r + " [topic of " + t.length() + " characters, cut to " + MAX_TEXT + "]";
            t = t.substring(0, MAX_TEXT);
        }
        return new DeadLetter(stage, r, t, System.currentTimeMillis(), p.length, Hashes.sha256(p),
                Base64.getEncoder().encodeToString(Arrays.copyOf(p, Math.min(p.length, PREVIEW_BYTES))));
    }

    /**
     * The document id of a dead letter: the same refused message redelivered (at-least-once) or
     * replayed after a restart maps to the same id, so it is stored once, never once per delivery.
     * The wall clock is not part of it.
     */
    public static String id(DeadLetter d) {
        return Hashes.sha256((d.stage() + "\n" + d.topic() + "\n" + d.payloadSha256() + "\n" + d.reason())
                .getBytes(StandardCharsets.UTF_8)).substring(0, 40);
    }
}
