package org.nce.demo.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nce.model.Json;

/**
 * The pure part of {@code ./nce bench pipeline}: percentiles, the targets of issue #7 and whether a
 * figure meets them, the JSON document and the printed table. No clocks, no I/O: unit-tested.
 */
public final class BenchFigures {

    /** Readings per second end to end (gateway publish to the sensor-rule operator). */
    public static final double READINGS_TARGET = 20_000;
    public static final double FRAMES_TARGET = 200;
    public static final double ALERT_TO_CASE_P99_TARGET_MS = 2_000;
    public static final double SOURCE_RATIO_TARGET = 0.8;
    public static final double CHECKPOINT_P99_TARGET_MS = 1_000;
    public static final double STATE_PER_CAMERA_TARGET_BYTES = 8L * 1024 * 1024;

    /** The JSON keys, in order; {@link #toJson} writes exactly these. */
    public static final List<String> KEYS = List.of("readings_per_s_e2e", "readings_per_s_job", "frames_per_s_e2e",
            "alert_to_case_ms", "mqtt_source_ratio_to_paho", "state_bytes_per_camera", "checkpoint_ms", "machine", "notes");

    /** p50 and p99 of a sample (milliseconds); both null when nothing was measured. */
    public record Latency(Double p50, Double p99, int samples) {
        public static Latency of(Collection<? extends Number> values) {
            double[] v = values.stream().mapToDouble(Number::doubleValue).toArray();
            if (v.length == 0) {
                return new Latency(null, null, 0);
            }
            return new Latency(percentile(v, 50), percentile(v, 99), v.length);
        }
    }

    /** What the figures were measured on. */
    public record Machine(int cores, String cpu, String jvm, String date, String commit) {
    }

    /** Every figure of the bench; a figure that could not be measured is null (and a note says why). */
    public static final class Figures {
        public Double readingsPerSE2e;
        public String readingsE2eSettings = "";
        public Double readingsPerSE2eDefault;
        public String readingsE2eDefaultSettings = "";
        public Double readingsPerSJob;
        public Double framesPerSE2e;
        public String framesSettings = "";
        public Latency alertToCaseMs = new Latency(null, null, 0);
        public Double mqttSourceRatioToPaho;
        public String ratioSettings = "";
        public Double stateBytesPerCamera;
        public Latency checkpointMs = new Latency(null, null, 0);
        public Machine machine;
        public final List<String> notes = new ArrayList<>();
    }

    /** Whether a figure meets its target. */
    public enum Verdict { MET, MISSED, NOT_MEASURED, NO_TARGET }

    private BenchFigures() {
    }

