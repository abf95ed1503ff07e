package org.nce.detectors.tracking;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.nce.detectors.objects.ObjectDetector.DetectedObject;
import org.nce.model.Box;

/**
 * A small SORT-style multi-object tracker: greedy IoU association per class, a constant-velocity
 * prediction of each track's box, and time-based deletion.
 *
 * <p>Why time-based: cheap detectors miss objects for seconds at a time (YOLO-Fastest finds a dog in
 * roughly a third of frames) and callers run them on a stride, so a track must outlive many empty
 * updates. A track is deleted only when it has not been matched for {@link Config#maxCoastMs()}, not
 * after a number of misses.
 *
 * <p>Association: a detection may only join a track of the same class. Pairs are taken greedily in
 * order of decreasing IoU between the detection and the track's predicted box; pairs below {@link
 * Config#minIou()} may still match when their centres are closer than {@link
 * Config#maxCenterJump()} times the track's box diagonal, because an object that moved fast during a
 * long gap no longer overlaps its prediction. Unmatched detections start new tracks.
 *
 * <p>Plain logic, no OpenCV, deterministic; timestamps must not go backwards. Not thread-safe.
 */
public final class IouTracker {

    /**
     * @param minIou        IoU with the predicted box that counts as the same object, in (0, 1]
     * @param maxCenterJump fallback gate: centre distance / track box diagonal, >= 0 (0 disables)
     * @param maxCoastMs    how long an unmatched track survives, > 0
     * @param velocityGain  weight of a new velocity measurement in the running estimate, in [0, 1]
     *                      (0 disables prediction)
     * @param maxPredictMs  prediction horizon cap: beyond it the box stops moving, since a
     *                      constant-velocity guess over seconds is worse than standing still
     */
    public record Config(double minIou, double maxCenterJump, long maxCoastMs, double velocityGain,
                         long maxPredictMs) {
        public Config {
            if (!(minIou > 0 && minIou <= 1)) {
                throw new IllegalArgumentException("min_iou must be in (0, 1], got " + minIou);
            }
            if (!(maxCenterJump >= 0)) {
                throw new IllegalArgumentException("max_center_jump must be >= 0, got " + maxCenterJump);
            }
            if (maxCoastMs <= 0) {
                throw new IllegalArgumentException("max_coast_ms must be > 0, got " + maxCoastMs);
            }
            if (!(velocityGain >= 0 && velocityGain <= 1)) {
                throw new IllegalArgumentException("velocity_gain must be in [0, 1], got " + velocityGain);
            }
            if (maxPredictMs < 0) {
                throw new IllegalArgumentException("max_predict_ms must be >= 0, got " + maxPredictMs);
            }
        }

        /** IoU 0.2 (boxes of a moving animal at a few Hz overlap loosely), 1 diagonal jump, 4 s coast. */
        public static Config defaults() {
            return new Config(0.2, 1.0, 4000, 0.5, 1000);
        }
    }

    /** One tracked object. Mutable, owned by the tracker; read it, do not keep it across updates. */
    public static final class Track {
        private final long id;
        private final int classId;
        private final String className;
        private final long firstSeenMs;
        private Box lastBox;
        private long lastSeenMs;
        private double score;
        private int hits;
        private int misses;
        private int age;
        private double vx;
        private double vy;
        private Box predicted;

        private Track(long id, DetectedObject d, long t) {
            this.id = id;
            this.classId = d.classId();
            this.className = d.className();
            this.firstSeenMs = t;
            this.lastSeenMs = t;
            this.lastBox = d.box();
            this.predicted = d.box();
            this.score = d.score();
            this.hits = 1;
        }

        /** Unique per tracker, increasing from 1. */
        public long id() {
            return id;
        }

        public int classId() {
            return classId;
        }

        public String className() {
            return className;
        }

        public long firstSeenMs() {
            return firstSeenMs;
        }

        /** Time of the last matched detection. */
        public long lastSeenMs() {
            return lastSeenMs;
        }

        /** The last detected box, as the detector saw it. */
        public Box lastBox() {
            return lastBox;
        }

        /** Where the track is believed to be at the tracker's current time. */
        public Box box() {
            return predicted;
        }

        /** Score of the last matched detection. */
        public double score() {
            return score;
        }

        /** Number of detections matched, including the first. */
        public int hits() {
            return hits;
        }

        /** Consecutive detector updates without a match (prediction-only steps do not count). */
        public int misses() {
            return misses;
        }

        /** Number of detector updates this track has lived through after its birth. */
        public int age() {
            return age;
        }

        /** Estimated centre velocity in pixels per second. */
        public double velocityX() {
            return vx * 1000;
        }

        public double velocityY() {
            return vy * 1000;
        }

        @Override
        public String toString() {
            return className + "#" + id + " " + predicted + " hits=" + hits + " misses=" + misses;
        }
    }

    private final Config config;
    private final List<Track> tracks = new ArrayList<>();
    private long nextId = 1;
    private long nowMs = Long.MIN_VALUE;

    public IouTracker(Config config) {
        this.config = config;
    }

    public IouTracker() {
        this(Config.defaults());
    }

    public Config config() {
        return config;
    }

