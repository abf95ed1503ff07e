package org.nce.detectors.dog;

import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.nce.detectors.ActiveHours;
import org.nce.detectors.Detector;
import org.nce.detectors.FrameMeta;
import org.nce.detectors.geometry.Polygon;
import org.nce.detectors.objects.CocoClasses;
import org.nce.detectors.objects.ObjectDetector;
import org.nce.detectors.objects.ObjectDetector.DetectedObject;
import org.nce.detectors.objects.YoloConfig;
import org.nce.detectors.objects.YoloObjectDetector;
import org.nce.detectors.tracking.IouTracker;
import org.nce.detectors.tracking.IouTracker.Track;
import org.nce.model.Box;
import org.nce.model.Detection;
import org.nce.model.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a dog that is not on a leash: a dog track with no person in view, or farther from every
 * person than {@code leashHeights} x that person's height, for at least {@code unleashedMs}.
 *
 * <p>Why this rule and not "look for a leash": a leash is a few pixels wide and a harness looks like
 * one, while a person holding a leash is always within a leash length of the dog. So the question
 * becomes "is any person close enough to hold this dog", which a COCO detector can answer.
 *
 * <p>Why tracks and not frames: YOLO-Fastest finds a dog in only about a third of the frames of our
 * dog clips, and persons are missed too. Decisions are taken per track ({@link IouTracker}), whose
 * boxes survive detection gaps for {@code trackCoastMs}. A person who was seen recently near the
 * dog still counts as near while their track coasts, which protects leashed dogs from a missed owner.
 * A dog is reported only when it has been <em>detected</em> (not merely predicted) alone at least
 * {@code unleashedMs} after it was first seen alone, with at least {@code minDogHits} detections.
 *
 * <p>Why the network runs rarely: a forward pass costs ~10-20 ms, the budget is 10 ms per frame. A
 * motion gate (frame difference on a {@code motionWidth}-pixel grey image, well under a millisecond)
 * and a time stride decide when to run it: every {@code detectIntervalMs} while something moves or a
 * track is alive, otherwise every {@code idleIntervalMs}. In between, the tracker only predicts.
 *
 * <p>Without a usable model the detector logs one warning at construction and returns nothing, so
 * the other detectors of the camera keep working. One instance per camera; not thread-safe.
 */
public final class UnleashedDogDetector implements Detector {

    private static final Logger LOG = LoggerFactory.getLogger(UnleashedDogDetector.class);

    /**
     * The closer look's dog must be the tracked one: boxes from two input scales of the same animal
     * differ by some pixels and by how much of the body they take in, so only a loose overlap is asked.
     */
    private static final double CLOSER_LOOK_IOU = 0.3;

    /** A person box overlapping a dog box this much is the network naming one animal twice. */
    private static final double SAME_OBJECT_IOU = 0.5;

    private final DogConfig config;
    private final ActiveHours activeHours;
    private final ObjectDetector objects;
    private final boolean ownsObjects;
    private final IouTracker tracker;
    private final Map<Long, DogState> dogs = new HashMap<>();

    private Mat small;
    private Mat grey;
    private Mat prevGrey;
    private Mat diff;
    private long lastRunMs;
    private boolean ranOnce;
    private boolean eventActive;
    private long lastAloneMs;
    private long frames;
    private long networkRuns;
    private long closerLooks;
    private int frameW;
    private int frameH;

    /** A dog track that has been alone long enough, waiting to be reported. */
    private record Candidate(Track track, DogState state) {
        double meanScore() {
            return state.aloneScoreSum / state.aloneHits;
        }
    }

    /** What the detector remembers about one dog track. */
    private static final class DogState {
        long aloneSinceMs = -1;
        long aloneSinceSeq;
        int aloneHits;
        double aloneScoreSum;
        String why = "";
    }

    /**
     * @param objects finds persons and dogs; the caller keeps ownership. Null means "no model": one
     *                warning is logged here and {@link #detect} returns nothing.
     */
    public UnleashedDogDetector(DogConfig config, ObjectDetector objects) {
        this(config, objects, false, objects == null ? "no object detector given" : null);
    }

