package org.nce.pipeline.sensor;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.nce.model.Alert;
import org.nce.model.DeviceFault;
import org.nce.model.EventType;
import org.nce.model.SensorKind;
import org.nce.model.SensorReading;
import org.nce.pipeline.evidence.EvidenceRequest;

/**
 * Sensor rules, keyed by sensor id. Keeps the recent readings in Flink state and raises one alert
 * per episode when an exceedance lasts {@code sustainSeconds}:
 * <ul>
 * <li>noise: the equivalent level LAeq (energy mean) over the sustain window exceeds the day or
 * night limit that applies at the reading's local time;</li>
 * <li>lampblack: the mean concentration over the window exceeds 2.0 mg/m³;</li>
 * <li>purifier: every reading in the window has the fan on and the purifier off.</li>
 * </ul>
 * The window must be covered by readings (first reading at least sustainSeconds old) so one spike
 * never raises an alert.
 *
 * <p><b>Hysteresis.</b> An episode ends, and the rule re-arms, only when the condition has been
 * clear for a whole sustain window: for noise the LAeq at least {@link #NOISE_MARGIN_DB} under the
 * limit, for lampblack the mean at least {@link #LAMPBLACK_MARGIN} of the limit under it, for the
 * purifier a window without fan-on-purifier-off. A value hovering at the limit is one episode, not
 * an alert every other window.
 *
 * <p><b>Order.</b> Rules are evaluated on the newest reading only. A redelivered reading (the same
 * time as one already taken in) is skipped and counted ({@code readingsDuplicate}); an older one
 * that arrives late joins the history, for later windows and the evidence, but does not evaluate
 * windows again that newer readings have already decided ({@code readingsLate}). Readings with a
 * message id (HJ 212) are matched by it, others by time.
 *
 * <p><b>Only normal data is evidence.</b> A reading whose HJ 212 data flag is not N (stopped,
 * maintenance, calibration, fault, …) never enters a rule window; the first one of an episode
 * raises a {@link DeviceFault} on {@link #DEVICE_FAULTS} instead ({@code readingsNotNormal}); only
 * readings newer than any seen move the episode, so a replayed one never raises a second item. Rules
 * judge one kind of data per sensor (its {@code rule_data}, default rtd); the device's other kinds
 * would count its sound twice in a window, so they are passed over ({@code readingsAggregate}).
 */
public class SensorRuleFunction extends KeyedProcessFunction<String, SensorReading, EvidenceRequest> {
    private static final long serialVersionUID = 1L;

    private final Map<String, SensorLimits> limitsBySensor;
    private final Map<String, String> ruleDataBySensor;
    private final String timezone;

    /** Noise must fall this far under the limit (dB) before an episode can end. */
    static final double NOISE_MARGIN_DB = 2.0;
    /** Lampblack must fall this fraction of the limit under it before an episode can end. */
    static final double LAMPBLACK_MARGIN = 0.1;

    private transient ListState<SensorReading> recent;
    private transient ValueState<Long> newest;
    /** Per active episode (rule type): since when its condition has been clear, or {@link Long#MIN_VALUE}. */
    private transient org.apache.flink.api.common.state.MapState<String, Long> episodes;
    /** Under a rule's key with {@link #OPEN}: when its current counted-but-not-alerted episode began. */
    private static final String OPEN = "#open";
    /** Per rule with a repeat profile: when its recent episodes began. */
    private transient org.apache.flink.api.common.state.MapState<String, List<Long>> repeats;
    private transient Counter alerts;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter notNormal;
    private transient Counter aggregates;
    /** The flag of the device's current fault episode, or null while it reports normal data. */
    private transient ValueState<String> faultFlag;
    /** The newest data time seen of any kind: only newer readings move the fault episode (a replay never does). */
    private transient ValueState<Long> newestAny;

    public static final org.apache.flink.util.OutputTag<DeviceFault> DEVICE_FAULTS = new org.apache.flink.util.OutputTag<>(
            "device-faults", org.apache.flink.api.common.typeinfo.TypeInformation.of(DeviceFault.class));

    public SensorRuleFunction(Map<String, SensorLimits> limitsBySensor, String timezone) {
        this(limitsBySensor, Map.of(), timezone);
    }

    /** @param ruleDataBySensor which data kind the rules judge per sensor (absent: rtd) */
    public SensorRuleFunction(Map<String, SensorLimits> limitsBySensor, Map<String, String> ruleDataBySensor, String timezone) {
        this.limitsBySensor = Map.copyOf(limitsBySensor);
        this.ruleDataBySensor = Map.copyOf(ruleDataBySensor);
        this.timezone = timezone;
    }