    /**
     * A detector pass at {@code timestampMs}: match detections to live tracks, start tracks for the
     * rest, count a miss on unmatched tracks and delete those unmatched for longer than the coast time.
     *
     * @return live tracks after the update (an unmodifiable view)
     */
    public List<Track> update(List<DetectedObject> detections, long timestampMs) {
        advance(timestampMs);
        int nt = tracks.size();
        int nd = detections.size();
        List<double[]> pairs = new ArrayList<>();
        for (int ti = 0; ti < nt; ti++) {
            Track tr = tracks.get(ti);
            for (int di = 0; di < nd; di++) {
                DetectedObject d = detections.get(di);
                if (d.classId() != tr.classId) {
                    continue;
                }
                double affinity = affinity(tr.predicted, d.box());
                if (affinity > 0) {
                    pairs.add(new double[] {affinity, ti, di});
                }
            }
        }
        pairs.sort(Comparator.comparingDouble((double[] p) -> -p[0]));
        boolean[] trackUsed = new boolean[nt];
        boolean[] detUsed = new boolean[nd];
        for (double[] p : pairs) {
            int ti = (int) p[1];
            int di = (int) p[2];
            if (!trackUsed[ti] && !detUsed[di]) {
                trackUsed[ti] = true;
                detUsed[di] = true;
                correct(tracks.get(ti), detections.get(di), timestampMs);
            }
        }
        for (int ti = 0; ti < nt; ti++) {
            Track tr = tracks.get(ti);
            tr.age++;
            if (!trackUsed[ti]) {
                tr.misses++;
            }
        }
        tracks.removeIf(tr -> timestampMs - tr.lastSeenMs > config.maxCoastMs);
        for (int di = 0; di < nd; di++) {
            if (!detUsed[di]) {
                tracks.add(new Track(nextId++, detections.get(di), timestampMs));
            }
        }
        return Collections.unmodifiableList(tracks);
    }

    /**
     * Moves every track to its predicted box at {@code timestampMs} without a detector pass (frames the
     * caller skipped). Counts no miss, but still deletes tracks past their coast time.
     */
    public List<Track> predict(long timestampMs) {
        advance(timestampMs);
        tracks.removeIf(tr -> timestampMs - tr.lastSeenMs > config.maxCoastMs);
        return Collections.unmodifiableList(tracks);
    }

    /** Live tracks, oldest first (an unmodifiable view). */
    public List<Track> tracks() {
        return Collections.unmodifiableList(tracks);
    }

    public void clear() {
        tracks.clear();
    }

    /** Rough heap footprint, for {@code Detector.stateBytes()}. */
    public long stateBytes() {
        return 64 + tracks.size() * 160L;
    }

    private void advance(long timestampMs) {
        if (timestampMs < nowMs) {
            throw new IllegalArgumentException("timestamp went backwards: " + timestampMs + " < " + nowMs);
        }
        nowMs = timestampMs;
        for (Track tr : tracks) {
            long dt = Math.min(timestampMs - tr.lastSeenMs, config.maxPredictMs);
            tr.predicted = shift(tr.lastBox, tr.vx * dt, tr.vy * dt);
        }
    }

    private double affinity(Box predicted, Box det) {
        double iou = predicted.iou(det);
        if (iou >= config.minIou) {
            return 1 + iou; // every overlap match ranks before any distance-only match
        }
        if (config.maxCenterJump <= 0) {
            return 0;
        }
        double dx = (predicted.x() + predicted.w() / 2.0) - (det.x() + det.w() / 2.0);
        double dy = (predicted.y() + predicted.h() / 2.0) - (det.y() + det.h() / 2.0);
        double diag = Math.hypot(predicted.w(), predicted.h());
        double jump = diag <= 0 ? Double.POSITIVE_INFINITY : Math.hypot(dx, dy) / diag;
        // Sizes must also agree within a factor of 2.5 so a far, small object is not taken for a near one.
        double areaRatio = (double) Math.max(predicted.area(), det.area()) / Math.max(1, Math.min(predicted.area(), det.area()));
        if (jump <= config.maxCenterJump && areaRatio <= 2.5 * 2.5) {
            return 1 - jump / (config.maxCenterJump + 1e-9) * 0.999;
        }
        return 0;
    }

    private void correct(Track tr, DetectedObject d, long t) {
        long dt = t - tr.lastSeenMs;
        if (dt > 0 && config.velocityGain > 0) {
            double mvx = (cx(d.box()) - cx(tr.lastBox)) / dt;
            double mvy = (cy(d.box()) - cy(tr.lastBox)) / dt;
            if (tr.hits == 1) {
                tr.vx = mvx;
                tr.vy = mvy;
            } else {
                tr.vx += config.velocityGain * (mvx - tr.vx);
                tr.vy += config.velocityGain * (mvy - tr.vy);
            }
        }
        tr.lastBox = d.box();
        tr.predicted = d.box();
        tr.lastSeenMs = t;
        tr.score = d.score();
        tr.hits++;
        tr.misses = 0;
    }

    private static double cx(Box b) {
        return b.x() + b.w() / 2.0;
    }

    private static double cy(Box b) {
        return b.y() + b.h() / 2.0;
    }

    private static Box shift(Box b, double dx, double dy) {
        return new Box((int) Math.round(b.x() + dx), (int) Math.round(b.y() + dy), b.w(), b.h());
    }
}