    private UnleashedDogDetector(DogConfig config, ObjectDetector objects, boolean ownsObjects, String disabledWhy) {
        this.config = config;
        this.activeHours = config.schedule();
        this.objects = objects;
        this.ownsObjects = ownsObjects;
        this.tracker = new IouTracker(new IouTracker.Config(0.2, 1.0, config.trackCoastMs(), 0.5, 1000));
        if (disabledWhy != null) {
            LOG.warn("unleashed_dog detector disabled: {}; it will report no unleashed dogs", disabledWhy);
        }
    }

    /**
     * Builds the detector with a {@link YoloObjectDetector} from {@code config.model()}, which it then
     * owns and closes. When the model is not configured, a file is missing or OpenCV cannot load it,
     * logs that once and returns a detector that reports nothing.
     */
    public static UnleashedDogDetector create(DogConfig config) {
        YoloConfig model = config.model();
        List<String> problems = model.problems();
        if (!problems.isEmpty()) {
            return new UnleashedDogDetector(config, null, false, String.join("; ", problems));
        }
        YoloObjectDetector yolo;
        try {
            // Only persons and dogs matter; dropping other classes before NMS saves work.
            yolo = new YoloObjectDetector(model, List.of(CocoClasses.PERSON, CocoClasses.DOG));
        } catch (RuntimeException e) {
            return new UnleashedDogDetector(config, null, false, "cannot load model_path " + model.modelPath()
                    + ": " + e.getMessage());
        }
        return new UnleashedDogDetector(config, yolo, true, null);
    }

    public DogConfig config() {
        return config;
    }

    /** False when constructed without a usable model. */
    public boolean enabled() {
        return objects != null;
    }

    /** Frames seen and network passes run so far: their ratio is the amortisation the gate buys. */
    public long framesSeen() {
        return frames;
    }

    public long networkRuns() {
        return networkRuns;
    }

    /** Extra network passes on a candidate's neighbourhood before a report ({@link DogConfig#closerLook()}). */
    public long closerLooks() {
        return closerLooks;
    }

    @Override
    public EventType type() {
        return EventType.UNLEASHED_DOG;
    }

    @Override
    public List<Detection> detect(Mat bgrFrame, FrameMeta meta) {
        if (objects == null) {
            return List.of();
        }
        long t = meta.timestampMs();
        if (!activeHours.includes(t)) {
            // Nothing analysed; tracks and clocks would be stale when the window opens again.
            tracker.clear();
            dogs.clear();
            eventActive = false;
            ranOnce = false;
            return List.of();
        }
        frames++;
        frameW = bgrFrame.cols();
        frameH = bgrFrame.rows();
        boolean motion = motion(bgrFrame);
        long interval = motion || !tracker.tracks().isEmpty() ? config.detectIntervalMs() : config.idleIntervalMs();
        if (ranOnce && t - lastRunMs < interval) {
            tracker.predict(t);
            return List.of();
        }
        ranOnce = true;
        lastRunMs = t;
        networkRuns++;
        List<Track> tracks = tracker.update(relevant(objects.detect(bgrFrame)), t);
        return decide(bgrFrame, tracks, t, meta.seq());
    }

    /** Persons and dogs above their score thresholds, without persons that are really a dog. */
    private List<DetectedObject> relevant(List<DetectedObject> found) {
        List<DetectedObject> dogBoxes = new ArrayList<>();
        for (DetectedObject o : found) {
            if (o.classId() == CocoClasses.DOG && o.score() >= config.dogScore()) {
                dogBoxes.add(o);
            }
        }
        List<DetectedObject> out = new ArrayList<>(dogBoxes);
        for (DetectedObject o : found) {
            if (o.classId() == CocoClasses.PERSON && o.score() >= config.personScore()
                    && dogBoxes.stream().noneMatch(d -> d.box().iou(o.box()) >= SAME_OBJECT_IOU)) {
                out.add(o);
            }
        }
        return out;
    }

