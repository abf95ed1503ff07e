package org.nce.demo.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nce.demo.bench.BenchFigures.Verdict;
import org.nce.model.Json;

/**
 * The pure part of {@code ./nce bench gateway}: the targets of issue #9, the verdicts, the JSON
 * document and the printed table. No clocks, no I/O: unit-tested.
 */
public final class GatewayFigures {

    public static final double CAMERAS_PER_CORE_TARGET = 16;
    public static final double RSS_16_CAMERAS_TARGET_MB = 512;
    public static final double HJ212_READINGS_TARGET = 10_000;
    public static final double PUBLISH_RATIO_TARGET = 0.8;

    /** The JSON keys, in order; {@link #toJson} writes exactly these. */
    public static final List<String> KEYS = List.of("cameras_per_core", "camera_fps_delivered", "camera_cpu_cores",
            "rss_mb_16_cameras", "hj212_readings_per_s", "hj212_readings_per_s_os", "replay_fill_readings_per_s",
            "replay_readings_per_s", "publish_ratio_to_paho", "gateway_publish_per_s", "paho_publish_per_s", "parameters",
            "machine", "commit", "date", "notes");

    /** What the figures were measured on. */
    public record Machine(int cores, String cpu, long ramMb, String jvm) {
    }

    /** Every figure; one that could not be measured stays null (and a note says why). */
    public static final class Figures {
        public Double camerasPerCore;
        public Double cameraFpsDelivered;
        public Double cameraCpuCores;
        public String camerasSettings = "";
        public Double rssMb16Cameras;
        public String rssSettings = "";
        public Double hj212ReadingsPerS;
        public String hj212Settings = "";
        public Double hj212ReadingsPerSOs;
        public String hj212OsSettings = "";
        public Double replayFillPerS;
        public Double replayReadingsPerS;
        public String replaySettings = "";
        public Double publishRatioToPaho;
        public Double gatewayPublishPerS;
        public Double pahoPublishPerS;
        public String ratioSettings = "";
        public final Map<String, Object> parameters = new LinkedHashMap<>();
        public Machine machine;
        public String commit = "unknown";
        public String date = "";
        public final List<String> notes = new ArrayList<>();
    }

    private GatewayFigures() {
    }

    /** Verdict per target, keyed by the figure's JSON key. */
    public static Map<String, Verdict> verdicts(Figures f) {
        Map<String, Verdict> v = new LinkedHashMap<>();
        v.put("cameras_per_core", BenchFigures.atLeast(f.camerasPerCore, CAMERAS_PER_CORE_TARGET));
        v.put("rss_mb_16_cameras", BenchFigures.atMost(f.rssMb16Cameras, RSS_16_CAMERAS_TARGET_MB));
        v.put("hj212_readings_per_s", BenchFigures.atLeast(f.hj212ReadingsPerS, HJ212_READINGS_TARGET));
        v.put("hj212_readings_per_s_os", BenchFigures.atLeast(f.hj212ReadingsPerSOs, HJ212_READINGS_TARGET));
        v.put("publish_ratio_to_paho", BenchFigures.atLeast(f.publishRatioToPaho, PUBLISH_RATIO_TARGET));
        return v;
    }

    /** Exactly {@link #KEYS}; figures not measured are null. */
    public static ObjectNode toJson(Figures f) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        put(root, "cameras_per_core", BenchFigures.round(f.camerasPerCore, 1));
        put(root, "camera_fps_delivered", BenchFigures.round(f.cameraFpsDelivered, 2));
        put(root, "camera_cpu_cores", BenchFigures.round(f.cameraCpuCores, 3));
        put(root, "rss_mb_16_cameras", BenchFigures.round(f.rssMb16Cameras, 1));
        put(root, "hj212_readings_per_s", BenchFigures.round(f.hj212ReadingsPerS, 0));
        put(root, "hj212_readings_per_s_os", BenchFigures.round(f.hj212ReadingsPerSOs, 0));
        put(root, "replay_fill_readings_per_s", BenchFigures.round(f.replayFillPerS, 0));
        put(root, "replay_readings_per_s", BenchFigures.round(f.replayReadingsPerS, 0));
        put(root, "publish_ratio_to_paho", BenchFigures.round(f.publishRatioToPaho, 3));
        put(root, "gateway_publish_per_s", BenchFigures.round(f.gatewayPublishPerS, 0));
        put(root, "paho_publish_per_s", BenchFigures.round(f.pahoPublishPerS, 0));
        root.set("parameters", Json.MAPPER.valueToTree(f.parameters));
        ObjectNode m = root.putObject("machine");
        if (f.machine != null) {
            m.put("cores", f.machine.cores());
            m.put("cpu", f.machine.cpu());
            m.put("ram_mb", f.machine.ramMb());
            m.put("jvm", f.machine.jvm());
        }
        root.put("commit", f.commit);
        root.put("date", f.date);
        ArrayNode notes = root.putArray("notes");
        f.notes.forEach(notes::add);
        return root;
    }

    private static void put(ObjectNode n, String key, Double v) {
        if (v == null) {
            n.putNull(key);
        } else {
            n.put(key, v);
        }
    }

    /** The printed table: figure, measured value, target, verdict and what it was measured with. */
    public static String table(Figures f) {
        Map<String, Verdict> v = verdicts(f);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "NCE gateway bench, %s, commit %s%n", f.date, f.commit));
        if (f.machine != null) {
            b.append(String.format(Locale.ROOT, "machine: %d cores, %s, %,d MB RAM, %s%n", f.machine.cores(), f.machine.cpu(),
                    f.machine.ramMb(), f.machine.jvm()));
        }
        b.append('\n');
        b.append("| figure | measured | target | verdict | measured with |\n");
        b.append("|---|---|---|---|---|\n");
        BenchFigures.row(b, "cameras per core", num(f.camerasPerCore, "%.1f"), "≥ 16", v.get("cameras_per_core"), f.camerasSettings);
        BenchFigures.row(b, "resident memory, 16 cameras", num(f.rssMb16Cameras, "%.0f MB"), "≤ 512 MB", v.get("rss_mb_16_cameras"),
                f.rssSettings);
        BenchFigures.row(b, "HJ 212 → MQTT readings/s (fsync)", BenchFigures.rate(f.hj212ReadingsPerS), "≥ 10,000/s",
                v.get("hj212_readings_per_s"), f.hj212Settings);
        BenchFigures.row(b, "HJ 212 → MQTT readings/s (os)", BenchFigures.rate(f.hj212ReadingsPerSOs), "≥ 10,000/s",
                v.get("hj212_readings_per_s_os"), f.hj212OsSettings);
        BenchFigures.row(b, "outbox fill, broker down", BenchFigures.rate(f.replayFillPerS), "–", Verdict.NO_TARGET,
                "the replay run's listener → outbox rate while the broker was stopped");
        BenchFigures.row(b, "replay of the backlog", BenchFigures.rate(f.replayReadingsPerS), "–", Verdict.NO_TARGET, f.replaySettings);
        BenchFigures.row(b, "gateway publish / bare Paho", num(f.publishRatioToPaho, "%.2f"), "≥ 0.8", v.get("publish_ratio_to_paho"),
                f.ratioSettings);
        if (!f.notes.isEmpty()) {
            b.append("\nnotes:\n");
            f.notes.forEach(n -> b.append("- ").append(n).append('\n'));
        }
        return b.toString();
    }

    private static String num(Double v, String format) {
        return v == null ? "–" : String.format(Locale.ROOT, format, v);
    }
}