    @Override
    public void open(OpenContext ctx) {
        recent = getRuntimeContext().getListState(new ListStateDescriptor<>("recent", SensorReading.class));
        newest = getRuntimeContext().getState(new ValueStateDescriptor<>("newest", Long.class));
        episodes = getRuntimeContext().getMapState(new org.apache.flink.api.common.state.MapStateDescriptor<>("episodes",
                org.apache.flink.api.common.typeinfo.Types.STRING, org.apache.flink.api.common.typeinfo.Types.LONG));
        repeats = getRuntimeContext().getMapState(new org.apache.flink.api.common.state.MapStateDescriptor<>("repeats",
                org.apache.flink.api.common.typeinfo.Types.STRING, org.apache.flink.api.common.typeinfo.Types.LIST(org.apache.flink.api.common.typeinfo.Types.LONG)));
        alerts = getRuntimeContext().getMetricGroup().counter("sensorAlerts");
        duplicates = getRuntimeContext().getMetricGroup().counter("readingsDuplicate");
        late = getRuntimeContext().getMetricGroup().counter("readingsLate");
        notNormal = getRuntimeContext().getMetricGroup().counter("readingsNotNormal");
        aggregates = getRuntimeContext().getMetricGroup().counter("readingsAggregate");
        faultFlag = getRuntimeContext().getState(new ValueStateDescriptor<>("fault-flag", String.class));
        newestAny = getRuntimeContext().getState(new ValueStateDescriptor<>("newest-any", Long.class));
    }

    @Override
    public void processElement(SensorReading r, Context ctx, Collector<EvidenceRequest> out) throws Exception {
        SensorLimits limits = limitsBySensor.get(r.sensorId());
        if (limits == null) {
            return; // the decode stage already dead-letters unknown devices
        }
        Long seenUpTo = newestAny.value();
        boolean fresh = seenUpTo == null || r.timestampMs() > seenUpTo;
        if (fresh) {
            newestAny.update(r.timestampMs());
        }
        if (!r.normal()) {
            notNormal.inc();
            if (fresh && !r.flag().equals(faultFlag.value())) {
                faultFlag.update(r.flag());
                ctx.output(DEVICE_FAULTS, DeviceFault.of(r));
            }
            return;
        }
        if (fresh) {
            faultFlag.clear();
        }
        if (!ruleDataBySensor.getOrDefault(r.sensorId(), "rtd").equals(r.dataKind())) {
            aggregates.inc();
            return;
        }
        long windowMs = limits.sustainSeconds() * 1000L;
        Long newestTs = newest.value();
        List<SensorReading> kept = new ArrayList<>();
        for (SensorReading old : recent.get()) {
            if (r.messageId() != null ? r.messageId().equals(old.messageId()) : old.timestampMs() == r.timestampMs()) {
                duplicates.inc();
                return; // a redelivery of a reading already taken in
            }
            kept.add(old);
        }
        boolean isLate = newestTs != null && r.timestampMs() < newestTs;
        long now = isLate ? newestTs : r.timestampMs();
        kept.add(r);
        // Keep twice the window so the evidence shows the lead-up, not only the exceedance.
        kept.removeIf(x -> x.timestampMs() <= now - 2 * windowMs);
        kept.sort(java.util.Comparator.comparingLong(SensorReading::timestampMs));
        recent.update(kept);
        if (isLate) {
            late.inc();
            return;
        }
        newest.update(r.timestampMs());
        if (newestTs != null && r.timestampMs() - newestTs > windowMs) {
            // Silent for longer than a window (switched off, an outage): a counted episode is not known to have lasted
            // through it, so it is no longer watched for lasting long.
            List<String> open = new ArrayList<>();
            for (String k : repeats.keys()) {
                if (k.endsWith(OPEN)) {
                    open.add(k);
                }
            }
            for (String k : open) {
                repeats.remove(k);
            }
        }

        java.time.ZonedDateTime local = Instant.ofEpochMilli(r.timestampMs()).atZone(zone());
        // A window is judged by the limit of the period (day, night) and the schedule the newest reading is in,
        // with only the readings of that same stretch: at 22:00:00 a window of day readings is not held to the
        // night limit, and readings from before opening time do not count once the schedule begins.
        boolean applies = limits.applies(local.getDayOfWeek(), local.toLocalTime());
        boolean night = limits.isNight(local.toLocalTime());
        List<SensorReading> stretch = kept.stream().filter(x -> sameStretch(x, limits, night, applies)).toList();
        List<SensorReading> window = stretch.stream().filter(x -> x.timestampMs() > r.timestampMs() - windowMs).toList();
        // Covered: the stretch's readings reach back a whole window, so one spike (or the first seconds of the night) never alerts.
        boolean covered = stretch.get(0).timestampMs() <= r.timestampMs() - windowMs + 1000;
        for (Rule rule : rulesFor(limits.kind())) {
            Verdict v = applies ? rule.evaluate(window, limits, zone()) : Verdict.OFF;
            String type = rule.episodeKey();
            Long clearSince = episodes.get(type);
            if (clearSince == null) {
                if ((covered || rule.instant) && v.exceeded) {
                    long first = rule.instant ? r.timestampMs() : window.get(0).timestampMs();
                    episodes.put(type, Long.MIN_VALUE);
                    String times = counted(type, first, limits.repeat());
                    if (times == null) {
                        continue; // an episode, counted: not yet as often as the profile's repeat asks
                    }
                    raise(rule, r, first, v, times, kept, out);
                }
            } else if (!v.clear) {
                episodes.put(type, Long.MIN_VALUE); // still on (or hovering at the limit): the same episode
                // A counted episode that goes on as long as the repeat's window is an alert of its own: a continuous
                // exceedance must not wait for two more to begin.
                Long open = repeats.contains(type + OPEN) && !repeats.get(type + OPEN).isEmpty() ? repeats.get(type + OPEN).get(0) : null;
                if (open != null && covered && v.exceeded && r.timestampMs() - open >= limits.repeat().withinMinutes() * 60_000L) {
                    repeats.remove(type + OPEN);
                    repeats.remove(type);
                    raise(rule, r, open, v, String.format(java.util.Locale.ROOT, "; lasting %d min", limits.repeat().withinMinutes()), kept, out);
                }
            } else if (clearSince == Long.MIN_VALUE) {
                episodes.put(type, r.timestampMs());
            } else if (r.timestampMs() - clearSince >= windowMs) {
                episodes.remove(type); // clear for a whole window: over, re-armed
                repeats.remove(type + OPEN);
            }
        }
    }

