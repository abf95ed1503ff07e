package org.nce.gateway.hj212;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts split packets (Flag bit D, {@code PNUM} parts numbered by {@code PNO}, one QN) together
 * again: the parts' parameters and factors are merged in part order. A message stays here until
 * {@link #stored} says it is stored (a failed store keeps it, so the monitor's resent last part
 * completes it again). Parts of one message that do not all arrive within {@code timeoutMs} are
 * handed back, with their bytes, for a dead letter. Bounded: at most {@code maxOpen} messages and
 * {@code maxBytes} of parts in all.
 */
final class SplitPackets {
    /** Parts in one message at most (PNUM): more is a broken or hostile sender. */
    static final int MAX_PARTS = 1_000;

    private record Key(String mn, String qn) {
    }

    record Expired(String mn, String what, byte[] raw) {
    }

    private static final class Parts {
        final long firstMs;
        final TreeMap<Integer, Hj212Packet> byNo = new TreeMap<>();
        final TreeMap<Integer, byte[]> rawByNo = new TreeMap<>();

        Parts(long firstMs) {
            this.firstMs = firstMs;
        }
    }

    private final Map<Key, Parts> open = new LinkedHashMap<>();
    private final long timeoutMs;
    private final int maxOpen;
    private final long maxBytes;
    private long bytes;

    SplitPackets(long timeoutMs, int maxOpen, long maxBytes) {
        this.timeoutMs = timeoutMs;
        this.maxOpen = maxOpen;
        this.maxBytes = maxBytes;
    }

    /** The whole message once its last part is in, else null. */
    synchronized Hj212Packet add(Hj212Packet p, byte[] raw, long nowMs) throws Hj212Exception {
        if (p.pnum() > MAX_PARTS) {
            throw new Hj212Exception("split", Hj212Exception.QN_RTN_OTHER, "PNUM=" + p.pnum() + " parts; at most " + MAX_PARTS + " are taken");
        }
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
            drop(k);
            throw new Hj212Exception("split", Hj212Exception.QN_RTN_OTHER, "parts of QN " + p.qn() + " disagree on PNUM or CN");
        }
        byte[] old = parts.rawByNo.get(p.pno());
        if (bytes - (old == null ? 0 : old.length) + raw.length > maxBytes) {
            throw new Hj212Exception("split", Hj212Exception.QN_RTN_OTHER, "split messages waiting for parts hold " + bytes
                    + " bytes already (at most " + maxBytes + ")");
        }
        bytes += raw.length - (old == null ? 0 : old.length);
        parts.byNo.put(p.pno(), p); // a part sent again replaces itself
        parts.rawByNo.put(p.pno(), raw);
        if (parts.byNo.size() < p.pnum()) {
            return null;
        }
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

    /** The whole message of {@code part} is stored: forget its parts. */
    synchronized void stored(Hj212Packet part) {
        drop(new Key(part.mn(), part.qn()));
    }

    private void drop(Key k) {
        Parts parts = open.remove(k);
        if (parts != null) {
            parts.rawByNo.values().forEach(r -> bytes -= r.length);
        }
    }

    /** Messages whose parts did not all arrive (or were not stored) in time, removed, with their bytes. */
    synchronized List<Expired> expire(long nowMs) {
        List<Expired> out = new ArrayList<>();
        for (Iterator<Map.Entry<Key, Parts>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Parts> e = it.next();
            Parts parts = e.getValue();
            if (nowMs - parts.firstMs > timeoutMs) {
                Hj212Packet any = parts.byNo.firstEntry().getValue();
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                parts.rawByNo.values().forEach(r -> {
                    raw.writeBytes(r);
                    raw.write('\n');
                    bytes -= r.length;
                });
                out.add(new Expired(e.getKey().mn(), "MN " + e.getKey().mn() + " QN " + e.getKey().qn() + ": got parts "
                        + parts.byNo.keySet() + " of " + any.pnum() + " within " + timeoutMs / 1000 + " s", raw.toByteArray()));
                it.remove();
            }
        }
        return out;
    }
}
