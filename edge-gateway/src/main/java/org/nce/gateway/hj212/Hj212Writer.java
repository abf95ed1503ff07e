package org.nce.gateway.hj212;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Frames a data segment as an HJ 212 packet, and builds the answers the listener sends. */
public final class Hj212Writer {
    public static final DateTimeFormatter QN = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS");
    public static final DateTimeFormatter DATA_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private Hj212Writer() {
    }

    /** {@code ##} + length + segment + CRC + CRLF. */
    public static String frame(String segment) {
        byte[] b = segment.getBytes(StandardCharsets.US_ASCII);
        if (b.length > Hj212Parser.MAX_DATA_SEGMENT) {
            throw new IllegalArgumentException("data segment of " + b.length + " bytes does not fit HJ 212's length field");
        }
        return "##" + String.format(java.util.Locale.ROOT, "%04d", b.length) + segment + Crc16.hex(Crc16.hj212(b, 0, b.length)) + "\r\n";
    }

    /** CN 9014, the data acknowledgement for an upload whose Flag asked for one. */
    public static String dataAck(Hj212Packet p) {
        return frame("QN=" + orNow(p.qn()) + ";ST=91;CN=9014;PW=" + p.pw() + ";MN=" + p.mn() + ";Flag=" + answerFlag(p) + ";CP=&&&&");
    }

    /** CN 9011, the request answer: {@code QnRtn} 1 ready, 2 refused, 3 wrong PW, 4 wrong MN, … */
    public static String requestAnswer(Hj212Packet p, int qnRtn) {
        return frame("QN=" + orNow(p.qn()) + ";ST=91;CN=9011;PW=" + p.pw() + ";MN=" + p.mn() + ";Flag=" + answerFlag(p)
                + ";CP=&&QnRtn=" + qnRtn + "&&");
    }

    /** Answers carry the sender's protocol version and ask for no answer back. */
    private static int answerFlag(Hj212Packet p) {
        return p.version() == Hj212Packet.Version.HJ212_2017 ? 4 : 0;
    }

    private static String orNow(String qn) {
        return qn != null ? qn : QN.format(Instant.now().atZone(ZoneId.systemDefault()));
    }
}
