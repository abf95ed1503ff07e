package org.nce.detectors.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bytedeco.opencv.global.opencv_core;
import org.nce.detectors.video.ClipReader;
import org.nce.model.Box;
import org.nce.model.Detection;
import org.nce.model.EventType;
import org.nce.model.Json;

/**
 * Command line evaluation of the detector suite on a labelled dataset; see docs/evaluation.md.
 *
 * <pre>EvalMain DATASET_DIR [--json FILE] [--details FILE] [--frames DIR] [--only TYPE] [--suite CLASS] [--no-progress]</pre>
 *
 * Exit status: 0 when every label line and clip was evaluated, 1 when some were skipped because
 * of errors (the scores cover the rest), 2 on a usage error or when nothing can be evaluated.
 */
public final class EvalMain {

    /** The camera event types, in report order. */
    public static final List<EventType> CAMERA_TYPES =
            List.of(EventType.OPEN_BURNING, EventType.MUCK_DUMPING, EventType.UNLEASHED_DOG);

    static final String USAGE = "usage: EvalMain DATASET_DIR [--json FILE] [--details FILE] [--frames DIR] [--only TYPE]"
            + " [--suite CLASS] [--no-progress]\n"
            + "  DATASET_DIR   folder with labels.csv (file,event,first_frame,last_frame) and the clips it names\n"
            + "  --json FILE   write {open_burning|muck_dumping|unleashed_dog: {tp,fp,fn,precision,recall,f1,fps}}\n"
            + "  --details FILE  write every clip's labels, alerts and outcomes as JSON\n"
            + "  --frames DIR  write each alert's confirming frame with its boxes and reason (TP_/FP_*.jpg)\n"
            + "  --only TYPE   run and score only this event type (" + String.join(", ", wireNames(CAMERA_TYPES)) + ")\n"
            + "  --suite CLASS detector suite class (default: -D" + DetectorSuites.SUITE_PROPERTY + " or "
            + DetectorSuites.DEFAULT_SUITE_CLASS + ")\n"
            + "  --no-progress do not draw the progress bar on stderr";

    /** Parsed command line. {@code suiteClass} null means the configured default. */
    record Options(Path datasetDir, Path json, Path details, Path frames, EventType only, String suiteClass,
                   boolean progress) {
        Set<EventType> types() {
            return only == null ? new LinkedHashSet<>(CAMERA_TYPES) : Set.of(only);
        }
    }

