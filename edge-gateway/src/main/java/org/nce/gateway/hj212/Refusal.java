package org.nce.gateway.hj212;

import java.nio.charset.StandardCharsets;
import org.nce.model.Hashes;

/**
 * A packet the listener refused, as the gateway's dead letter ({@code nce/<site>/gateway/deadletter}):
 * why, from where, and enough of the packet to find it in the monitor's own log.
 *
 * @param kind    a short stable name of the reason, for counting ({@code crc}, {@code length}, {@code mn}…)
 * @param preview the packet (its first 64 KiB), non-printable bytes as {@code \xNN}: all of an HJ 212 packet
 */
public record Refusal(long receivedMs, String remote, String kind, String reason, String mn, int bytes, String sha256,
                      String preview) {

    public static Refusal of(byte[] packet, String remote, String kind, String reason, String mn) {
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < Math.min(packet.length, 65_536); i++) {
            int c = packet[i] & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                p.append((char) c);
            } else {
                p.append(String.format(java.util.Locale.ROOT, "\\x%02X", c));
            }
        }
        return new Refusal(System.currentTimeMillis(), remote, kind, reason, mn, packet.length, Hashes.sha256(packet), p.toString());
    }

    public static Refusal of(String packet, String remote, String kind, String reason, String mn) {
        return of(packet.getBytes(StandardCharsets.ISO_8859_1), remote, kind, reason, mn);
    }
}
