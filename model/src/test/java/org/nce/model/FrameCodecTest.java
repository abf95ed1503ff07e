package org.nce.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};

    @Test
    void roundTrips() {
        Frame f = new Frame("site-1", "cam-1", "boot-a1", 42, 1_700_000_000_000L, 640, 360, JPEG);
        Frame back = FrameCodec.decode(FrameCodec.encode(f));
        assertEquals(f.siteId(), back.siteId());
        assertEquals(f.cameraId(), back.cameraId());
        assertEquals(42, back.seq());
        assertEquals("boot-a1", back.bootId());
        assertEquals("boot-a1-42", back.frameKey());
        assertEquals(f.timestampMs(), back.timestampMs());
        assertEquals(640, back.width());
        assertEquals(360, back.height());
        assertArrayEquals(JPEG, back.jpeg());
    }

    @Test
    void rejectsTruncatedJpeg() {
        byte[] full = FrameCodec.encode(new Frame("s", "c", "b", 1, 1, 2, 2, JPEG));
        byte[] cut = Arrays.copyOf(full, full.length - 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrameCodec.decode(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void rejectsWrongMagicAndShortAndOversized() {
        assertThrows(IllegalArgumentException.class, () -> FrameCodec.decode("{\"a\":1}".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> FrameCodec.decode(new byte[3]));
        byte[] huge = new byte[FrameCodec.MAX_FRAME_BYTES + 1];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrameCodec.decode(huge));
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    }

    @Test
    void refusesAFrameWithoutABootIdOrWithOneUnfitForKeys() {
        byte[] header = "{\"site_id\":\"s\",\"camera_id\":\"c\",\"seq\":1,\"timestamp_ms\":1,\"width\":1,\"height\":1}".getBytes();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + header.length + JPEG.length);
        b.put(FrameCodec.MAGIC).putInt(header.length).put(header).put(JPEG);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrameCodec.decode(b.array()));
        assertTrue(e.getMessage().contains("boot_id"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Frame("s", "c", "../x", 1, 1, 2, 2, JPEG));
        assertThrows(IllegalArgumentException.class, () -> new Frame("s", "c", "b", -1, 1, 2, 2, JPEG));
    }

    @Test
    void rejectsHeaderWithoutCamera() {
        byte[] header = "{\"site_id\":\"s\",\"seq\":1,\"timestamp_ms\":1,\"width\":1,\"height\":1}".getBytes();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + header.length + JPEG.length);
        b.put(FrameCodec.MAGIC).putInt(header.length).put(header).put(JPEG);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrameCodec.decode(b.array()));
        assertTrue(e.getMessage().contains("camera_id"), e.getMessage());
    }
}
