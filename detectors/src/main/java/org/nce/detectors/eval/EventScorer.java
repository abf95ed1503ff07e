package org.nce.detectors.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.nce.model.Detection;
import org.nce.model.EventType;

/**
 * Scores one clip's alerts against its labels (issue #3), with no I/O so the rules can be tested
 * exhaustively.
 *
 * <p>Rules, per event type X:
 * <ul>
 *   <li>An alert covers the frames {@code [firstFrame, lastFrame]} of its {@link Detection}: the
 *       evidence it rests on, ending when it was raised. It overlaps a labelled interval when the
 *       two closed ranges share a frame. (Using only the raise frame would punish a detector for
 *       a persistence window that ends just after a short event; using the whole evidence range
 *       credits exactly the frames the detector says it looked at.)</li>
 *   <li>Alerts are taken in the order they were raised ({@code lastFrame}, ties in emission
 *       order).</li>
 *   <li>An alert of type X overlapping a not-yet-matched interval of type X is a true positive
 *       and matches that interval (the earliest such one if it overlaps several: one alert is
 *       credited once).</li>
 *   <li>An alert of type X that overlaps only intervals of type X already matched is ignored: a
 *       repeated report of an event already found is neither rewarded nor punished.</li>
 *   <li>Any other alert is a false positive.</li>
 *   <li>An interval of type X matched by no alert is a false negative.</li>
 * </ul>
 */
public final class EventScorer {

    public enum Outcome { TP, FP, IGNORED }

    /** What one alert counted as; {@code matched} is the interval it overlapped (null for FP). */
    public record ScoredAlert(Detection alert, Outcome outcome, LabelledInterval matched) {
    }

    /** True/false positives and false negatives, with the usual ratios. */
    public record Counts(long tp, long fp, long fn) {
        public static final Counts ZERO = new Counts(0, 0, 0);

        public Counts plus(Counts o) {
            return new Counts(tp + o.tp, fp + o.fp, fn + o.fn);
        }

        /** tp / (tp + fp); 0 when there were no alerts at all (0/0, see docs/evaluation.md). */
        public double precision() {
            return ratio(tp, tp + fp);
        }

        /** tp / (tp + fn); 0 when there was nothing to find (0/0). */
        public double recall() {
            return ratio(tp, tp + fn);
        }

        /** Harmonic mean 2tp / (2tp + fp + fn); 0 when all counts are 0. */
        public double f1() {
            return ratio(2 * tp, 2 * tp + fp + fn);
        }

        /** Whether precision is 0/0 (no alerts), reported as 0. */
        public boolean precisionUndefined() {
            return tp + fp == 0;
        }

        /** Whether recall is 0/0 (no labelled intervals), reported as 0. */
        public boolean recallUndefined() {
            return tp + fn == 0;
        }

        private static double ratio(long num, long den) {
            return den == 0 ? 0.0 : (double) num / den;
        }
    }

    /**
     * The score of one clip: counts per event type (every type present in labels or alerts),
     * every alert with its outcome in raise order, and the intervals nothing matched.
     */
    public record ClipScore(Map<EventType, Counts> counts, List<ScoredAlert> alerts, List<LabelledInterval> missed) {
        public ClipScore {
            counts = Map.copyOf(counts);
            alerts = List.copyOf(alerts);
            missed = List.copyOf(missed);
        }

        public Counts counts(EventType type) {
            return counts.getOrDefault(type, Counts.ZERO);
        }
    }

    private EventScorer() {
    }

    public static ClipScore score(List<LabelledInterval> labels, List<Detection> alerts) {
        List<Detection> ordered = new ArrayList<>(alerts);
        ordered.sort(Comparator.comparingLong(Detection::lastFrame)); // stable: ties keep emission order
        // Earliest interval first, so an alert spanning several matches the earliest unmatched one.
        List<LabelledInterval> intervals = new ArrayList<>(labels);
        intervals.sort(Comparator.comparingLong(LabelledInterval::firstFrame).thenComparingLong(LabelledInterval::lastFrame));
        boolean[] matched = new boolean[intervals.size()];

        Map<EventType, long[]> tally = new EnumMap<>(EventType.class); // tp, fp, fn
        List<ScoredAlert> scored = new ArrayList<>();
        for (Detection alert : ordered) {
            int unmatched = -1;
            int alreadyMatched = -1;
            for (int i = 0; i < intervals.size(); i++) {
                LabelledInterval in = intervals.get(i);
                if (in.event() != alert.type() || !in.overlaps(alert.firstFrame(), alert.lastFrame())) {
                    continue;
                }
                if (!matched[i]) {
                    unmatched = i;
                    break;
                }
                if (alreadyMatched < 0) {
                    alreadyMatched = i;
                }
            }
            long[] t = tally.computeIfAbsent(alert.type(), k -> new long[3]);
            if (unmatched >= 0) {
                matched[unmatched] = true;
                t[0]++;
                scored.add(new ScoredAlert(alert, Outcome.TP, intervals.get(unmatched)));
            } else if (alreadyMatched >= 0) {
                scored.add(new ScoredAlert(alert, Outcome.IGNORED, intervals.get(alreadyMatched)));
            } else {
                t[1]++;
                scored.add(new ScoredAlert(alert, Outcome.FP, null));
            }
        }
        List<LabelledInterval> missed = new ArrayList<>();
        for (int i = 0; i < intervals.size(); i++) {
            LabelledInterval in = intervals.get(i);
            long[] t = tally.computeIfAbsent(in.event(), k -> new long[3]);
            if (!matched[i]) {
                t[2]++;
                missed.add(in);
            }
        }
        Map<EventType, Counts> counts = new EnumMap<>(EventType.class);
        tally.forEach((type, t) -> counts.put(type, new Counts(t[0], t[1], t[2])));
        return new ClipScore(counts, scored, missed);
    }
}