    /**
     * Whether reading {@code x} lies in the same stretch as the newest: the same period (noise), and within the
     * schedule when the newest is (outside it nothing is judged). The newest is always in its own stretch.
     */
    private boolean sameStretch(SensorReading x, SensorLimits limits, boolean night, boolean scheduled) {
        java.time.ZonedDateTime t = Instant.ofEpochMilli(x.timestampMs()).atZone(zone());
        return (limits.kind() != SensorKind.NOISE || limits.isNight(t.toLocalTime()) == night)
                && (!scheduled || limits.applies(t.getDayOfWeek(), t.toLocalTime()));
    }

    private void raise(Rule rule, SensorReading r, long first, Verdict v, String times, List<SensorReading> kept, Collector<EvidenceRequest> out) {
        Alert alert = new Alert(Alert.idFor(r.sensorId(), rule.type, first) + rule.idSuffix, rule.type, r.siteId(),
                r.sensorId(), first, first, r.timestampMs(), v.score, List.of(), v.reason + times, v.threshold);
        alerts.inc();
        out.collect(new EvidenceRequest(alert, List.of(), kept, 0));
    }

    /**
     * Counts an episode's start for the profile's repeat: null while fewer than {@code count} began
     * within {@code withinMinutes}; else the words the alert's reason ends with (empty for every
     * episode alerting), and the count starts again.
     */
    private String counted(String rule, long start, SensorLimits.Repeat repeat) throws Exception {
        if (repeat.count() <= 1) {
            return "";
        }
        List<Long> starts = new ArrayList<>(repeats.contains(rule) ? repeats.get(rule) : List.of());
        starts.removeIf(t -> t <= start - repeat.withinMinutes() * 60_000L);
        starts.add(start);
        if (starts.size() < repeat.count()) {
            repeats.put(rule, starts);
            repeats.put(rule + OPEN, List.of(start)); // this episode, counted, not alerted: watched for lasting long
            return null;
        }
        repeats.remove(rule);
        repeats.remove(rule + OPEN);
        return String.format(java.util.Locale.ROOT, "; episode %d within %d min", starts.size(), repeat.withinMinutes());
    }

    private ZoneId zone() {
        return ZoneId.of(timezone);
    }

    private static List<Rule> rulesFor(SensorKind kind) {
        return switch (kind) {
            case NOISE -> List.of(Rule.NOISE, Rule.NOISE_LMAX);
            case LAMPBLACK -> List.of(Rule.LAMPBLACK, Rule.PURIFIER);
        };
    }

    /** {@code clear}: far enough under the limit (hysteresis) for an episode to count as ending. */
    record Verdict(boolean exceeded, boolean clear, double score, String reason, org.nce.model.Threshold threshold) {
        static final Verdict OFF = new Verdict(false, true, 0, "", null);
    }