    private List<Detection> decide(Mat bgrFrame, List<Track> tracks, long t, long seq) {
        List<Track> persons = new ArrayList<>();
        for (Track tr : tracks) {
            if (tr.classId() == CocoClasses.PERSON) {
                persons.add(tr);
            }
        }
        dogs.keySet().removeIf(id -> tracks.stream().noneMatch(tr -> tr.id() == id));
        if (eventActive && t - lastAloneMs > config.quietMs()) {
            eventActive = false;
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Track dog : tracks) {
            if (dog.classId() != CocoClasses.DOG) {
                continue;
            }
            DogState st = dogs.computeIfAbsent(dog.id(), id -> new DogState());
            if (!inZone(dog.box())) {
                st.aloneSinceMs = -1; // a loose dog only matters where the camera's zones say
                continue;
            }
            String near = nearestPersonWithinLeash(dog.box(), persons);
            if (near != null) {
                st.aloneSinceMs = -1; // someone could be holding it: start over
                continue;
            }
            boolean fresh = dog.lastSeenMs() == t;
            if (fresh) {
                // Only a fresh detection may advance the clock, predictions may not.
                if (st.aloneSinceMs < 0) {
                    st.aloneSinceMs = t;
                    st.aloneSinceSeq = seq;
                    st.aloneHits = 0;
                    st.aloneScoreSum = 0;
                }
                st.aloneHits++;
                st.aloneScoreSum += dog.score();
                st.why = persons.isEmpty() ? "no person in view" : farthestReason(dog.box(), persons);
                lastAloneMs = t;
            }
            // A coasting track may still be reported when the closer look below finds it: that look
            // is a fresh detection of its own.
            boolean eligible = fresh || config.closerLook();
            if (eligible && st.aloneSinceMs >= 0 && t - st.aloneSinceMs >= config.unleashedMs()
                    && st.aloneHits >= config.minDogHits()) {
                candidates.add(new Candidate(dog, st));
            }
        }
        if (candidates.isEmpty() || eventActive) {
            return List.of();
        }
        // Best mean score first; with the closer look, the first one it confirms. A false dog that
        // scores higher (the burning pile) must not keep a real one from being reported.
        candidates.sort((a, b) -> Double.compare(b.meanScore(), a.meanScore()));
        Track best = null;
        DogState bestState = null;
        String closer = "";
        for (Candidate c : candidates) {
            if (!config.closerLook()) {
                best = c.track();
                bestState = c.state();
                break;
            }
            double closerScore = closerLookDogScore(bgrFrame, c.track().box());
            if (closerScore >= config.dogScore()) {
                best = c.track();
                bestState = c.state();
                closer = String.format(Locale.ROOT, ", a closer look agrees (dog %.2f)", closerScore);
                break;
            }
        }
        if (best == null) {
            return List.of(); // not confirmed yet: the next pass looks again
        }
        eventActive = true;
        lastAloneMs = t;
        double meanScore = bestState.aloneScoreSum / bestState.aloneHits;
        String reason = String.format(Locale.ROOT, "dog track #%d alone %.1f s (%s), %d detections, mean score %.2f%s",
                best.id(), (t - bestState.aloneSinceMs) / 1000.0, bestState.why, bestState.aloneHits, meanScore, closer);
        return List.of(new Detection(EventType.UNLEASHED_DOG, Math.min(1.0, meanScore), List.of(best.box()),
                bestState.aloneSinceSeq, seq, reason));
    }

    /**
     * Runs the network on the dog's neighbourhood, a square twice the box's larger side centred on it
     * (clamped to the frame), and returns the best score of a dog found there that overlaps the box,
     * or 0. The whole frame is squeezed into the network's input, so a dog far away gets a few dozen
     * pixels and a burning pile or a bag can pass for one; the neighbourhood fills the input, and the
     * network sees the object at several times the resolution. Runs only for a candidate report.
     */
    private double closerLookDogScore(Mat bgr, Box dog) {
        int side = Math.max(1, 2 * Math.max(dog.w(), dog.h()));
        int w = Math.min(side, bgr.cols());
        int h = Math.min(side, bgr.rows());
        int x0 = Math.max(0, Math.min(bgr.cols() - w, dog.x() + dog.w() / 2 - w / 2));
        int y0 = Math.max(0, Math.min(bgr.rows() - h, dog.y() + dog.h() / 2 - h / 2));
        closerLooks++;
        List<DetectedObject> found;
        try (Rect r = new Rect(x0, y0, w, h); Mat crop = new Mat(bgr, r)) {
            found = objects.detect(crop);
        }
        double best = 0;
        for (DetectedObject o : found) {
            if (o.classId() != CocoClasses.DOG) {
                continue;
            }
            Box b = o.box();
            Box inFrame = new Box(b.x() + x0, b.y() + y0, b.w(), b.h());
            if (inFrame.iou(dog) >= CLOSER_LOOK_IOU) {
                best = Math.max(best, o.score());
            }
        }
        return best;
    }

