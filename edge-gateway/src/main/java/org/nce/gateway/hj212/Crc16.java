package org.nce.gateway.hj212;

/**
 * The check codes of HJ 212 packets, over the data segment's bytes.
 *
 * <p>{@link #hj212} is the algorithm of HJ 212-2017 appendix A, which is <em>not</em> the common
 * CRC-16/MODBUS: each byte is XORed into the register after shifting it right by 8. Some
 * HJ/T 212-2005 monitors send CRC-16/MODBUS ({@link #modbus}) instead, so the parser accepts that
 * too for packets framed as 2005 (it says which matched).
 */
public final class Crc16 {
    private Crc16() {
    }

    public static int hj212(byte[] data, int from, int to) {
        int crc = 0xFFFF;
        for (int i = from; i < to; i++) {
            crc = (crc >> 8) ^ (data[i] & 0xFF);
            for (int j = 0; j < 8; j++) {
                boolean lsb = (crc & 1) != 0;
                crc >>= 1;
                if (lsb) {
                    crc ^= 0xA001;
                }
            }
        }
        return crc & 0xFFFF;
    }

    public static int modbus(byte[] data, int from, int to) {
        int crc = 0xFFFF;
        for (int i = from; i < to; i++) {
            crc ^= data[i] & 0xFF;
            for (int j = 0; j < 8; j++) {
                boolean lsb = (crc & 1) != 0;
                crc >>= 1;
                if (lsb) {
                    crc ^= 0xA001;
                }
            }
        }
        return crc & 0xFFFF;
    }

    /** Four upper-case hex digits, as the packet carries them. */
    public static String hex(int crc) {
        return String.format(java.util.Locale.ROOT, "%04X", crc);
    }
}
