package org.nce.gateway.hj212;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses and checks one HJ 212 packet: {@code ##}, four decimal digits giving the data segment's
 * length, the data segment, four hex digits of CRC over the data segment, then CRLF (optional here:
 * the listener's framing strips it). Everything is checked before anything is believed: only
 * printable ASCII, the length field against the bytes actually there, the CRC, then the fields.
 * Stateless and thread-safe.
 */
public final class Hj212Parser {
    /** The length field has four digits, so no data segment can be longer. */
    public static final int MAX_DATA_SEGMENT = 9999;
    /** Header + length + longest segment + CRC + CRLF: anything longer is not one packet. */
    public static final int MAX_PACKET = 2 + 4 + MAX_DATA_SEGMENT + 4 + 2;

    private static final Pattern QN = Pattern.compile("\\d{17}");
    private static final Pattern ST = Pattern.compile("\\d{2}");
    private static final Pattern CN = Pattern.compile("\\d{4}");
    /** 2017: 24 characters; 2005: 14. Letters and digits only: it becomes part of ids. */
    private static final Pattern MN = Pattern.compile("[A-Za-z0-9]{1,24}");
    private static final Pattern DATA_TIME = Pattern.compile("\\d{14}");
    private static final Pattern FACTOR = Pattern.compile("[A-Za-z0-9]{1,16}");

    private Hj212Parser() {
    }

    public static Hj212Packet parse(String packet) throws Hj212Exception {
        return parse(packet.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static Hj212Packet parse(byte[] b) throws Hj212Exception {
        int end = b.length;
        if (end >= 2 && b[end - 2] == '\r' && b[end - 1] == '\n') {
            end -= 2;
        }
        if (end > MAX_PACKET) {
            throw new Hj212Exception("oversized", Hj212Exception.QN_RTN_OTHER,
                    "packet of " + end + " bytes is longer than any HJ 212 packet (" + MAX_PACKET + ")");
        }
        for (int i = 0; i < end; i++) {
            int c = b[i] & 0xFF;
            if (c < 0x20 || c > 0x7E) {
                throw new Hj212Exception("non_ascii", Hj212Exception.QN_RTN_OTHER,
                        String.format(java.util.Locale.ROOT, "byte 0x%02X at offset %d is not printable ASCII", c, i));
            }
        }
        if (end < 2 || b[0] != '#' || b[1] != '#') {
            throw new Hj212Exception("header", Hj212Exception.QN_RTN_OTHER, "packet does not start with ##");
        }
        if (end < 10) {
            throw new Hj212Exception("truncated", Hj212Exception.QN_RTN_OTHER,
                    "packet of " + end + " bytes is too short for ##, length and CRC");
        }
        int length = 0;
        for (int i = 2; i < 6; i++) {
            if (b[i] < '0' || b[i] > '9') {
                throw new Hj212Exception("length", Hj212Exception.QN_RTN_OTHER,
                        "length field '" + new String(b, 2, 4, StandardCharsets.US_ASCII) + "' is not four decimal digits");
            }
            length = length * 10 + (b[i] - '0');
        }
        int actual = end - 6 - 4;
        if (length != actual) {
            throw new Hj212Exception("length", Hj212Exception.QN_RTN_OTHER, "length field says " + length
                    + " but the data segment has " + actual + " bytes" + (actual < length ? " (truncated packet?)" : ""));
        }
        String crcText = new String(b, end - 4, 4, StandardCharsets.US_ASCII);
        if (!crcText.matches("[0-9A-Fa-f]{4}")) {
            throw new Hj212Exception("crc", Hj212Exception.QN_RTN_CRC, "CRC field '" + crcText + "' is not four hex digits");
        }
        int sent = Integer.parseInt(crcText, 16);
        String segment = new String(b, 6, length, StandardCharsets.US_ASCII);
        Map<String, String> header = new LinkedHashMap<>();
        String cpBody = splitSegment(segment, header);
        Integer flagValue = header.containsKey("Flag") ? parseInt(header.get("Flag"), "Flag", 0, 255, Hj212Exception.QN_RTN_FLAG) : null;
        Hj212Packet.Version version;
        if (flagValue == null || (flagValue >> 2) == 0) {
            version = Hj212Packet.Version.HJT212_2005;
        } else if ((flagValue >> 2) == 1) {
            version = Hj212Packet.Version.HJ212_2017;
        } else {
            throw new Hj212Exception("flag", Hj212Exception.QN_RTN_FLAG,
                    "Flag=" + flagValue + " names protocol version " + (flagValue >> 2) + " (known: 0 HJ/T 212-2005, 1 HJ 212-2017)");
        }
        String crcKind;
        int hj = Crc16.hj212(b, 6, 6 + length);
        if (hj == sent) {
            crcKind = "hj212";
        } else if (version == Hj212Packet.Version.HJT212_2005 && Crc16.modbus(b, 6, 6 + length) == sent) {
            crcKind = "modbus";
        } else {
            throw new Hj212Exception("crc", Hj212Exception.QN_RTN_CRC,
                    "CRC " + crcText.toUpperCase(java.util.Locale.ROOT) + " does not match the data segment (expected " + Crc16.hex(hj) + ")");
        }
        String qn = optional(header, "QN", QN, Hj212Exception.QN_RTN_QN);
        String st = required(header, "ST", ST, Hj212Exception.QN_RTN_ST);
        String cn = required(header, "CN", CN, Hj212Exception.QN_RTN_CN);
        String pw = header.get("PW");
        if (pw == null || pw.length() > 32 || pw.isEmpty()) {
            throw new Hj212Exception("pw", Hj212Exception.QN_RTN_PW, "PW is missing or longer than 32 characters");
        }
        String mn = required(header, "MN", MN, Hj212Exception.QN_RTN_MN);
        int flag = flagValue == null ? 0 : flagValue;
        Integer pnum = null;
        Integer pno = null;
        if ((flag & 2) != 0) {
            if (!header.containsKey("PNUM") || !header.containsKey("PNO")) {
                throw new Hj212Exception("split", Hj212Exception.QN_RTN_FLAG, "Flag marks a split packet but PNUM or PNO is missing");
            }
            pnum = parseInt(header.get("PNUM"), "PNUM", 1, 9999, Hj212Exception.QN_RTN_OTHER);
            pno = parseInt(header.get("PNO"), "PNO", 1, pnum, Hj212Exception.QN_RTN_OTHER);
            if (qn == null) {
                throw new Hj212Exception("split", Hj212Exception.QN_RTN_QN, "a split packet needs a QN to be put together again");
            }
        }
        Map<String, String> cp = new LinkedHashMap<>();
        Map<String, Map<String, String>> factors = new LinkedHashMap<>();
        parseCp(cpBody, cp, factors);
        String dataTime = cp.get("DataTime");
        if (dataTime != null && !DATA_TIME.matcher(dataTime).matches()) {
            throw new Hj212Exception("data_time", Hj212Exception.QN_RTN_OTHER, "DataTime '" + dataTime + "' is not yyyyMMddHHmmss");
        }
        return new Hj212Packet(version, qn, st, cn, pw, mn, flag, pnum, pno, cp, factors, crcKind);
    }

    /** Header fields into {@code header}; returns the CP body (between {@code CP=&&} and the final {@code &&}). */
    private static String splitSegment(String segment, Map<String, String> header) throws Hj212Exception {
        int cpAt = segment.indexOf("CP=&&");
        if (cpAt < 0) {
            throw new Hj212Exception("cp", Hj212Exception.QN_RTN_OTHER, "data segment has no CP=&&…&&");
        }
        if (!segment.endsWith("&&") || segment.length() < cpAt + 7) {
            throw new Hj212Exception("cp", Hj212Exception.QN_RTN_OTHER, "CP=&& is not closed by && at the end of the data segment");
        }
        String head = segment.substring(0, cpAt);
        for (String part : head.split(";")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new Hj212Exception("field", Hj212Exception.QN_RTN_OTHER, "header field '" + abbreviate(part) + "' is not key=value");
            }
            String key = part.substring(0, eq);
            if (header.put(key, part.substring(eq + 1)) != null) {
                throw new Hj212Exception("field", Hj212Exception.QN_RTN_OTHER, "header field " + abbreviate(key) + " appears twice");
            }
        }
        return segment.substring(cpAt + 5, segment.length() - 2);
    }

    private static void parseCp(String body, Map<String, String> cp, Map<String, Map<String, String>> factors) throws Hj212Exception {
        if (body.isEmpty()) {
            return;
        }
        for (String group : body.split(";", -1)) {
            for (String item : group.split(",", -1)) {
                if (item.isEmpty()) {
                    continue;
                }
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    throw new Hj212Exception("cp", Hj212Exception.QN_RTN_OTHER, "CP item '" + abbreviate(item) + "' is not key=value");
                }
                String key = item.substring(0, eq);
                String value = item.substring(eq + 1);
                int dash = key.indexOf('-');
                if (dash < 0) {
                    if (cp.put(key, value) != null) {
                        throw new Hj212Exception("cp", Hj212Exception.QN_RTN_OTHER, "CP key " + abbreviate(key) + " appears twice");
                    }
                    continue;
                }
                String code = key.substring(0, dash);
                String field = key.substring(dash + 1);
                if (!FACTOR.matcher(code).matches() || field.isEmpty()) {
                    throw new Hj212Exception("cp", Hj212Exception.QN_RTN_OTHER, "CP key '" + abbreviate(key) + "' is not <factor>-<field>");
                }
                if (factors.computeIfAbsent(code, k -> new LinkedHashMap<>()).put(field, value) != null) {
                    throw new Hj212Exception("cp", Hj212Exception.QN_RTN_OTHER, "CP key " + abbreviate(key) + " appears twice");
                }
            }
        }
    }

    private static String required(Map<String, String> header, String key, Pattern form, int qnRtn) throws Hj212Exception {
        String v = header.get(key);
        if (v == null) {
            throw new Hj212Exception(key.toLowerCase(java.util.Locale.ROOT), qnRtn, key + " is missing");
        }
        return check(key, v, form, qnRtn);
    }

    private static String optional(Map<String, String> header, String key, Pattern form, int qnRtn) throws Hj212Exception {
        String v = header.get(key);
        return v == null ? null : check(key, v, form, qnRtn);
    }

    private static String check(String key, String v, Pattern form, int qnRtn) throws Hj212Exception {
        if (!form.matcher(v).matches()) {
            throw new Hj212Exception(key.toLowerCase(java.util.Locale.ROOT), qnRtn, key + " '" + abbreviate(v) + "' is malformed (" + form.pattern() + ")");
        }
        return v;
    }

    private static int parseInt(String v, String key, int min, int max, int qnRtn) throws Hj212Exception {
        if (v == null || !v.matches("\\d{1,5}")) {
            throw new Hj212Exception(key.toLowerCase(java.util.Locale.ROOT), qnRtn, key + " '" + abbreviate(String.valueOf(v)) + "' is not a number");
        }
        int n = Integer.parseInt(v);
        if (n < min || n > max) {
            throw new Hj212Exception(key.toLowerCase(java.util.Locale.ROOT), qnRtn, key + "=" + n + " is outside " + min + ".." + max);
        }
        return n;
    }

    static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