    /** Whether the dog's paws (the bottom centre of its box) stand in one of the configured zones. */
    private boolean inZone(Box dog) {
        double x = (dog.x() + dog.w() / 2.0) / Math.max(1, frameW);
        double y = (dog.y() + dog.h()) / (double) Math.max(1, frameH);
        // Just inside the frame: a box touching the bottom edge must still be "in" a full-frame zone.
        double cx = Math.min(Math.nextDown(1.0), Math.max(0, x));
        double cy = Math.min(Math.nextDown(1.0), Math.max(0, y));
        for (Polygon zone : config.zones()) {
            if (zone.contains(cx, cy)) {
                return true;
            }
        }
        return false;
    }

    /** A description of the first person close enough to hold this dog's leash, or null. */
    private String nearestPersonWithinLeash(Box dog, List<Track> persons) {
        for (Track p : persons) {
            Box pb = p.box();
            if (pb.h() > 0 && gap(dog, pb) <= config.leashHeights() * pb.h()) {
                return "person #" + p.id();
            }
        }
        return null;
    }

    private static String farthestReason(Box dog, List<Track> persons) {
        double nearest = Double.POSITIVE_INFINITY;
        for (Track p : persons) {
            nearest = Math.min(nearest, gap(dog, p.box()) / Math.max(1, p.box().h()));
        }
        return String.format(Locale.ROOT, "nearest person %.1f heights away", nearest);
    }

    /** Distance between the nearest edges of two boxes, 0 when they overlap. */
    static double gap(Box a, Box b) {
        double dx = Math.max(0, Math.max(a.x() - (b.x() + b.w()), b.x() - (a.x() + a.w())));
        double dy = Math.max(0, Math.max(a.y() - (b.y() + b.h()), b.y() - (a.y() + a.h())));
        return Math.hypot(dx, dy);
    }

    /** Frame difference on a small grey image; the first frame and a size change count as motion. */
    private boolean motion(Mat bgr) {
        int w = config.motionWidth();
        int h = Math.max(1, (int) Math.round(bgr.rows() * (double) w / Math.max(1, bgr.cols())));
        if (small == null) {
            small = new Mat();
            grey = new Mat();
            prevGrey = new Mat();
            diff = new Mat();
        }
        resize(bgr, small, new Size(w, h), 0, 0, INTER_AREA);
        cvtColor(small, grey, COLOR_BGR2GRAY);
        boolean moved;
        if (prevGrey.empty() || prevGrey.rows() != grey.rows() || prevGrey.cols() != grey.cols()) {
            moved = true;
        } else {
            absdiff(grey, prevGrey, diff);
            threshold(diff, diff, config.motionPixelDelta(), 255, THRESH_BINARY);
            moved = countNonZero(diff) > config.motionFraction() * diff.total();
        }
        Mat swap = prevGrey;
        prevGrey = grey;
        grey = swap;
        return moved;
    }

    @Override
    public boolean busy() {
        return !tracker.tracks().isEmpty();
    }

    @Override
    public long stateBytes() {
        long mats = 0;
        for (Mat m : new Mat[] {small, grey, prevGrey, diff}) {
            if (m != null && !m.empty()) {
                mats += m.total() * m.elemSize();
            }
        }
        // The network is counted when this detector owns it (the create() path); a shared one is not ours.
        long net = ownsObjects && objects instanceof YoloObjectDetector yolo ? yolo.stateBytes() : 0;
        return 256 + mats + tracker.stateBytes() + dogs.size() * 96L + net;
    }

    @Override
    public void close() {
        for (Mat m : new Mat[] {small, grey, prevGrey, diff}) {
            if (m != null) {
                m.close();
            }
        }
        small = grey = prevGrey = diff = null;
        if (ownsObjects && objects != null) {
            objects.close();
        }
    }
}
