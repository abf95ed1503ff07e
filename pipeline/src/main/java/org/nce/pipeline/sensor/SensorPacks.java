package org.nce.pipeline.sensor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.nce.model.SensorKind;
import org.nce.pipeline.config.PipelineConfig.SensorConfig;

/**
 * The sensor rule pack ({@code rules/sensor-packs.yaml}, shipped in the pipeline's jar, or the
 * bureau's copy named by {@code NCE_SENSOR_PACKS}): each standard's limits with its clause, the
 * night window and the districts' own, and the device profiles. Read once and validated whole: a
 * broken pack is refused with every problem named, never half-used.
 */
public final class SensorPacks {
    /** One standard's limits: by zone class (GB 3096) or one pair. */
    record Standard(String id, SensorKind kind, String name, String clause, Map<String, double[]> classes, Double day, Double night,
                    Double limit, Double nightLmaxOver, String lmaxClause) {
    }

    record Window(LocalTime start, LocalTime end, String source) {
    }

    record Profile(Integer sustainSeconds, SensorLimits.Repeat repeat, SensorLimits.Schedule schedule) {
    }

    /** The pack was refused; the message names every problem. */
    public static final class Refused extends IllegalArgumentException {
        private final List<String> problems;

        Refused(List<String> problems) {
            super("the sensor rule pack was refused, " + problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private static volatile SensorPacks current;

    private final String review;
    private final Window night;
    private final Map<String, Window> districts;
    private final Map<String, Standard> standards;
    private final Map<String, Profile> profiles;

    private SensorPacks(String review, Window night, Map<String, Window> districts, Map<String, Standard> standards,
                        Map<String, Profile> profiles) {
        this.review = review;
        this.night = night;
        this.districts = Map.copyOf(districts);
        this.standards = Map.copyOf(standards);
        this.profiles = Map.copyOf(profiles);
    }

    /** The pack in use: {@code NCE_SENSOR_PACKS} when set, else the shipped one. Loaded once. */
    public static SensorPacks current() {
        SensorPacks p = current;
        if (p == null) {
            synchronized (SensorPacks.class) {
                if (current == null) {
                    String file = System.getenv("NCE_SENSOR_PACKS");
                    current = load(file == null || file.isBlank() ? null : Path.of(file));
                }
                p = current;
            }
        }
        return p;
    }

    public String review() {
        return review;
    }

    /** From {@code file}, or the shipped pack when null. */
    public static SensorPacks load(Path file) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        List<String> problems = new ArrayList<>();
        String name = file == null ? "sensor-packs.yaml (shipped)" : file.toString();
        JsonNode root = null;
        try (InputStream in = file == null ? SensorPacks.class.getResourceAsStream("/rules/sensor-packs.yaml") : Files.newInputStream(file)) {
            if (in == null) {
                problems.add(name + ": not in the pipeline's jar");
            } else {
                root = yaml.readTree(in);
            }
        } catch (IOException e) {
            problems.add(name + ": not readable: " + e.getMessage().lines().findFirst().orElse(""));
        }
        SensorPacks p = root == null || !root.isObject() ? null : parse(root, problems);
        if (root != null && !root.isObject()) {
            problems.add(name + ": empty or not a map");
        }
        if (!problems.isEmpty()) {
            throw new Refused(problems);
        }
        return p;
    }

    /** Names every key of {@code n} not in {@code known}: a misspelt key would otherwise switch its rule off in silence. */
    private static void known(JsonNode n, String where, List<String> problems, String... known) {
        Set<String> k = Set.of(known);
        n.fieldNames().forEachRemaining(f -> {
            if (!k.contains(f)) {
                problems.add((where.isEmpty() ? "" : where + ".") + f + ": not a key of the pack here " + new java.util.TreeSet<>(k));
            }
        });
    }

    static SensorPacks parse(JsonNode n, List<String> problems) {
        known(n, "", problems, "review", "night", "standards", "profiles");
        known(n.path("night"), "night", problems, "start", "end", "source", "districts");
        String review = n.path("review").asText("");
        if (!Set.of("needs_legal_review", "reviewed").contains(review)) {
            problems.add("review: needs_legal_review or reviewed, got '" + review + "'");
        }
        Window night = window(n.path("night"), "night", problems);
        if (n.path("night").path("source").asText("").isBlank()) {
            problems.add("night.source: missing (the article the night window rests on)");
        }
        Map<String, Window> districts = new LinkedHashMap<>();
        n.path("night").path("districts").properties().forEach(e -> {
            known(e.getValue(), "night.districts." + e.getKey(), problems, "start", "end", "source");
            districts.put(e.getKey(), window(e.getValue(), "night.districts." + e.getKey(), problems));
        });
        Map<String, Standard> standards = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.path("standards").properties()) {
            String w = "standards." + e.getKey();
            JsonNode s = e.getValue();
            known(s, w, problems, "kind", "name", "clause", "classes", "day", "night", "limit", "night_lmax_over", "lmax_clause");
            SensorKind kind = null;
            try {
                kind = SensorKind.fromWire(s.path("kind").asText(""));
            } catch (IllegalArgumentException x) {
                problems.add(w + ".kind: " + x.getMessage());
            }
            for (String k : List.of("name", "clause")) {
                if (s.path(k).asText("").isBlank()) {
                    problems.add(w + "." + k + ": missing (each limit cites its standard and clause)");
                }
            }
            Map<String, double[]> classes = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> c : s.path("classes").properties()) {
                known(c.getValue(), w + ".classes." + c.getKey(), problems, "day", "night");
                Double day = positive(c.getValue(), "day", w + ".classes." + c.getKey(), problems);
                Double nightLimit = positive(c.getValue(), "night", w + ".classes." + c.getKey(), problems);
                if (day != null && nightLimit != null) {
                    if (nightLimit > day) {
                        problems.add(w + ".classes." + c.getKey() + ": the night limit " + nightLimit + " is above the day limit " + day);
                    }
                    classes.put(c.getKey().toLowerCase(Locale.ROOT), new double[] {day, nightLimit});
                }
            }
            Double day = s.has("day") ? positive(s, "day", w, problems) : null;
            Double nightLimit = s.has("night") ? positive(s, "night", w, problems) : null;
            Double limit = s.has("limit") ? positive(s, "limit", w, problems) : null;
            if (kind == SensorKind.NOISE && classes.isEmpty() && (day == null || nightLimit == null)) {
                problems.add(w + ": a noise standard has classes (each {day, night}) or day and night");
            }
            if (kind == SensorKind.LAMPBLACK && limit == null) {
                problems.add(w + ".limit: a lampblack standard has its limit (mg/m³)");
            }
            Double lmax = s.has("night_lmax_over") ? positive(s, "night_lmax_over", w, problems) : null;
            if (lmax != null && s.path("lmax_clause").asText("").isBlank()) {
                problems.add(w + ".lmax_clause: the Lmax rule cites its clause");
            }
            standards.put(e.getKey().toLowerCase(Locale.ROOT), new Standard(e.getKey(), kind, s.path("name").asText(), s.path("clause").asText(),
                    classes, day, nightLimit, limit, lmax, s.path("lmax_clause").asText(null)));
        }
        if (standards.isEmpty()) {
            problems.add("standards: missing or empty");
        }
        Map<String, Profile> profiles = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.path("profiles").properties()) {
            String w = "profiles." + e.getKey();
            JsonNode p = e.getValue();
            known(p, w, problems, "sustain_seconds", "repeat", "schedule");
            Integer sustain = null;
            if (p.has("sustain_seconds")) {
                if (!p.path("sustain_seconds").isInt() || p.path("sustain_seconds").asInt() < 1) {
                    problems.add(w + ".sustain_seconds: a whole number >= 1, got " + p.path("sustain_seconds"));
                } else {
                    sustain = p.path("sustain_seconds").asInt();
                }
            }
            SensorLimits.Repeat repeat = null;
            if (p.has("repeat")) {
                known(p.path("repeat"), w + ".repeat", problems, "count", "within_minutes");
                int count = p.path("repeat").path("count").asInt(0);
                int within = p.path("repeat").path("within_minutes").asInt(0);
                if (count < 1 || within < 1 || within > 24 * 60) {
                    problems.add(w + ".repeat: count >= 1 and within_minutes 1..1440, got " + p.path("repeat"));
                } else {
                    repeat = new SensorLimits.Repeat(count, within);
                }
            }
            SensorLimits.Schedule schedule = null;
            if (p.has("schedule")) {
                JsonNode s = p.path("schedule");
                known(s, w + ".schedule", problems, "days", "from", "to");
                Set<Integer> days = new LinkedHashSet<>();
                s.path("days").forEach(d -> days.add(d.asInt(0)));
                if (days.isEmpty() || days.stream().anyMatch(d -> d < 1 || d > 7)) {
                    problems.add(w + ".schedule.days: a list of 1 (Monday) … 7 (Sunday), got " + s.path("days"));
                }
                LocalTime from = time(s.path("from"), w + ".schedule.from", problems);
                LocalTime to = time(s.path("to"), w + ".schedule.to", problems);
                if (from != null && to != null && from.equals(to)) {
                    problems.add(w + ".schedule: from and to are the same time");
                }
                if (from != null && to != null && !days.isEmpty()) {
                    schedule = new SensorLimits.Schedule(days, from, to);
                }
            }
            profiles.put(e.getKey(), new Profile(sustain, repeat, schedule));
        }
        if (!profiles.containsKey("default")) {
            problems.add("profiles.default: missing (the profile of a sensor that names none)");
        }
        return problems.isEmpty() ? new SensorPacks(review, night, districts, standards, profiles) : null;
    }

    /** A sensor's limits, or an IllegalArgumentException naming the key that is wrong. */
    public SensorLimits limitsFor(SensorConfig s) {
        SensorKind kind;
        try {
            kind = SensorKind.fromWire(s.kind());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kind: " + e.getMessage());
        }
        Profile profile = profiles.get(s.profile() == null ? "default" : s.profile());
        if (profile == null) {
            throw new IllegalArgumentException("profile: no profile " + s.profile() + " in the sensor rule pack " + profiles.keySet());
        }
        int sustain = s.sustainSeconds() != null ? s.sustainSeconds() : profile.sustainSeconds() != null ? profile.sustainSeconds() : 60;
        if (sustain < 1) {
            throw new IllegalArgumentException("sustain_seconds: must be >= 1, got " + sustain);
        }
        Window w = night;
        if (s.district() != null) {
            w = districts.get(s.district());
            if (w == null) {
                throw new IllegalArgumentException("district: no night window for district " + s.district() + " in the sensor rule pack "
                        + districts.keySet());
            }
        }
        String id = s.standard() == null ? (kind == SensorKind.NOISE ? "gb3096" : "gb18483") : s.standard().toLowerCase(Locale.ROOT);
        Standard std = standards.get(id);
        if (std == null || std.kind() != kind) {
            throw new IllegalArgumentException("standard: " + kind.wireName() + " sensors take "
                    + standards.values().stream().filter(x -> x.kind() == kind).map(Standard::id).toList() + ", got " + s.standard());
        }
        double day;
        double nightLimit;
        String cite = std.name() + " " + std.clause();
        if (kind == SensorKind.LAMPBLACK) {
            day = std.limit();
            nightLimit = std.limit();
        } else if (!std.classes().isEmpty()) {
            String z = s.zoneClass() == null ? "2" : s.zoneClass().toLowerCase(Locale.ROOT);
            double[] dn = std.classes().get(z);
            if (dn == null) {
                throw new IllegalArgumentException("zone_class: " + std.name() + " classes are " + std.classes().keySet() + "; got " + s.zoneClass());
            }
            day = dn[0];
            nightLimit = dn[1];
            cite = std.name() + " class " + z + " (" + std.clause() + ")";
        } else {
            day = std.day();
            nightLimit = std.night();
        }
        if (s.limitOverride() != null) {
            if (s.limitOverride() <= 0) {
                throw new IllegalArgumentException("limit_override: must be > 0, got " + s.limitOverride());
            }
            // A local regulation may be stricter than the national standard; it replaces both limits.
            day = s.limitOverride();
            nightLimit = s.limitOverride();
            cite = std.name() + " (local limit)";
        }
        return new SensorLimits(kind, cite, day, nightLimit, sustain, w.start(), w.end(), kind == SensorKind.NOISE ? std.nightLmaxOver() : null,
                std.lmaxClause() == null ? null : std.name() + " " + std.lmaxClause(), profile.repeat(), profile.schedule());
    }

    private static Window window(JsonNode n, String where, List<String> problems) {
        LocalTime start = time(n.path("start"), where + ".start", problems);
        LocalTime end = time(n.path("end"), where + ".end", problems);
        if (start != null && end != null && start.equals(end)) {
            problems.add(where + ": start and end are the same time");
        }
        return new Window(start, end, n.path("source").asText(""));
    }

    private static LocalTime time(JsonNode v, String where, List<String> problems) {
        try {
            return LocalTime.parse(v.asText(""));
        } catch (DateTimeParseException e) {
            problems.add(where + ": '" + v.asText("") + "' is not a time of day (HH:MM)");
            return null;
        }
    }

    private static Double positive(JsonNode n, String key, String where, List<String> problems) {
        JsonNode v = n.path(key);
        if (!v.isNumber() || v.asDouble() <= 0) {
            problems.add(where + "." + key + ": a number > 0, got " + (v.isMissingNode() ? "nothing" : v.toString()));
            return null;
        }
        return v.asDouble();
    }
}
