package org.nce.gateway.hj212;

import java.util.Map;

/**
 * One HJ 212 packet, parsed and checked (length and CRC): the data segment's header fields and its
 * command parameters ({@code CP=&&…&&}).
 *
 * @param version   2017 (Flag version bits 000001) or 2005 (version bits 000000, or no Flag at all)
 * @param qn        request number {@code yyyyMMddHHmmssSSS}, or null when the packet has none
 * @param cp        the parameters without a factor code ({@code DataTime}, {@code RtdInterval}, {@code QnRtn}…)
 * @param factors   per factor code (e.g. {@code LA}, {@code a34041}), its fields ({@code Rtd}, {@code Avg},
 *                  {@code Max}, {@code Min}, {@code Flag}, {@code RS}…) as sent, in order
 * @param crcKind   which check matched: {@code hj212} (HJ 212-2017 appendix A) or {@code modbus} (some 2005 monitors)
 */
public record Hj212Packet(Version version, String qn, String st, String cn, String pw, String mn, int flag,
                          Integer pnum, Integer pno, Map<String, String> cp, Map<String, Map<String, String>> factors,
                          String crcKind) {

    public enum Version {
        HJ212_2017("HJ 212-2017"), HJT212_2005("HJ/T 212-2005");

        private final String title;

        Version(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    public Hj212Packet {
        cp = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(cp));
        java.util.LinkedHashMap<String, Map<String, String>> f = new java.util.LinkedHashMap<>();
        factors.forEach((k, v) -> f.put(k, java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(v))));
        factors = java.util.Collections.unmodifiableMap(f);
    }

    /** Flag bit A: the sender wants an answer (9014 for data, 9011 for a request). */
    public boolean ackRequested() {
        return (flag & 1) != 0;
    }

    /** Flag bit D: one of several packets ({@code PNUM}, {@code PNO}) carrying one message. */
    public boolean split() {
        return (flag & 2) != 0;
    }

    /** {@code DataTime} of the parameters, or null. */
    public String dataTime() {
        return cp.get("DataTime");
    }
}
