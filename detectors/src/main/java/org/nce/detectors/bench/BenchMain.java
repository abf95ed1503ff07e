package org.nce.detectors.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.nce.detectors.Detector;
import org.nce.detectors.eval.DetectorSuite;
import org.nce.detectors.eval.DetectorSuites;
import org.nce.detectors.eval.EvalMain;
import org.nce.detectors.video.ClipReader;
import org.nce.model.EventType;
import org.nce.model.Json;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Per-core speed and memory of each detector of the suite at 640x360, next to the cost of
 * decoding a JPEG frame (the floor), measured with JMH; see docs/evaluation.md.
 *
 * <pre>BenchMain [--quick] [--json FILE] [--only TYPE] [--frames N] [--suite CLASS] [--testdata DIR] [--synthetic] [--forks N]</pre>
 *
 * JMH's own progress goes to stderr; the table goes to stdout. Exit status 0 when every
 * benchmark produced a figure, 1 when some could not run, 2 on a usage error.
 */
public final class BenchMain {

    public static final String JPEG_DECODE = "jpeg_decode";
    /** Detector state budget per camera at 640x360. */
    public static final double STATE_TARGET_MB = 32.0;
    /** Speed targets per core at 640x360 (frames per second), from the project brief. */
    static final Map<EventType, Double> FPS_TARGETS = Map.of(
            EventType.OPEN_BURNING, 500.0, EventType.MUCK_DUMPING, 200.0, EventType.UNLEASHED_DOG, 100.0);

    static final String USAGE = "usage: BenchMain [--quick] [--json FILE] [--only TYPE] [--frames N] [--suite CLASS]"
            + " [--testdata DIR] [--synthetic] [--forks N]\n"
            + "  --quick        short warmup and measurement (about a minute in all) instead of about 3 minutes\n"
            + "  --json FILE    write {open_burning|muck_dumping|unleashed_dog|jpeg_decode: {ms_per_frame, fps_per_core[, state_mb]}}\n"
            + "  --only TYPE    bench only this detector (and the decode floor)\n"
            + "  --frames N     frames decoded into memory per clip (default " + BenchConfig.DEFAULT_FRAMES + ")\n"
            + "  --suite CLASS  detector suite class (default: -D" + DetectorSuites.SUITE_PROPERTY + " or "
            + DetectorSuites.DEFAULT_SUITE_CLASS + ")\n"
            + "  --testdata DIR shared test footage (default: -Dnce.testdata or ../shared/testdata)\n"
            + "  --synthetic    use generated frames even if footage exists\n"
            + "  --forks N      JMH forks (default 1; 0 runs in this JVM, for tests only)";

    /** JMH iteration plan. */
    record Timing(int warmupIterations, long warmupMillis, int measurementIterations, long measurementMillis, int forks) {
        static final Timing FULL = new Timing(3, 3000, 5, 5000, 1);
        static final Timing QUICK = new Timing(1, 1000, 2, 1500, 1);

        Timing withForks(int n) {
            return new Timing(warmupIterations, warmupMillis, measurementIterations, measurementMillis, n);
        }

        String describe() {
            return String.format(Locale.ROOT, "%d fork(s), warmup %dx%.1fs, measurement %dx%.1fs", forks,
                    warmupIterations, warmupMillis / 1000.0, measurementIterations, measurementMillis / 1000.0);
        }
    }

    record Options(Timing timing, Path json, List<EventType> types, BenchConfig config) {
    }

    /** One row of the result table; {@code stateBytes} is -1 for the decode floor. */
    record Row(String name, double msPerFrame, long stateBytes, String frames) {
        double fpsPerCore() {
            return msPerFrame <= 0 ? 0 : 1000.0 / msPerFrame;
        }

