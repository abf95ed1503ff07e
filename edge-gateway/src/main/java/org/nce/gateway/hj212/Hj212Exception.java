package org.nce.gateway.hj212;

/**
 * A packet refused, with the reason in words and the HJ 212-2017 {@code QnRtn} code that a 9011
 * answer carries (3 wrong PW, 4 wrong MN, 5 ST, 6 Flag, 7 QN, 8 CN, 9 CRC, 100 anything else).
 */
public final class Hj212Exception extends Exception {
    private static final long serialVersionUID = 1L;

    public static final int QN_RTN_PW = 3;
    public static final int QN_RTN_MN = 4;
    public static final int QN_RTN_ST = 5;
    public static final int QN_RTN_FLAG = 6;
    public static final int QN_RTN_QN = 7;
    public static final int QN_RTN_CN = 8;
    public static final int QN_RTN_CRC = 9;
    public static final int QN_RTN_OTHER = 100;

    private final int qnRtn;
    /** A short stable name for counting refusals by reason (e.g. {@code crc}, {@code length}). */
    private final String kind;

    public Hj212Exception(String kind, int qnRtn, String reason) {
        super(reason);
        this.kind = kind;
        this.qnRtn = qnRtn;
    }

    public int qnRtn() {
        return qnRtn;
    }

    public String kind() {
        return kind;
    }
}
