package org.nce.console.web;

import java.util.ArrayList;
import java.util.List;

/**
 * When a device was covered over a time range, from its gateway's heartbeats: a heartbeat that
 * shows the device up (a camera streaming, a monitor reporting with flag N) covers from its time to
 * the next heartbeat, at most {@code maxGapMs} (three missed heartbeats at the default 10 s, with
 * room); everything else in the range is a gap, named by what the heartbeats said there (the
 * camera's state, the monitor's flag), or {@code not_reported} (heartbeats came without the device)
 * or {@code no_heartbeat} (the gateway was silent). An operator checks this against an evidence
 * period: a clip from a window the device was not covered proves less.
 */
public final class DeviceCoverage {
    /** One heartbeat as it concerns the device: its time, and null when up or the reason it was not. */
    public record Sample(long timeMs, boolean reported, String downReason) {
        boolean up() {
            return reported && downReason == null;
        }
    }

    public record Gap(long fromMs, long toMs, String reason) {
    }

    public record Result(long fromMs, long toMs, long coveredMs, List<Gap> gaps) {
        public double coverage() {
            return toMs > fromMs ? (double) coveredMs / (toMs - fromMs) : 0;
        }
    }

    private DeviceCoverage() {
    }

    /** {@code samples} in time order (the site's heartbeats, each saying what it said of this device). */
    public static Result of(List<Sample> samples, long from, long to, long maxGapMs) {
        List<long[]> covered = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            if (!s.up()) {
                continue;
            }
            long end = s.timeMs() + maxGapMs;
            if (i + 1 < samples.size()) {
                end = Math.min(end, samples.get(i + 1).timeMs());
            }
            long a = Math.max(from, s.timeMs());
            long b = Math.min(to, end);
            if (b <= a) {
                continue;
            }
            if (!covered.isEmpty() && covered.get(covered.size() - 1)[1] >= a) {
                covered.get(covered.size() - 1)[1] = Math.max(covered.get(covered.size() - 1)[1], b);
            } else {
                covered.add(new long[] {a, b});
            }
        }
        List<Gap> gaps = new ArrayList<>();
        long coveredMs = 0;
        long cursor = from;
        for (long[] c : covered) {
            coveredMs += c[1] - c[0];
            if (c[0] > cursor) {
                gaps.add(new Gap(cursor, c[0], reason(samples, cursor, c[0])));
            }
            cursor = c[1];
        }
        if (cursor < to) {
            gaps.add(new Gap(cursor, to, reason(samples, cursor, to)));
        }
        return new Result(from, to, coveredMs, gaps);
    }

    /**
     * What the heartbeats in [from, to) said of the device, their first down reason; with none inside,
     * the last one before (a camera stalled just before the range is stalled, not silent).
     */
    private static String reason(List<Sample> samples, long from, long to) {
        boolean anyHeartbeat = false;
        boolean reported = false;
        Sample before = null;
        for (Sample s : samples) {
            if (s.timeMs() >= to) {
                break;
            }
            if (s.timeMs() < from - 1) {
                before = s;
                continue;
            }
            anyHeartbeat = true;
            if (s.reported()) {
                reported = true;
                if (s.downReason() != null) {
                    return s.downReason();
                }
            }
        }
        if (!anyHeartbeat && before != null && before.reported() && before.downReason() != null) {
            return before.downReason();
        }
        return !anyHeartbeat ? "no_heartbeat" : reported ? "no_heartbeat" : "not_reported";
    }
}
