package org.nce.model;

/**
 * Reads a JPEG's dimensions from its frame header (SOFn) without decoding it. A hostile or broken
 * device can send a few hundred bytes whose header claims 40000×40000: decoding that allocates
 * gigabytes before failing, so the size is checked here first, against a configured maximum.
 */
public final class JpegHeader {
    private JpegHeader() {
    }

    public record Size(int width, int height) {
        public long pixels() {
            return (long) width * height;
        }
    }

    /** The size in the first SOF segment, or throws {@link IllegalArgumentException} saying what is wrong. */
    public static Size size(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xff) != 0xFF || (jpeg[1] & 0xff) != 0xD8) {
            throw new IllegalArgumentException("not a JPEG (no SOI marker)");
        }
        int i = 2;
        while (i + 4 <= jpeg.length) {
            if ((jpeg[i] & 0xff) != 0xFF) {
                throw new IllegalArgumentException("JPEG segment marker expected at byte " + i);
            }
            int marker = jpeg[i + 1] & 0xff;
            if (marker == 0xFF) { // fill byte
                i++;
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA) {
                break; // end of image or start of scan before any frame header
            }
            if (marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) {
                i += 2; // markers without a length
                continue;
            }
            int len = ((jpeg[i + 2] & 0xff) << 8) | (jpeg[i + 3] & 0xff);
            if (len < 2 || i + 2 + len > jpeg.length) {
                throw new IllegalArgumentException("JPEG segment 0x" + Integer.toHexString(marker) + " at byte " + i
                        + " claims " + len + " bytes, past the end of the data");
            }
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                if (len < 7) {
                    throw new IllegalArgumentException("JPEG frame header too short");
                }
                int h = ((jpeg[i + 5] & 0xff) << 8) | (jpeg[i + 6] & 0xff);
                int w = ((jpeg[i + 7] & 0xff) << 8) | (jpeg[i + 8] & 0xff);
                if (w == 0 || h == 0) {
                    throw new IllegalArgumentException("JPEG frame header claims " + w + "x" + h);
                }
                return new Size(w, h);
            }
            i += 2 + len;
        }
        throw new IllegalArgumentException("JPEG has no frame header (SOF) before its image data");
    }
}
