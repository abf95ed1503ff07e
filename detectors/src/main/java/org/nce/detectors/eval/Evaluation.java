package org.nce.detectors.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nce.detectors.Detector;
import org.nce.detectors.FrameMeta;
import org.nce.detectors.video.ClipReader;
import org.nce.model.Detection;
import org.nce.model.EventType;

/**
 * Runs a {@link DetectorSuite} over every clip of a dataset and scores the alerts with
 * {@link EventScorer}. Every clip gets fresh detector instances (state never leaks between
 * clips) and is played at its own frame rate: frame {@code i} has seq {@code i} and timestamp
 * {@code i * 1000 / fps}. Detectors run one after the other on the calling thread; only the time
 * spent inside {@link Detector#detect} counts towards a type's frames per second.
 *
 * <p>A clip that cannot be read (missing, undecodable, or a detector throws on it) is reported
 * as an error and left out of the scores, and the run continues.
 */
public final class Evaluation {

    /** Callbacks for a progress display; all no-ops by default. */
    public interface Progress {
        default void clipStarted(int clipIndex, int clipCount, String file, int frameCountHint) {
        }

        default void frameDone(long clipFrames) {
        }

        default void clipFinished() {
        }

        default void error(String message) {
        }
    }

    /**
     * One clip's outcome; {@code score} is null and {@code error} set when it could not be evaluated.
     * {@code keyFrames} holds one annotated JPEG per scored alert, in the order of
     * {@code score.alerts()} (null where none could be written), when key frames were asked for;
     * otherwise it is empty.
     */
    public record ClipResult(String file, long frames, double fps, boolean fpsKnown, List<LabelledInterval> labels,
                             EventScorer.ClipScore score, List<String> warnings, String error, List<Path> keyFrames) {
        public ClipResult {
            labels = List.copyOf(labels);
            warnings = List.copyOf(warnings);
            keyFrames = Collections.unmodifiableList(new ArrayList<>(keyFrames));
        }

        public boolean failed() {
            return error != null;
        }
    }

    /** Aggregate over all evaluated clips for one event type. */
    public record TypeStats(EventType type, EventScorer.Counts counts, long frames, long detectNanos) {
        /** Frames per second of detector time; 0 when no frame was timed. */
        public double fps() {
            return detectNanos == 0 ? 0.0 : frames * 1e9 / detectNanos;
        }

        /** Milliseconds of detector time per frame; 0 when no frame was timed. */
        public double msPerFrame() {
            return frames == 0 ? 0.0 : detectNanos / 1e6 / frames;
        }
    }

    public record Result(List<ClipResult> clips, Map<EventType, TypeStats> stats, List<String> errors) {
        public Result {
            clips = List.copyOf(clips);
            stats = Collections.unmodifiableMap(new EnumMap<>(stats));
            errors = List.copyOf(errors);
        }
    }

    private final DetectorSuite suite;
    private final Set<EventType> types;
    private final Progress progress;
    private final KeyFrameWriter keyFrames;

    /**
     * @param types the event types to run and score, in report order; detectors of other types
     *              the suite creates are closed unused, alerts of other types are not counted
     */
    public Evaluation(DetectorSuite suite, Set<EventType> types, Progress progress) {
        this(suite, types, progress, null);
    }

