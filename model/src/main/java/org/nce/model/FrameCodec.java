package org.nce.model;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The binary frame envelope carried over MQTT: {@code "NCF1"}, a 4-byte big-endian header length,
 * a JSON header ({@code site_id, camera_id, boot_id, seq, timestamp_ms, width, height}), then the JPEG bytes.
 * Transport-neutral, so a store-and-forward spool or a file replays exactly what was sent.
 */
public final class FrameCodec {
    static final byte[] MAGIC = "NCF1".getBytes(StandardCharsets.US_ASCII);
    /** Frames larger than this are refused (a 4K JPEG is well under it). */
    public static final int MAX_FRAME_BYTES = 8 * 1024 * 1024;

    record Header(String siteId, String cameraId, String bootId, long seq, long timestampMs, int width, int height) {
    }

    private FrameCodec() {
    }

    public static byte[] encode(Frame f) {
        byte[] header = Json.write(new Header(f.siteId(), f.cameraId(), f.bootId(), f.seq(), f.timestampMs(), f.width(), f.height()));
        ByteBuffer buf = ByteBuffer.allocate(8 + header.length + f.jpeg().length);
        buf.put(MAGIC).putInt(header.length).put(header).put(f.jpeg());
        return buf.array();
    }

    /** Decodes or throws {@link IllegalArgumentException} saying what is wrong. Does not decode the JPEG. */
    public static Frame decode(byte[] payload) {
        if (payload == null || payload.length < 8) {
            throw new IllegalArgumentException("frame payload too short (" + (payload == null ? 0 : payload.length) + " bytes)");
        }
        if (payload.length > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("frame payload of " + payload.length + " bytes exceeds the limit of " + MAX_FRAME_BYTES);
        }
        ByteBuffer buf = ByteBuffer.wrap(payload);
        byte[] magic = new byte[4];
        buf.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("frame payload does not start with NCF1");
        }
        int headerLen = buf.getInt();
        if (headerLen <= 0 || headerLen > payload.length - 8) {
            throw new IllegalArgumentException("frame header length " + headerLen + " does not fit a payload of " + payload.length + " bytes");
        }
        byte[] headerBytes = new byte[headerLen];
        buf.get(headerBytes);
        Header h = Json.read(headerBytes, Header.class);
        byte[] jpeg = new byte[buf.remaining()];
        buf.get(jpeg);
        if (!looksLikeCompleteJpeg(jpeg)) {
            throw new IllegalArgumentException("frame JPEG is missing or truncated (" + jpeg.length + " bytes, no SOI/EOI markers)");
        }
        return new Frame(h.siteId(), h.cameraId(), h.bootId(), h.seq(), h.timestampMs(), h.width(), h.height(), jpeg);
    }

    /** SOI at the start and EOI at the end: cheap check that catches truncation in transit. */
    public static boolean looksLikeCompleteJpeg(byte[] b) {
        return b.length >= 4 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8
                && (b[b.length - 2] & 0xff) == 0xFF && (b[b.length - 1] & 0xff) == 0xD9;
    }
}
