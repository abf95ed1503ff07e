package org.nce.model;

/**
 * Input the pipeline refused, kept with the reason so nothing is dropped silently. The payload is
 * kept as a short preview (Base64 of the first bytes) plus its full size and SHA-256.
 */
public record DeadLetter(String stage, String reason, String topic, long receivedAt, int payloadBytes,
                         String payloadSha256, String payloadPreview) {
}