    /** As above, also writing each alert's confirming frame, annotated, into {@code keyFrameDir}. */
    public Evaluation(DetectorSuite suite, Set<EventType> types, Progress progress, Path keyFrameDir) {
        this.suite = suite;
        this.types = Collections.unmodifiableSet(new LinkedHashSet<>(types));
        this.progress = progress == null ? new Progress() { } : progress;
        try {
            this.keyFrames = keyFrameDir == null ? null : new KeyFrameWriter(keyFrameDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the key-frame folder " + keyFrameDir, e);
        }
    }

    public Result run(Path datasetDir, LabelsCsv.Labels labels) {
        List<String> errors = new ArrayList<>(labels.errors());
        List<ClipResult> clips = new ArrayList<>();
        Map<EventType, long[]> timing = new EnumMap<>(EventType.class); // frames, nanos
        Map<EventType, EventScorer.Counts> counts = new EnumMap<>(EventType.class);
        for (EventType t : types) {
            timing.put(t, new long[2]);
            counts.put(t, EventScorer.Counts.ZERO);
        }
        int n = labels.clips().size();
        for (int i = 0; i < n; i++) {
            LabelsCsv.ClipLabels clip = labels.clips().get(i);
            ClipResult result = runClip(datasetDir, clip, i, n, timing);
            clips.add(result);
            if (result.failed()) {
                errors.add(result.error());
                progress.error(result.error());
                continue;
            }
            for (EventType t : types) {
                counts.put(t, counts.get(t).plus(result.score().counts(t)));
            }
        }
        Map<EventType, TypeStats> stats = new EnumMap<>(EventType.class);
        for (EventType t : types) {
            long[] tm = timing.get(t);
            stats.put(t, new TypeStats(t, counts.get(t), tm[0], tm[1]));
        }
        return new Result(clips, stats, errors);
    }

    private ClipResult runClip(Path datasetDir, LabelsCsv.ClipLabels clip, int index, int count,
                               Map<EventType, long[]> timing) {
        List<LabelledInterval> labels = clip.intervals().stream().filter(l -> types.contains(l.event())).toList();
        Path file = datasetDir.resolve(clip.file());
        List<Detection> alerts = new ArrayList<>();
        Map<Detection, Path> written = new IdentityHashMap<>();
        List<String> keyFrameProblems = new ArrayList<>();
        List<Detector> detectors = new ArrayList<>();
        // Timing is committed only for clips that complete, like the scores.
        Map<EventType, long[]> clipTiming = new EnumMap<>(EventType.class);
        long frames = 0;
        double fps = ClipReader.DEFAULT_FPS;
        boolean fpsKnown = false;
        try (ClipReader reader = ClipReader.open(file)) {
            fps = reader.fps();
            fpsKnown = reader.fpsKnown();
            progress.clipStarted(index, count, clip.file(), reader.frameCountHint());
            detectors.addAll(createDetectors(clip.file()));
            String cameraId = clip.file();
            Mat frame;
            while ((frame = reader.next()) != null) {
                FrameMeta meta = reader.meta(cameraId);
                for (Detector d : detectors) {
                    long t0 = System.nanoTime();
                    List<Detection> found = d.detect(frame, meta);
                    long dt = System.nanoTime() - t0;
                    long[] tm = clipTiming.computeIfAbsent(d.type(), k -> new long[2]);
                    tm[0]++;
                    tm[1] += dt;
                    if (found != null) {
                        for (Detection det : found) {
                            if (types.contains(det.type())) {
                                alerts.add(det);
                                if (keyFrames != null) {
                                    writeKeyFrame(clip.file(), det, frame, written, keyFrameProblems);
                                }
                            }
                        }
                    }
                }
                frames++;
                progress.frameDone(frames);
            }
        } catch (IOException e) {
            return failed(clip, labels, frames, fps, fpsKnown, e.getMessage());
        } catch (RuntimeException e) {
            return failed(clip, labels, frames, fps, fpsKnown, "failed at frame " + frames + " of " + file + ": " + e);
        } finally {
            detectors.forEach(Evaluation::closeQuietly);
            progress.clipFinished();
        }
        if (frames == 0) {
            return failed(clip, labels, 0, fps, fpsKnown, "no frame could be decoded from " + file);
        }
        clipTiming.forEach((type, tm) -> {
            long[] total = timing.get(type);
            if (total != null) {
                total[0] += tm[0];
                total[1] += tm[1];
            }
        });
        List<String> warnings = new ArrayList<>();
        for (LabelledInterval l : labels) {
            if (l.firstFrame() >= frames) {
                warnings.add("label " + l.event().wireName() + " " + l.firstFrame() + "-" + l.lastFrame()
                        + " starts after the clip's last frame " + (frames - 1) + "; it can only be missed");
            }
        }
        warnings.addAll(keyFrameProblems);
        EventScorer.ClipScore score = EventScorer.score(labels, alerts);
        // One entry per scored alert, null where no key frame could be written, so the report never
        // shows an alert with another alert's frame.
        List<Path> keyFramePaths = new ArrayList<>();
        for (EventScorer.ScoredAlert a : keyFrames == null ? List.<EventScorer.ScoredAlert>of() : score.alerts()) {
            Path p = written.get(a.alert());
            if (p != null) {
                try {
                    p = keyFrames.markOutcome(p, clip.file(), a.alert(), a.outcome().name());
                } catch (IOException e) {
                    warnings.add("cannot rename key frame " + p + ": " + e.getMessage());
                }
            }
            keyFramePaths.add(p);
        }
        return new ClipResult(clip.file(), frames, fps, fpsKnown, labels, score, warnings, null, keyFramePaths);
    }

    /** A key frame is an extra: failing to write one is a warning, never a lost clip. */
    private void writeKeyFrame(String clipFile, Detection det, Mat frame, Map<Detection, Path> written,
                               List<String> problems) {
        try {
            written.put(det, keyFrames.write(clipFile, det, frame));
        } catch (IOException | RuntimeException e) {
            problems.add("cannot write the key frame of " + det.type().wireName() + " at frame " + det.lastFrame()
                    + ": " + e.getMessage());
        }
    }

    private List<Detector> createDetectors(String cameraId) {
        List<Detector> all = suite.create(cameraId);
        List<Detector> used = new ArrayList<>();
        for (Detector d : all) {
            if (types.contains(d.type())) {
                used.add(d);
            } else {
                closeQuietly(d);
            }
        }
        return used;
    }

    private static ClipResult failed(LabelsCsv.ClipLabels clip, List<LabelledInterval> labels, long frames, double fps,
                                     boolean fpsKnown, String message) {
        String where = "clip " + clip.file() + " (labels line " + clip.firstLine() + "): ";
        return new ClipResult(clip.file(), frames, fps, fpsKnown, labels, null, List.of(), where + message, List.of());
    }

    private static void closeQuietly(Detector d) {
        try {
            d.close();
        } catch (RuntimeException e) {
            // A detector that fails to close must not hide the evaluation's result.
        }
    }
}