    /**
     * Nearest-rank percentile: the smallest value with at least {@code p} % of the sample at or
     * below it (so p99 of fewer than 100 values is the maximum). {@code p} in (0, 100].
     */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("percentile of an empty sample");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length, rank) - 1)];
    }

    static Verdict atLeast(Double value, double target) {
        return value == null ? Verdict.NOT_MEASURED : value >= target ? Verdict.MET : Verdict.MISSED;
    }

    static Verdict atMost(Double value, double target) {
        return value == null ? Verdict.NOT_MEASURED : value <= target ? Verdict.MET : Verdict.MISSED;
    }

    /** Verdict per target, keyed by the figure's JSON key. */
    public static Map<String, Verdict> verdicts(Figures f) {
        Map<String, Verdict> v = new LinkedHashMap<>();
        v.put("readings_per_s_e2e", atLeast(f.readingsPerSE2e, READINGS_TARGET));
        v.put("frames_per_s_e2e", atLeast(f.framesPerSE2e, FRAMES_TARGET));
        v.put("alert_to_case_ms", atMost(f.alertToCaseMs.p99(), ALERT_TO_CASE_P99_TARGET_MS));
        v.put("mqtt_source_ratio_to_paho", atLeast(f.mqttSourceRatioToPaho, SOURCE_RATIO_TARGET));
        v.put("checkpoint_ms", atMost(f.checkpointMs.p99(), CHECKPOINT_P99_TARGET_MS));
        v.put("state_bytes_per_camera", atMost(f.stateBytesPerCamera, STATE_PER_CAMERA_TARGET_BYTES));
        return v;
    }

    /** Exactly {@link #KEYS}; figures not measured are null. */
    public static ObjectNode toJson(Figures f) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        put(root, "readings_per_s_e2e", round(f.readingsPerSE2e, 1));
        put(root, "readings_per_s_job", round(f.readingsPerSJob, 1));
        put(root, "frames_per_s_e2e", round(f.framesPerSE2e, 1));
        latency(root.putObject("alert_to_case_ms"), f.alertToCaseMs);
        put(root, "mqtt_source_ratio_to_paho", round(f.mqttSourceRatioToPaho, 3));
        put(root, "state_bytes_per_camera", f.stateBytesPerCamera == null ? null : (double) Math.round(f.stateBytesPerCamera));
        latency(root.putObject("checkpoint_ms"), f.checkpointMs);
        ObjectNode m = root.putObject("machine");
        if (f.machine != null) {
            m.put("cores", f.machine.cores());
            m.put("cpu", f.machine.cpu());
            m.put("jvm", f.machine.jvm());
            m.put("date", f.machine.date());
            m.put("commit", f.machine.commit());
        }
        ArrayNode notes = root.putArray("notes");
        f.notes.forEach(notes::add);
        return root;
    }

    private static void latency(ObjectNode n, Latency l) {
        put(n, "p50", round(l.p50(), 1));
        put(n, "p99", round(l.p99(), 1));
    }

    private static void put(ObjectNode n, String key, Double v) {
        if (v == null) {
            n.putNull(key);
        } else {
            n.put(key, v);
        }
    }

    static Double round(Double v, int decimals) {
        if (v == null || v.isNaN() || v.isInfinite()) {
            return null;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }

    /** The printed table: figure, measured value, target, verdict and the settings it was measured with. */
    public static String table(Figures f) {
        Map<String, Verdict> v = verdicts(f);
        StringBuilder b = new StringBuilder();
        if (f.machine != null) {
            b.append(String.format(Locale.ROOT, "NCE pipeline bench, %s, commit %s%nmachine: %d cores, %s, %s%n%n",
                    f.machine.date(), f.machine.commit(), f.machine.cores(), f.machine.cpu(), f.machine.jvm()));
        }
        b.append("| figure | measured | target | verdict | measured with |\n");
        b.append("|---|---|---|---|---|\n");
        row(b, "readings/s end to end (tuned)", rate(f.readingsPerSE2e), "≥ 20,000/s", v.get("readings_per_s_e2e"),
                f.readingsE2eSettings);
        row(b, "readings/s end to end (defaults)", rate(f.readingsPerSE2eDefault), "≥ 20,000/s",
                atLeast(f.readingsPerSE2eDefault, READINGS_TARGET), f.readingsE2eDefaultSettings);
        row(b, "readings/s, job operators alone", rate(f.readingsPerSJob), "–", Verdict.NO_TARGET,
                "decode → keyBy sensor → sensor rules → discard, MiniCluster parallelism 2, in-memory source");
        row(b, "frames/s end to end (camera stage)", rate(f.framesPerSE2e), "≥ 200/s", v.get("frames_per_s_e2e"),
                f.framesSettings);
        row(b, "alert → case p50 / p99", ms(f.alertToCaseMs), "p99 ≤ 2,000 ms", v.get("alert_to_case_ms"),
                f.alertToCaseMs.samples() + " sensor alerts, reading published → case in nce-cases");
        row(b, "MQTT source / bare Paho", f.mqttSourceRatioToPaho == null ? "–"
                : String.format(Locale.ROOT, "%.2f", f.mqttSourceRatioToPaho), "≥ 0.8", v.get("mqtt_source_ratio_to_paho"),
                f.ratioSettings);
        row(b, "checkpoint p50 / p99 (frames run)", ms(f.checkpointMs), "p99 ≤ 1,000 ms", v.get("checkpoint_ms"),
                f.checkpointMs.samples() + " checkpoints after warm-up");
        row(b, "state per camera", f.stateBytesPerCamera == null ? "–"
                : String.format(Locale.ROOT, "%.2f MB", f.stateBytesPerCamera / (1024.0 * 1024.0)), "≤ 8 MB",
                v.get("state_bytes_per_camera"), "latest completed checkpoint / cameras");
        if (!f.notes.isEmpty()) {
            b.append("\nnotes:\n");
            f.notes.forEach(n -> b.append("- ").append(n).append('\n'));
        }
        return b.toString();
    }

    /** One markdown row of a bench table: both benches print theirs alike. */
    static void row(StringBuilder b, String name, String value, String target, Verdict verdict, String settings) {
        String shown = switch (verdict) {
            case MET -> "met";
            case MISSED -> "**missed**";
            case NOT_MEASURED -> "not measured";
            case NO_TARGET -> "–";
        };
        b.append("| ").append(name).append(" | ").append(value).append(" | ").append(target).append(" | ")
                .append(shown).append(" | ").append(settings == null ? "" : settings).append(" |\n");
    }

    static String rate(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%,.0f/s", v);
    }

    static String ms(Latency l) {
        return l.p50() == null ? "–" : String.format(Locale.ROOT, "%,.0f / %,.0f ms", l.p50(), l.p99());
    }
}