    private EvalMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the evaluation and returns the exit status; never calls {@link System#exit}. */
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
        DetectorSuite suite;
        try {
            suite = options.suiteClass() == null ? DetectorSuites.defaultSuite() : DetectorSuites.load(options.suiteClass());
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        return run(options, suite, out, err);
    }

    /** Runs with an already built suite (tests pass fakes here). */
    static int run(Options options, DetectorSuite suite, PrintStream out, PrintStream err) {
        Path labelsFile = options.datasetDir().resolve("labels.csv");
        LabelsCsv.Labels labels;
        try {
            labels = LabelsCsv.read(labelsFile);
        } catch (IOException e) {
            err.println("error: cannot use " + labelsFile + ": " + e.getMessage());
            return 2;
        }
        labels.errors().forEach(msg -> err.println("ERROR " + msg));

        // Frames per second are reported per core: keep OpenCV from fanning out to other cores.
        opencv_core.setNumThreads(1);
        ClipReader.quietFfmpegLogs();

        ProgressBar bar = options.progress() ? new ProgressBar(err) : null;
        Evaluation.Progress progress = bar != null ? bar : new Evaluation.Progress() {
            @Override
            public void error(String message) {
                err.println("ERROR " + message);
            }
        };
        Evaluation.Result result;
        try {
            result = new Evaluation(suite, options.types(), progress, options.frames()).run(options.datasetDir(), labels);
        } catch (java.io.UncheckedIOException e) {
            err.println("error: " + e.getMessage() + ": " + e.getCause().getMessage());
            return 2;
        }
        if (bar != null) {
            bar.finish();
        }

        printReport(out, options, suite, labels, result);
        try {
            if (options.json() != null) {
                writeJson(options.json(), summaryJson(result));
            }
            if (options.details() != null) {
                writeJson(options.details(), detailsJson(options, suite, result));
            }
        } catch (IOException e) {
            err.println("error: cannot write JSON: " + e.getMessage());
            return 2;
        }
        if (!result.errors().isEmpty()) {
            err.println(result.errors().size() + " error(s); the scores leave the affected clips out");
            return 1;
        }
        return 0;
    }

    static Options parse(String[] args) {
        Path dataset = null;
        Path json = null;
        Path details = null;
        Path frames = null;
        EventType only = null;
        String suite = null;
        boolean progress = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--json" -> json = Path.of(value(args, ++i, a));
                case "--details" -> details = Path.of(value(args, ++i, a));
                case "--frames" -> frames = Path.of(value(args, ++i, a));
                case "--only" -> only = cameraType(value(args, ++i, a));
                case "--suite" -> suite = value(args, ++i, a);
                case "--no-progress" -> progress = false;
                default -> {
                    if (a.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + a);
                    }
                    if (dataset != null) {
                        throw new IllegalArgumentException("more than one DATASET_DIR: " + dataset + " and " + a);
                    }
                    dataset = Path.of(a);
                }
            }
        }
        if (dataset == null) {
            throw new IllegalArgumentException("DATASET_DIR is required");
        }
        if (!Files.isDirectory(dataset)) {
            throw new IllegalArgumentException("DATASET_DIR " + dataset + " is not a directory");
        }
        return new Options(dataset, json, details, frames, only, suite, progress);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static EventType cameraType(String name) {
        for (EventType t : CAMERA_TYPES) {
            if (t.wireName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("--only " + name + ": expected one of " + String.join(", ", wireNames(CAMERA_TYPES)));
    }

    private static List<String> wireNames(List<EventType> types) {
        return types.stream().map(EventType::wireName).toList();
    }

    // ---- text report -------------------------------------------------------------------------

    private static void printReport(PrintStream out, Options options, DetectorSuite suite, LabelsCsv.Labels labels,
                                    Evaluation.Result result) {
        out.println("NCE detector evaluation");
        out.println("dataset: " + options.datasetDir().toAbsolutePath().normalize() + " (" + labels.clips().size()
                + " clips)");
        out.println("suite:   " + suite.describe());
        out.println("types:   " + String.join(", ", wireNames(List.copyOf(options.types()))));
        out.println();
        out.println("== Per clip ==");
        for (Evaluation.ClipResult clip : result.clips()) {
            printClip(out, clip);
        }
        out.println();
        out.println("== Summary (detector time only, single thread) ==");
        out.printf(Locale.ROOT, "%-14s %5s %5s %5s %10s %8s %7s %10s%n", "event", "TP", "FP", "FN", "precision",
                "recall", "F1", "fps");
        boolean undefined = false;
        for (Evaluation.TypeStats s : result.stats().values()) {
            EventScorer.Counts c = s.counts();
            undefined |= c.precisionUndefined() || c.recallUndefined();
            out.printf(Locale.ROOT, "%-14s %5d %5d %5d %10s %8s %7.3f %10.1f%n", s.type().wireName(), c.tp(), c.fp(),
                    c.fn(), ratio(c.precision(), c.precisionUndefined()), ratio(c.recall(), c.recallUndefined()), c.f1(),
                    s.fps());
        }
        if (undefined) {
            out.println("* 0/0 (no alerts, or nothing labelled): reported as 0");
        }
        if (!result.errors().isEmpty()) {
            out.println();
            out.println(result.errors().size() + " error(s), affected clips not scored:");
            result.errors().forEach(e -> out.println("  " + e));
        }
    }

    private static String ratio(double value, boolean undefined) {
        return String.format(Locale.ROOT, "%.3f%s", value, undefined ? "*" : "");
    }

    private static void printClip(PrintStream out, Evaluation.ClipResult clip) {
        if (clip.failed()) {
            out.println(clip.file() + "  NOT EVALUATED: " + clip.error());
            return;
        }
        out.printf(Locale.ROOT, "%s  %d frames @ %.2f fps%s%n", clip.file(), clip.frames(), clip.fps(),
                clip.fpsKnown() ? "" : " (default, container has none)");
        if (clip.labels().isEmpty()) {
            out.println("  label   none (negative clip)");
        }
        for (LabelledInterval l : clip.labels()) {
            out.printf(Locale.ROOT, "  label   %s frames %d-%d%n", l.event().wireName(), l.firstFrame(), l.lastFrame());
        }
        if (clip.score().alerts().isEmpty()) {
            out.println("  (no alerts)");
        }
        List<EventScorer.ScoredAlert> scored = clip.score().alerts();
        for (int i = 0; i < scored.size(); i++) {
            EventScorer.ScoredAlert a = scored.get(i);
            Detection d = a.alert();
            out.printf(Locale.ROOT, "  %-7s %s at frame %d (evidence %d-%d, score %.2f): %s%n", a.outcome(),
                    d.type().wireName(), d.lastFrame(), d.firstFrame(), d.lastFrame(), d.score(), d.reason());
            if (i < clip.keyFrames().size() && clip.keyFrames().get(i) != null) {
                out.println("          key frame: " + clip.keyFrames().get(i));
            }
        }
        for (LabelledInterval m : clip.score().missed()) {
            out.printf(Locale.ROOT, "  FN      %s frames %d-%d: no alert%n", m.event().wireName(), m.firstFrame(),
                    m.lastFrame());
        }
        clip.warnings().forEach(w -> out.println("  warning: " + w));
    }

    // ---- JSON ---------------------------------------------------------------------------------

    /**
     * The summary object: exactly one key per evaluated event type, each with tp, fp, fn,
     * precision, recall, f1 and fps. 0/0 ratios are 0 (see docs/evaluation.md).
     */
    static ObjectNode summaryJson(Evaluation.Result result) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        for (Evaluation.TypeStats s : result.stats().values()) {
            EventScorer.Counts c = s.counts();
            ObjectNode n = root.putObject(s.type().wireName());
            n.put("tp", c.tp());
            n.put("fp", c.fp());
            n.put("fn", c.fn());
            n.put("precision", c.precision());
            n.put("recall", c.recall());
            n.put("f1", c.f1());
            n.put("fps", Math.round(s.fps() * 10) / 10.0);
        }
        return root;
    }

    static ObjectNode detailsJson(Options options, DetectorSuite suite, Evaluation.Result result) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("dataset", options.datasetDir().toAbsolutePath().normalize().toString());
        root.put("suite", suite.describe());
        ArrayNode clips = root.putArray("clips");
        for (Evaluation.ClipResult clip : result.clips()) {
            ObjectNode c = clips.addObject();
            c.put("file", clip.file());
            c.put("frames", clip.frames());
            c.put("fps", clip.fps());
            c.put("fps_known", clip.fpsKnown());
            ArrayNode labels = c.putArray("labels");
            clip.labels().forEach(l -> interval(labels.addObject(), l));
            if (clip.failed()) {
                c.put("error", clip.error());
                continue;
            }
            ArrayNode alerts = c.putArray("alerts");
            for (EventScorer.ScoredAlert a : clip.score().alerts()) {
                Detection d = a.alert();
                ObjectNode n = alerts.addObject();
                n.put("event", d.type().wireName());
                n.put("outcome", a.outcome().name());
                n.put("raised_at_frame", d.lastFrame());
                n.put("first_frame", d.firstFrame());
                n.put("last_frame", d.lastFrame());
                n.put("score", d.score());
                n.put("reason", d.reason());
                ArrayNode boxes = n.putArray("boxes");
                for (Box b : d.boxes()) {
                    boxes.addObject().put("x", b.x()).put("y", b.y()).put("w", b.w()).put("h", b.h());
                }
                if (a.matched() != null) {
                    interval(n.putObject("matched"), a.matched());
                }
            }
            ArrayNode missed = c.putArray("missed");
            clip.score().missed().forEach(m -> interval(missed.addObject(), m));
            if (!clip.warnings().isEmpty()) {
                ArrayNode w = c.putArray("warnings");
                clip.warnings().forEach(w::add);
            }
        }
        ArrayNode errors = root.putArray("errors");
        result.errors().forEach(errors::add);
        return root;
    }

    private static void interval(ObjectNode n, LabelledInterval l) {
        n.put("event", l.event().wireName());
        n.put("first_frame", l.firstFrame());
        n.put("last_frame", l.lastFrame());
    }

    private static void writeJson(Path file, ObjectNode node) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
    }
}
