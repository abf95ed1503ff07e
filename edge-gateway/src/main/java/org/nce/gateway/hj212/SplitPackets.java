package org.nce.gateway.hj212;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.ArrayList;

/**
 * Puts split packets (Flag bit D, {@code PNUM} parts numbered by {@code PNO}, one QN) together
 * again: the parts' parameters and factors are merged in part order. Parts of one message that do
 * not all arrive within {@code timeoutMs} are given up and handed back for a dead letter. Used from
 * one thread per connection's event loop; guarded anyway.
 */
final class SplitPackets {
    private record Key(String mn, String qn) {
    }

    private static final class Parts {
        final long firstMs;
        final TreeMap<Integer, Hj212Packet> byNo = new TreeMap<>();

        Parts(long firstMs) {
            this.firstMs = firstMs;
        }
    }

    private final Map<Key, Parts> open = new LinkedHashMap<>();
    private final long timeoutMs;
    private final int maxOpen;

    SplitPackets(long timeoutMs, int maxOpen) {
        this.timeoutMs = timeoutMs;
        this.maxOpen = maxOpen;
    }

    /** The whole message once its last part is in, else null. */
    synchronized Hj212Packet add(Hj212Packet p, long nowMs) throws Hj212Exception {
        Key k = new Key(p.mn(), p.qn());
        Parts parts = open.get(k);
        if (parts == null) {
            if (open.size() >= maxOpen) {
                throw new Hj212Exception("split", Hj212Exception.QN_RTN_OTHER,
                        maxOpen + " split messages are already waiting for parts; refusing another");
            }
            parts = new Parts(nowMs);
            open.put(k, parts);
        }
        Hj212Packet first = parts.byNo.isEmpty() ? null : parts.byNo.firstEntry().getValue();
        if (first != null && (!first.pnum().equals(p.pnum()) || !first.cn().equals(p.cn()))) {
            open.remove(k);
            throw new Hj212Exception("split", Hj212Exception.QN_RTN_OTHER, "parts of QN " + p.qn() + " disagree on PNUM or CN");
        }
        parts.byNo.put(p.pno(), p); // a part sent again replaces itself
        if (parts.byNo.size() < p.pnum()) {
            return null;
        }
        open.remove(k);
        Map<String, String> cp = new LinkedHashMap<>();
        Map<String, Map<String, String>> factors = new LinkedHashMap<>();
        for (Hj212Packet part : parts.byNo.values()) {
            cp.putAll(part.cp());
            part.factors().forEach((code, fields) -> factors.computeIfAbsent(code, c -> new LinkedHashMap<>()).putAll(fields));
        }
        Hj212Packet last = parts.byNo.lastEntry().getValue();
        return new Hj212Packet(last.version(), last.qn(), last.st(), last.cn(), last.pw(), last.mn(), last.flag(), null, null,
                cp, factors, last.crcKind());
    }

    /** Messages whose parts did not all arrive in time, removed; a line each for the dead letter. */
    synchronized List<String> expire(long nowMs) {
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<Key, Parts>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Parts> e = it.next();
            if (nowMs - e.getValue().firstMs > timeoutMs) {
                Hj212Packet any = e.getValue().byNo.firstEntry().getValue();
                out.add("MN " + e.getKey().mn() + " QN " + e.getKey().qn() + ": got parts " + e.getValue().byNo.keySet()
                        + " of " + any.pnum() + " within " + timeoutMs / 1000 + " s");
                it.remove();
            }
        }
        return out;
    }
}