    enum Rule {
        NOISE(EventType.NOISE_EXCEEDANCE) {
            @Override
            Verdict evaluate(List<SensorReading> w, SensorLimits l, ZoneId zone) {
                double energy = 0;
                for (SensorReading x : w) {
                    energy += Math.pow(10, x.value() / 10);
                }
                double leq = 10 * Math.log10(energy / w.size());
                LocalTime t = Instant.ofEpochMilli(w.get(w.size() - 1).timestampMs()).atZone(zone).toLocalTime();
                double limit = l.limitAt(t);
                String period = l.isNight(t) ? "night" : "day";
                return new Verdict(leq > limit, leq <= limit - NOISE_MARGIN_DB, Math.min(1, (leq - limit) / 10 + 0.5), String.format(java.util.Locale.ROOT,
                        "LAeq %.1f dB(A) over %d s exceeds the %s %s limit of %.0f dB(A) by %.1f dB (%d readings)",
                        leq, l.sustainSeconds(), l.standard(), period, limit, leq - limit, w.size()),
                        new org.nce.model.Threshold(limit, l.kind().unit(), l.standard() + " " + period));
            }
        },
        LAMPBLACK(EventType.LAMPBLACK_EXCEEDANCE) {
            @Override
            Verdict evaluate(List<SensorReading> w, SensorLimits l, ZoneId zone) {
                double mean = w.stream().mapToDouble(SensorReading::value).average().orElse(0);
                return new Verdict(mean > l.dayLimit(), mean <= l.dayLimit() * (1 - LAMPBLACK_MARGIN), Math.min(1, mean / l.dayLimit() / 2), String.format(java.util.Locale.ROOT,
                        "lampblack %.2f mg/m³ mean over %d s exceeds the %s limit of %.1f mg/m³ (%d readings)",
                        mean, l.sustainSeconds(), l.standard(), l.dayLimit(), w.size()),
                        new org.nce.model.Threshold(l.dayLimit(), l.kind().unit(), l.standard()));
            }
        },
        /**
         * At night, the maximum level of one reading may exceed the night limit by at most the pack's
         * {@code night_lmax_over} (GB 12523-2011 4.2, GB 3096-2008 5.4: 15 dB(A)); an instant rule, no
         * duration. Only readings that carry Lmax (HJ 212 LMx) are judged.
         */
        NOISE_LMAX(EventType.NOISE_EXCEEDANCE, ":lmax", true) {
            @Override
            Verdict evaluate(List<SensorReading> w, SensorLimits l, ZoneId zone) {
                SensorReading last = w.get(w.size() - 1);
                LocalTime t = Instant.ofEpochMilli(last.timestampMs()).atZone(zone).toLocalTime();
                if (l.nightLmaxOver() == null || last.lmax() == null || !l.isNight(t)) {
                    return Verdict.OFF;
                }
                double allowed = l.nightLimit() + l.nightLmaxOver();
                return new Verdict(last.lmax() > allowed, last.lmax() <= allowed - NOISE_MARGIN_DB, Math.min(1, (last.lmax() - allowed) / 10 + 0.5),
                        String.format(java.util.Locale.ROOT, "Lmax %.1f dB(A) at night exceeds the night limit of %.0f dB(A) by %.1f dB, "
                                + "more than the %.0f dB %s allows", last.lmax(), l.nightLimit(), last.lmax() - l.nightLimit(), l.nightLmaxOver(),
                                l.lmaxBasis()), new org.nce.model.Threshold(allowed, l.kind().unit(), l.lmaxBasis()));
            }
        },
        PURIFIER(EventType.PURIFIER_NOT_RUNNING) {
            @Override
            Verdict evaluate(List<SensorReading> w, SensorLimits l, ZoneId zone) {
                boolean all = w.stream().allMatch(x -> Boolean.TRUE.equals(x.fanOn()) && Boolean.FALSE.equals(x.purifierOn()));
                boolean none = w.stream().noneMatch(x -> Boolean.TRUE.equals(x.fanOn()) && Boolean.FALSE.equals(x.purifierOn()));
                return new Verdict(all, none, 0.9, String.format(java.util.Locale.ROOT,
                        "fan running with the purifier off for %d s (%d readings); %s requires the purifier to run",
                        l.sustainSeconds(), w.size(), l.standard()), null);
            }
        };

        final EventType type;
        /** Added to the alert id, so two rules of one type never share an id. */
        final String idSuffix;
        /** Judged on one reading: no window to cover. */
        final boolean instant;

        Rule(EventType type) {
            this(type, "", false);
        }

        Rule(EventType type, String idSuffix, boolean instant) {
            this.type = type;
            this.idSuffix = idSuffix;
            this.instant = instant;
        }

        /** The key of its episode in state: the type for the first rule of a type (as before), with the suffix for others. */
        String episodeKey() {
            return type.wireName() + idSuffix;
        }

        abstract Verdict evaluate(List<SensorReading> window, SensorLimits limits, ZoneId zone);
    }
}
