package org.nce.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class JpegHeaderTest {
    static byte[] jpeg(int w, int h) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "jpg", out);
        return out.toByteArray();
    }

    /** A 629-byte JPEG of 16x16 whose frame header is rewritten to claim {@code w}x{@code h}. */
    public static byte[] lyingAbout(int w, int h) throws Exception {
        byte[] b = jpeg(16, 16);
        for (int i = 2; i + 8 < b.length; i++) {
            if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0xC0) {
                b[i + 5] = (byte) (h >> 8);
                b[i + 6] = (byte) h;
                b[i + 7] = (byte) (w >> 8);
                b[i + 8] = (byte) w;
                return b;
            }
        }
        throw new AssertionError("no SOF0 in the test JPEG");
    }

    @Test
    void readsTheSizeOfARealJpeg() throws Exception {
        assertEquals(new JpegHeader.Size(640, 360), JpegHeader.size(jpeg(640, 360)));
    }

    @Test
    void readsTheClaimOfALyingHeaderWithoutDecoding() throws Exception {
        JpegHeader.Size s = JpegHeader.size(lyingAbout(40000, 40000));
        assertEquals(1_600_000_000L, s.pixels());
    }

    @Test
    void refusesGarbageWithAReasonAndNeverCrashes() {
        assertThrows(IllegalArgumentException.class, () -> JpegHeader.size(new byte[] {1, 2, 3}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JpegHeader.size(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9}));
        assertTrue(e.getMessage().contains("marker"), e.getMessage());
        Random rnd = new Random(7);
        for (int n = 0; n < 5000; n++) {
            byte[] b = new byte[rnd.nextInt(64)];
            rnd.nextBytes(b);
            if (b.length > 2) {
                b[0] = (byte) 0xFF;
                b[1] = (byte) 0xD8;
            }
            try {
                JpegHeader.size(b);
            } catch (IllegalArgumentException expected) {
                // refused with a reason: fine
            }
        }
    }
}