        double stateMb() {
            return stateBytes / (1024.0 * 1024.0);
        }
    }

    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (List.of(args).contains("-h") || List.of(args).contains("--help")) {
            out.println(USAGE);
            return 0;
        }
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        return run(options, out, err);
    }

    static int run(Options options, PrintStream out, PrintStream err) {
        ClipReader.quietFfmpegLogs();
        BenchConfig base = options.config();
        List<String> problems = new ArrayList<>();

        // Check the suite here, once, so a missing class or event type is one clear message
        // instead of a stack trace from inside a forked JVM.
        DetectorSuite suite;
        try {
            suite = DetectorSuites.load(base.suiteClass());
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        List<EventType> present = new ArrayList<>();
        for (Detector d : suite.create(DetectorBenchmark.CAMERA)) {
            if (!present.contains(d.type())) {
                present.add(d.type());
            }
            d.close();
        }
        List<EventType> types = new ArrayList<>();
        for (EventType t : options.types()) {
            if (present.contains(t)) {
                types.add(t);
            } else {
                problems.add("suite " + suite.describe() + " has no " + t.wireName() + " detector");
            }
        }

        Path stateDir;
        try {
            stateDir = Files.createTempDirectory("nce-bench-state");
        } catch (IOException e) {
            err.println("error: cannot create a temporary directory: " + e.getMessage());
            return 2;
        }
        BenchConfig config = new BenchConfig(base.suiteClass(), base.testdata(), base.frameCount(), base.synthetic(), stateDir);
        config.applyToSystemProperties();

        Map<String, Row> rows = new LinkedHashMap<>();
        try {
            Collection<RunResult> results = runJmh(options.timing(), config, types, err);
            for (RunResult r : results) {
                String method = r.getParams().getBenchmark();
                double ms = r.getPrimaryResult().getScore();
                if (method.startsWith(JpegDecodeBenchmark.class.getName())) {
                    rows.put(JPEG_DECODE, new Row(JPEG_DECODE, ms, -1, "1 JPEG, quality " + JpegDecodeBenchmark.QUALITY));
                } else {
                    String event = r.getParams().getParam("event");
                    String[] state = readState(stateDir.resolve(event + ".state"));
                    rows.put(event, new Row(event, ms, state == null ? -1 : Long.parseLong(state[0]),
                            state == null ? "?" : state[1]));
                }
            }
        } catch (RunnerException e) {
            err.println("error: JMH failed: " + e.getMessage());
            return 1;
        } finally {
            deleteQuietly(stateDir);
        }
        for (EventType t : types) {
            if (!rows.containsKey(t.wireName())) {
                problems.add(t.wireName() + " produced no result (see the JMH output on stderr)");
            }
        }
        if (!rows.containsKey(JPEG_DECODE)) {
            problems.add(JPEG_DECODE + " produced no result (see the JMH output on stderr)");
        }

        printTable(out, options, suite, config, rows);
        if (options.json() != null) {
            try {
                Path parent = options.json().toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.write(options.json(), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(rows)));
            } catch (IOException e) {
                err.println("error: cannot write " + options.json() + ": " + e.getMessage());
                return 2;
            }
        }
        problems.forEach(p -> err.println("ERROR " + p));
        return problems.isEmpty() ? 0 : 1;
    }

    private static Collection<RunResult> runJmh(Timing timing, BenchConfig config, List<EventType> types, PrintStream log)
            throws RunnerException {
        String pkg = BenchMain.class.getPackageName().replace(".", "\\.");
        String include = "^" + pkg + "\\.(" + JpegDecodeBenchmark.class.getSimpleName()
                + (types.isEmpty() ? "" : "|" + DetectorBenchmark.class.getSimpleName()) + ")\\.";
        ChainedOptionsBuilder builder = new OptionsBuilder()
                .include(include)
                .mode(org.openjdk.jmh.annotations.Mode.AverageTime)
                .timeUnit(TimeUnit.MILLISECONDS)
                .threads(1)
                .forks(timing.forks())
                .warmupIterations(timing.warmupIterations())
                .warmupTime(TimeValue.milliseconds(timing.warmupMillis()))
                .measurementIterations(timing.measurementIterations())
                .measurementTime(TimeValue.milliseconds(timing.measurementMillis()))
                .shouldFailOnError(false)
                .jvmArgsAppend(config.asJvmArgs().toArray(String[]::new));
        if (!types.isEmpty()) {
            builder.param("event", types.stream().map(EventType::wireName).toArray(String[]::new));
        }
        return new Runner(builder.build(), OutputFormatFactory.createFormatInstance(log, VerboseMode.NORMAL)).run();
    }

    static Options parse(String[] args) {
        Timing timing = Timing.FULL;
        Integer forks = null;
        Path json = null;
        EventType only = null;
        BenchConfig defaults = BenchConfig.fromSystemProperties();
        String suite = defaults.suiteClass();
        Path testdata = defaults.testdata();
        int frames = defaults.frameCount();
        boolean synthetic = defaults.synthetic();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> timing = Timing.QUICK;
                case "--json" -> json = Path.of(value(args, ++i, a));
                case "--only" -> only = cameraType(value(args, ++i, a));
                case "--frames" -> frames = positiveInt(value(args, ++i, a), a);
                case "--suite" -> suite = value(args, ++i, a);
                case "--testdata" -> testdata = Path.of(value(args, ++i, a));
                case "--synthetic" -> synthetic = true;
                case "--forks" -> forks = positiveInt(value(args, ++i, a), a);
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        if (forks != null) {
            timing = timing.withForks(forks);
        }
        List<EventType> types = only == null ? EvalMain.CAMERA_TYPES : List.of(only);
        return new Options(timing, json, types, new BenchConfig(suite, testdata, frames, synthetic, null));
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positiveInt(String s, String option) {
        try {
            int v = Integer.parseInt(s);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(option + " needs a non-negative integer, got " + s);
    }

    private static EventType cameraType(String name) {
        for (EventType t : EvalMain.CAMERA_TYPES) {
            if (t.wireName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("--only " + name + ": expected one of "
                + EvalMain.CAMERA_TYPES.stream().map(EventType::wireName).toList());
    }

    private static String[] readState(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return new String[] {lines.get(0).trim(), lines.size() > 1 ? lines.get(1) : "?"};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A leftover temp dir of a few bytes is not worth failing the bench for.
        }
    }

    // ---- output -------------------------------------------------------------------------------

    private static void printTable(PrintStream out, Options options, DetectorSuite suite, BenchConfig config,
                                   Map<String, Row> rows) {
        out.println("NCE detector bench: 640x360 frames, one thread per detector (OpenCV threads = 1), JMH average time");
        out.println("machine: " + MachineInfo.current());
        out.println("suite:   " + suite.describe());
        out.println("runs:    " + options.timing().describe() + "; " + config.frameCount() + " frames per clip"
                + (config.synthetic() ? " (synthetic)" : ""));
        out.println();
        Row floor = rows.get(JPEG_DECODE);
        out.printf(Locale.ROOT, "%-14s %9s %9s %9s %9s %12s  %s%n", "name", "ms/frame", "fps/core", "x decode",
                "state MB", "fps target", "frames");
        List<String> order = new ArrayList<>();
        order.add(JPEG_DECODE);
        options.types().forEach(t -> order.add(t.wireName()));
        for (String name : order) {
            Row r = rows.get(name);
            if (r == null) {
                out.printf(Locale.ROOT, "%-14s %9s%n", name, "(no result)");
                continue;
            }
            String ratio = floor == null ? "?" : String.format(Locale.ROOT, "%.2f", r.msPerFrame() / floor.msPerFrame());
            String state = r.stateBytes() < 0 ? "-" : String.format(Locale.ROOT, "%.2f%s", r.stateMb(),
                    r.stateMb() > STATE_TARGET_MB ? " OVER" : "");
            Double target = name.equals(JPEG_DECODE) ? null : FPS_TARGETS.get(EventType.fromWire(name));
            String targetText = target == null ? "-" : String.format(Locale.ROOT, ">=%.0f %s", target,
                    r.fpsPerCore() >= target ? "ok" : "MISS");
            out.printf(Locale.ROOT, "%-14s %9.3f %9.1f %9s %9s %12s  %s%n", name, r.msPerFrame(), r.fpsPerCore(), ratio,
                    state, targetText, r.frames());
        }
        out.printf(Locale.ROOT, "state target: <= %.0f MB per camera (Detector.stateBytes() after the run)%n", STATE_TARGET_MB);
    }

    /** Exactly the keys open_burning, muck_dumping, unleashed_dog, jpeg_decode (those measured). */
    static ObjectNode toJson(Map<String, Row> rows) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        Map<EventType, Row> detectors = new EnumMap<>(EventType.class);
        for (EventType t : EvalMain.CAMERA_TYPES) {
            Row r = rows.get(t.wireName());
            if (r != null) {
                detectors.put(t, r);
            }
        }
        detectors.forEach((t, r) -> {
            ObjectNode n = root.putObject(t.wireName());
            n.put("ms_per_frame", round(r.msPerFrame(), 4));
            n.put("fps_per_core", round(r.fpsPerCore(), 1));
            if (r.stateBytes() >= 0) {
                n.put("state_mb", round(r.stateMb(), 3));
            }
        });
        Row floor = rows.get(JPEG_DECODE);
        if (floor != null) {
            ObjectNode n = root.putObject(JPEG_DECODE);
            n.put("ms_per_frame", round(floor.msPerFrame(), 4));
            n.put("fps_per_core", round(floor.fpsPerCore(), 1));
        }
        return root;
    }

    private static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }
}
