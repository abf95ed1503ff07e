package org.nce.pipeline.ingest;

import java.util.Arrays;
import java.util.Base64;
import org.apache.flink.util.OutputTag;
import org.nce.model.DeadLetter;
import org.nce.model.Hashes;

/** The dead-letter side output shared by every stage, and how a refused payload is summarised. */
public final class DeadLetters {
    public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters", org.apache.flink.api.common.typeinfo.TypeInformation.of(DeadLetter.class));
    private static final int PREVIEW_BYTES = 256;

    private DeadLetters() {
    }

    public static DeadLetter of(String stage, String reason, String topic, byte[] payload) {
        byte[] p = payload == null ? new byte[0] : payload;
        return new DeadLetter(stage, reason, topic, System.currentTimeMillis(), p.length, Hashes.sha256(p),
                Base64.getEncoder().encodeToString(Arrays.copyOf(p, Math.min(p.length, PREVIEW_BYTES))));
    }
}
