package org.nce.detectors.dumping;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32S;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_CLOSE;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_RECT;
import static org.bytedeco.opencv.global.opencv_imgproc.connectedComponentsWithStats;
import static org.bytedeco.opencv.global.opencv_imgproc.createHanningWindow;
import static org.bytedeco.opencv.global.opencv_imgproc.dilate;
import static org.bytedeco.opencv.global.opencv_imgproc.getStructuringElement;
import static org.bytedeco.opencv.global.opencv_imgproc.morphologyEx;
import static org.bytedeco.opencv.global.opencv_imgproc.phaseCorrelate;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2d;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.nce.detectors.ActiveHours;
import org.nce.detectors.Detector;
import org.nce.detectors.FrameMeta;
import org.nce.detectors.geometry.Polygon;
import org.nce.detectors.objects.ObjectDetector;
import org.nce.detectors.objects.ObjectDetector.DetectedObject;
import org.nce.detectors.objects.YoloConfig;
import org.nce.detectors.objects.YoloObjectDetector;
import org.nce.model.Box;
import org.nce.model.Detection;
import org.nce.model.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Muck / waste dumping (渣土倾倒) detector after Porikli's "dual foreground" method (Porikli, Ivanov
 * and Haga, "Robust abandoned object detection using dual foregrounds", EURASIP J. Adv. Signal
 * Process. 2008): two running-average colour backgrounds of a downscaled frame, a long-term one that
 * learns slowly and a short-term one that learns fast. A pixel that differs from the long-term
 * background but already matches the short-term one is <em>new and static</em>. A connected region
 * of such pixels is a dumped pile when
 * <ul>
 *   <li>it lies inside a configured no-dumping zone and covers at least {@code minAreaFraction} of
 *       the frame;</li>
 *   <li>it has stayed static for {@code minStaticSeconds} of stream time;</li>
 *   <li>its inside has a different <em>texture</em> from the background there (normalized
 *       cross-correlation, blind to brightness and contrast), so a shadow, a cloud, dusk, headlights
 *       or a lamp switching on is not a pile;</li>
 *   <li>its outline has edges in the current frame rather than in the background: a "ghost" left
 *       where an object moved away has its outline in the background instead;</li>
 *   <li>its surroundings are old background again: the actor has left and the pile stands alone
 *       (a person standing by it, or a car in a queue, is not a finished drop);</li>
 *   <li>something moved beside it after it became static and has gone (the actor leaving): a
 *       vehicle or person that merely stopped has nothing leave from beside it;</li>
 *   <li>an actor was there first: with an {@link ObjectDetector}, a person or vehicle box near the
 *       region within {@code actorLookbackSeconds}, and none covering the region now; without one,
 *       a large moving blob that covered or neighboured the region for a while.</li>
 * </ul>
 * A region must pass all of these on every frame for half a second before it is reported, so a
 * measure hovering around its threshold does not fire on one lucky frame.
 * Frames are normalised to the long-term background's median brightness first (illumination
 * compensation). A moving camera (most tiles of the frame shifted against the long-term background,
 * by phase correlation) or a scene cut (most of the frame new) restarts both backgrounds, so walking
 * cameras and dashcams never accumulate static evidence. A pixel's long-term background is only
 * trusted once it has been seen still for a second; until then it follows the short-term one, which
 * keeps objects that were in the first frames and then left from leaving ghosts. Static evidence
 * only accrues for a change that arrived with motion, not for a slow drift (smoke thinning out, a
 * creeping shadow, dusk).
 *
 * <p>A report's {@code firstFrame} is the frame before the region first changed (the actor
 * arriving over it or the drop starting), {@code lastFrame} the frame where the pile is confirmed.
 * The same pile is not reported again; its place re-arms after {@code quietSeconds} without a new
 * static region there. One instance per camera; not thread-safe.
 */
public final class MuckDumpingDetector implements Detector {

    private static final Logger LOG = LoggerFactory.getLogger(MuckDumpingDetector.class);

    /** COCO ids of the actors that can dump: person, bicycle, car, motorcycle, bus, truck. */
    static final Set<Integer> ACTOR_CLASSES = Set.of(0, 1, 2, 3, 5, 7);

    /** A tile shifted against the long-term background by more than this (working pixels) has moved. */
    private static final double MAX_SHIFT_PX = 1.0;
    /** The frame is cut into GRID x GRID tiles for the camera-motion test. */
    private static final int GRID = 3;
    /** A majority of moved tiles means the camera moved; a bus filling a few tiles does not. */
    private static final int MIN_MOVED_TILES = 5;
    /** The camera-motion test runs at most this often (stream seconds); it is the costliest step. */
    private static final double CAMERA_CHECK_SECONDS = 0.5;
    /** The camera-motion reference frame is renewed after this long without motion. */
    private static final double CAMERA_REFERENCE_SECONDS = 5;
    /** More of the frame than this new to the long-term background means a cut or a moved camera. */
    private static final double MAX_CHANGED_FRACTION = 0.5;
    /** More of the frame than this changing at once breaks every static clock (flash, fast pan). */
    private static final double MAX_MOVING_FRACTION = 0.6;
    /** A gap in the stream longer than this restarts the backgrounds. */
    private static final double MAX_GAP_SECONDS = 10;
    /** A pixel must match the long-term background, still, this long before that background is trusted. */
    private static final double VERIFY_SECONDS = 1.0;
    /** Seconds of moving-blob presence a pixel needs to count as visited by an actor. */
    private static final double MIN_ACTOR_SECONDS = 0.4;
    /**
     * The object detector runs at most this often while an actor-sized blob moves in or at a zone.
     * A drop takes the actor seconds (stop, unload, leave), so one look a second still sees it,
     * and at ~10 ms a forward pass this costs ~0.4 ms/frame at 25 fps.
     */
    private static final double OBJECT_DETECTOR_INTERVAL_SECONDS = 1.0;
    /** An outline this much stronger now than in the background is a placed object, not a ghost. */
    private static final double MIN_EDGE_RATIO = 1.2;
    /** Most of a pile's surroundings must be old background again: the actor has left. */
    private static final double MAX_RING_CHANGED_FRACTION = 0.35;
    /** Surrounding pixels that moved and cleared after the region went static, relative to its area. */
    private static final double MIN_DEPARTED_FRACTION = 0.5;
    /** A candidate must pass every test continuously this long before it is reported. */
    private static final double STABLE_PASS_SECONDS = 0.5;
    /** A pending candidate that failed (or was not seen) for longer than this starts over. */
    private static final double PENDING_GAP_SECONDS = 0.15;
    /** Relative part of the per-pixel threshold: brighter pixels are noisier in absolute terms. */
    private static final float RELATIVE_THRESHOLD = 0.08f;

    private final DumpingConfig config;
    private final ActiveHours activeHours;
    private final ObjectDetector actorDetector;
    /** True when {@link #create} built the network: this detector then closes and counts it. */
    private final boolean ownsActorDetector;

    /** Optional sink for candidate diagnostics (tests and tuning tools); never set in production. */
    Consumer<String> trace;

    // Geometry of the working image.
    private int srcW = -1;
    private int srcH = -1;
    private int w;
    private int h;
    private double scaleX;
    private double scaleY;

    // Colour models (BGR interleaved, 3 per pixel) and per-pixel state (1 per pixel), row-major.
    private long epochMs = Long.MIN_VALUE;
    private float[] bgLong;
    private float[] bgShort;
    private float[] cur;
    private float[] lumaComp;
    private float[] lumaBg;
    private float[] staticSince;
    private float[] quietSince;
    private byte[] verified;
    /** 1 once the pixel, since it began to differ from the long-term background, also moved. */
    private byte[] abrupt;
    private long[] changedSinceSeq;
    private float[] actorSeconds;
    /** Stream time a pixel last differed from the short-term background (something moved there). */
    private float[] lastMotionT;
    private byte[] zone;
    private byte[] frameBytes;
    private byte[] maskBytes;
    private int[] labelBuf;
    private final int[] histCur = new int[256];
    private final int[] histBg = new int[256];

    // Reusable native buffers.
    private final Mat small = new Mat();
    private Mat mask;
    private final Mat maskWork = new Mat();
    private final Mat labels = new Mat();
    private final Mat stats = new Mat();
    private final Mat centroids = new Mat();
    /** Luma of the frame the camera-motion test compares against (taken at restart, renewed). */
    private Mat refLumaMat;
    private Mat curLumaMat;
    private double refLumaT;
    private final Mat hann = new Mat();
    private final Mat kernel3 = getStructuringElement(MORPH_RECT, new Size(3, 3));

    private boolean initialized;
    private boolean closed;
    private double lastT;
    private double lastCameraCheckT;
    private double frameGain = 1;
    private double areaPx;
    private final List<Reported> reported = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    /** A new region in a zone has gone still (it may be a pile on its way to confirmation); see {@link #busy()}. */
    private boolean staticInZone;
    private final Deque<ActorSighting> actorSightings = new ArrayDeque<>();
    private double lastObjectRunT = Double.NEGATIVE_INFINITY;
    private long lastObjectRunSeq = -1;
    private List<DetectedObject> lastObjects = List.of();

    private record Reported(Box workBox, double lastSeenT) {
    }

    /** A region that passed every test; it is reported once it has kept passing for a while. */
    private record Pending(Box workBox, double firstPassT, double lastPassT) {
    }

    private record ActorSighting(double t, Box workBox) {
    }

    public MuckDumpingDetector(DumpingConfig config) {
        this(config, null);
    }

    /**
     * @param actorDetector finds persons and vehicles for the actor gate; {@code null} to use large
     *                      moving blobs instead. Not closed by this detector.
     */
    public MuckDumpingDetector(DumpingConfig config, ObjectDetector actorDetector) {
        if (config == null) {
            throw new IllegalArgumentException("config is required");
        }
        this.config = config;
        this.activeHours = config.schedule();
        this.actorDetector = actorDetector;
        this.ownsActorDetector = false;
    }

    private MuckDumpingDetector(DumpingConfig config, YoloObjectDetector owned, boolean owns) {
        this.config = config;
        this.activeHours = config.schedule();
        this.actorDetector = owned;
        this.ownsActorDetector = owns && owned != null;
    }

    /**
     * Builds the detector with a {@link YoloObjectDetector} from {@code config.actorModel()} as the
     * actor gate (persons and vehicles only), which it then owns and closes. When no model is
     * configured, a file is missing or OpenCV cannot load it, logs that once and falls back to the
     * motion actor gate, so the camera still gets a dumping detector.
     */
    public static MuckDumpingDetector create(DumpingConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config is required");
        }
        YoloConfig model = config.actorModel();
        if (!config.requireActor()) {
            return new MuckDumpingDetector(config, null, false);
        }
        if (!config.hasActorModel()) {
            LOG.info("muck_dumping: no actor_model configured; the actor gate uses moving blobs");
            return new MuckDumpingDetector(config, null, false);
        }
        List<String> problems = model.problems();
        if (!problems.isEmpty()) {
            LOG.warn("muck_dumping: actor_model unusable ({}); the actor gate uses moving blobs",
                    String.join("; ", problems));
            return new MuckDumpingDetector(config, null, false);
        }
        try {
            // Only the actor classes matter; dropping the others before NMS saves work.
            return new MuckDumpingDetector(config, new YoloObjectDetector(model, ACTOR_CLASSES), true);
        } catch (RuntimeException e) {
            LOG.warn("muck_dumping: cannot load actor_model {} ({}); the actor gate uses moving blobs",
                    model.modelPath(), e.getMessage());
            return new MuckDumpingDetector(config, null, false);
        }
    }

    /** True when the actor gate is an object detector rather than moving blobs. */
    public boolean usesObjectDetector() {
        return actorDetector != null;
    }

    @Override
    public EventType type() {
        return EventType.MUCK_DUMPING;
    }

    @Override
    public List<Detection> detect(Mat bgrFrame, FrameMeta meta) {
        if (bgrFrame == null || bgrFrame.empty()) {
            return List.of();
        }
        if (!activeHours.includes(meta.timestampMs())) {
            // Nothing analysed: the backgrounds go stale, so the first frame back restarts them, with
            // a new time origin (per-pixel times are floats of seconds since it) and no memory of
            // piles reported before; whatever lies there when the window opens is ground.
            initialized = false;
            epochMs = Long.MIN_VALUE;
            reported.clear();
            return List.of();
        }
        ensureGeometry(bgrFrame.cols(), bgrFrame.rows());
        readFrame(bgrFrame);
        // Seconds since this detector's first frame: per-pixel times are floats, and a float of epoch
        // seconds (~1.8e9) is only precise to about two minutes.
        if (epochMs == Long.MIN_VALUE) {
            epochMs = meta.timestampMs();
        }
        double t = (meta.timestampMs() - epochMs) / 1000.0;
        long seq = meta.seq();
        if (!initialized || t - lastT > MAX_GAP_SECONDS || t < lastT) {
            restart(t);
            return List.of();
        }
        double dt = t - lastT;
        lastT = t;

        frameGain = config.illuminationCompensation() ? globalGain() : 1.0;
        if (!compareAndLearn(t, seq, dt, frameGain)) {
            return List.of();
        }
        if (t - lastCameraCheckT >= CAMERA_CHECK_SECONDS) {
            lastCameraCheckT = t;
            if (cameraMoved()) {
                restart(t);
                return List.of();
            }
            if (t - refLumaT >= CAMERA_REFERENCE_SECONDS) {
                curLumaMat.copyTo(refLumaMat);
                refLumaT = t;
            }
        }
        updateActors(bgrFrame, t, seq, dt);
        return findPiles(bgrFrame, t, seq);
    }

    /**
     * The per-pixel step: compares the compensated frame with both backgrounds, runs the static
     * and verification clocks, fills the moving mask and updates both models. Returns false when
     * the frame restarted the models or broke every static clock.
     */
    private boolean compareAndLearn(double t, long seq, double dt, double gain) {
        double aLong = 1 - Math.exp(-dt / config.longTermSeconds());
        double aShort = 1 - Math.exp(-dt / config.shortTermSeconds());
        float fa = (float) aLong;
        float fs = (float) aShort;
        float g = (float) gain;
        float thr = (float) config.diffThreshold();
        float ft = (float) t;
        int n = w * h;
        int changed = 0;
        int moving = 0;
        for (int i = 0, k = 0; i < n; i++, k += 3) {
            float c0 = cur[k] * g;
            float c1 = cur[k + 1] * g;
            float c2 = cur[k + 2] * g;
            float b0 = bgLong[k];
            float b1 = bgLong[k + 1];
            float b2 = bgLong[k + 2];
            float lb = (b0 + b1 + b2) * (1f / 3);
            lumaBg[i] = lb;
            lumaComp[i] = (c0 + c1 + c2) * (1f / 3);
            float dl = Math.max(Math.abs(c0 - b0), Math.max(Math.abs(c1 - b1), Math.abs(c2 - b2)));
            float ds = Math.max(Math.abs(cur[k] - bgShort[k]),
                    Math.max(Math.abs(cur[k + 1] - bgShort[k + 1]), Math.abs(cur[k + 2] - bgShort[k + 2])));
            boolean fgLong = dl > thr + RELATIVE_THRESHOLD * lb;
            boolean fgShort = ds > thr;
            if (fgLong) {
                changed++;
                if (changedSinceSeq[i] < 0) {
                    changedSinceSeq[i] = seq;
                }
                if (fgShort) {
                    abrupt[i] = 1;
                }
            } else {
                changedSinceSeq[i] = -1;
                abrupt[i] = 0;
            }
            if (fgShort) {
                moving++;
                lastMotionT[i] = ft;
            }
            if (!fgLong && !fgShort) {
                if (Float.isNaN(quietSince[i])) {
                    quietSince[i] = ft;
                } else if (verified[i] == 0 && t - quietSince[i] >= VERIFY_SECONDS) {
                    verified[i] = 1;
                }
            } else {
                quietSince[i] = Float.NaN;
            }
            // Static evidence only for a change that arrived with motion (something was put there),
            // not for a slow drift such as smoke thinning out or a shadow creeping along.
            if (fgLong && !fgShort && verified[i] != 0 && abrupt[i] != 0) {
                if (Float.isNaN(staticSince[i])) {
                    staticSince[i] = ft;
                }
            } else {
                staticSince[i] = Float.NaN;
            }
            maskBytes[i] = (byte) (fgShort ? 255 : 0);
            bgShort[k] += fs * (cur[k] - bgShort[k]);
            bgShort[k + 1] += fs * (cur[k + 1] - bgShort[k + 1]);
            bgShort[k + 2] += fs * (cur[k + 2] - bgShort[k + 2]);
            // Until a pixel's long-term background has been seen still it is only a guess from the
            // first frames (maybe an object that then leaves), so it follows the short-term model.
            float al = verified[i] != 0 ? fa : fs;
            bgLong[k] = b0 + al * (c0 - b0);
            bgLong[k + 1] = b1 + al * (c1 - b1);
            bgLong[k + 2] = b2 + al * (c2 - b2);
        }
        if (changed > MAX_CHANGED_FRACTION * n) {
            restart(t);
            return false;
        }
        if (moving > MAX_MOVING_FRACTION * n) {
            Arrays.fill(staticSince, Float.NaN);
            return false;
        }
        return true;
    }

    private void ensureGeometry(int cols, int rows) {
        if (cols == srcW && rows == srcH) {
            return;
        }
        srcW = cols;
        srcH = rows;
        w = Math.min(config.workWidth(), cols);
        h = Math.max(3 * GRID, (int) Math.round((double) rows * w / cols));
        scaleX = (double) cols / w;
        scaleY = (double) rows / h;
        int n = w * h;
        bgLong = new float[3 * n];
        bgShort = new float[3 * n];
        cur = new float[3 * n];
        frameBytes = new byte[3 * n];
        lumaComp = new float[n];
        lumaBg = new float[n];
        staticSince = new float[n];
        quietSince = new float[n];
        verified = new byte[n];
        abrupt = new byte[n];
        changedSinceSeq = new long[n];
        actorSeconds = new float[n];
        lastMotionT = new float[n];
        maskBytes = new byte[n];
        labelBuf = new int[n];
        zone = Polygon.rasterize(config.zones(), w, h);
        int zonePx = 0;
        for (byte b : zone) {
            zonePx += b;
        }
        if (zonePx == 0) {
            throw new IllegalStateException("zones cover no pixel of a " + cols + "x" + rows + " frame");
        }
        areaPx = n;
        closeMat(mask);
        closeMat(refLumaMat);
        closeMat(curLumaMat);
        mask = new Mat(h, w, CV_8UC1);
        refLumaMat = new Mat(h, w, CV_32F);
        curLumaMat = new Mat(h, w, CV_32F);
        createHanningWindow(hann, new Size(w / GRID, h / GRID), CV_32F);
        initialized = false;
        reported.clear();
        actorSightings.clear();
    }

    private void readFrame(Mat bgr) {
        resize(bgr, small, new Size(w, h), 0, 0, INTER_AREA);
        small.data().get(frameBytes);
        for (int i = 0; i < frameBytes.length; i++) {
            cur[i] = frameBytes[i] & 0xff;
        }
    }

    /** Both backgrounds start again from the current frame; all clocks and actor memory clear. */
    private void restart(double t) {
        staticInZone = false;
        System.arraycopy(cur, 0, bgLong, 0, cur.length);
        System.arraycopy(cur, 0, bgShort, 0, cur.length);
        Arrays.fill(staticSince, Float.NaN);
        Arrays.fill(quietSince, Float.NaN);
        Arrays.fill(verified, (byte) 0);
        Arrays.fill(abrupt, (byte) 0);
        Arrays.fill(changedSinceSeq, -1);
        Arrays.fill(actorSeconds, 0);
        Arrays.fill(lastMotionT, Float.NEGATIVE_INFINITY);
        actorSightings.clear();
        pending.clear();
        lastT = t;
        lastCameraCheckT = t;
        float[] luma = new float[w * h];
        for (int i = 0, k = 0; i < luma.length; i++, k += 3) {
            luma[i] = (cur[k] + cur[k + 1] + cur[k + 2]) * (1f / 3);
        }
        ((FloatBuffer) refLumaMat.createBuffer()).put(luma);
        refLumaT = t;
        initialized = true;
    }

    /**
     * Phase correlation of each tile of the frame against the same tile of a reference frame taken
     * when the models (re)started and renewed every few seconds while the camera holds still. When
     * most tiles are shifted the camera has moved; tiles rather than the whole frame so that walking
     * forward or zooming (an expansion with no net translation) is caught too. A fixed reference,
     * not the background, because the background follows a slow drift and would hide it.
     */
    private boolean cameraMoved() {
        ((FloatBuffer) curLumaMat.createBuffer()).put(lumaComp);
        int tw = w / GRID;
        int th = h / GRID;
        int moved = 0;
        for (int ty = 0; ty < GRID; ty++) {
            for (int tx = 0; tx < GRID; tx++) {
                try (Rect r = new Rect(tx * tw, ty * th, tw, th); Mat a = refLumaMat.apply(r);
                     Mat b = curLumaMat.apply(r); Point2d shift = phaseCorrelate(a, b, hann, (double[]) null)) {
                    if (shift.x() * shift.x() + shift.y() * shift.y() > MAX_SHIFT_PX * MAX_SHIFT_PX) {
                        moved++;
                    }
                }
            }
        }
        return moved >= MIN_MOVED_TILES;
    }

    /** Ratio of the background's median grey to the frame's: a global brightness change cancels out. */
    private double globalGain() {
        Arrays.fill(histCur, 0);
        Arrays.fill(histBg, 0);
        int n = w * h;
        // Every other pixel is plenty for a median and halves the cost.
        for (int i = 0, k = 0; i < n; i += 2, k += 6) {
            histCur[(int) ((cur[k] + cur[k + 1] + cur[k + 2]) * (1f / 3))]++;
            int b = (int) ((bgLong[k] + bgLong[k + 1] + bgLong[k + 2]) * (1f / 3));
            histBg[Math.min(255, Math.max(0, b))]++;
        }
        double mc = median(histCur);
        double mb = median(histBg);
        double g = (mb + 4) / (mc + 4);
        return Math.max(0.33, Math.min(3.0, g));
    }

    private static double median(int[] hist) {
        int total = 0;
        for (int v : hist) {
            total += v;
        }
        int half = total / 2;
        int acc = 0;
        for (int v = 0; v < hist.length; v++) {
            acc += hist[v];
            if (acc > half) {
                return v;
            }
        }
        return 255;
    }

    /**
     * Actor memory. Without an object detector: pixels inside large moving blobs (different from
     * the short-term background) accumulate seconds of presence that fade with the look-back time.
     * With one: it runs on frames with such blobs, at most every half second, and its person and
     * vehicle boxes are kept for the look-back time.
     */
    private void updateActors(Mat bgr, double t, long seq, double dt) {
        ((ByteBuffer) mask.createBuffer()).put(maskBytes);
        dilate(mask, maskWork, kernel3);
        int count = connectedComponentsWithStats(maskWork, labels, stats, centroids, 8, CV_32S);
        double minActorPx = config.minActorAreaFraction() * areaPx;
        boolean anyActorBlob = false;
        float decay = (float) Math.exp(-dt / Math.max(0.5, config.actorLookbackSeconds()));
        for (int i = 0; i < actorSeconds.length; i++) {
            actorSeconds[i] *= decay;
        }
        if (count > 1) {
            boolean[] big = new boolean[count];
            try (IntIndexer s = stats.createIndexer()) {
                for (int l = 1; l < count; l++) {
                    big[l] = s.get(l, 4) >= minActorPx;
                    // The network only matters for blobs that reach a zone (where a pile can count).
                    anyActorBlob |= big[l] && (actorDetector == null
                            || touchesZone(s.get(l, 0), s.get(l, 1), s.get(l, 2), s.get(l, 3)));
                }
            }
            if (anyActorBlob && actorDetector == null) {
                readLabels();
                float add = (float) dt;
                for (int i = 0; i < labelBuf.length; i++) {
                    if (big[labelBuf[i]]) {
                        actorSeconds[i] += add;
                    }
                }
            }
        }
        if (actorDetector != null) {
            double keep = config.actorLookbackSeconds() + config.minStaticSeconds() + 4 * config.shortTermSeconds();
            while (!actorSightings.isEmpty() && actorSightings.peekFirst().t() < t - keep) {
                actorSightings.removeFirst();
            }
            if (anyActorBlob && t - lastObjectRunT >= OBJECT_DETECTOR_INTERVAL_SECONDS) {
                runObjectDetector(bgr, t, seq);
            }
        }
    }

    /** True when the box's centre or one of its corners lies in a zone (working pixels). */
    private boolean touchesZone(int x, int y, int bw, int bh) {
        int x1 = Math.min(w - 1, x + bw - 1);
        int y1 = Math.min(h - 1, y + bh - 1);
        return zone[y * w + x] != 0 || zone[y * w + x1] != 0 || zone[y1 * w + x] != 0 || zone[y1 * w + x1] != 0
                || zone[((y + y1) / 2) * w + (x + x1) / 2] != 0;
    }

    private void runObjectDetector(Mat bgr, double t, long seq) {
        lastObjectRunT = t;
        lastObjectRunSeq = seq;
        List<DetectedObject> objects = actorDetector.detect(bgr);
        lastObjects = objects == null ? List.of() : objects;
        for (DetectedObject o : lastObjects) {
            if (ACTOR_CLASSES.contains(o.classId())) {
                actorSightings.addLast(new ActorSighting(t, toWork(o.box())));
            }
        }
    }

    private void readLabels() {
        new IntPointer(labels.data()).get(labelBuf);
    }

    private List<Detection> findPiles(Mat bgr, double t, long seq) {
        int n = w * h;
        double minStatic = config.minStaticSeconds();
        boolean any = false;
        boolean still = false;
        for (int i = 0; i < n; i++) {
            boolean inZone = zone[i] != 0 && !Float.isNaN(staticSince[i]);
            boolean on = inZone && t - staticSince[i] >= minStatic;
            maskBytes[i] = (byte) (on ? 255 : 0);
            any |= on;
            still |= inZone;
        }
        staticInZone = still;
        reported.removeIf(r -> t - r.lastSeenT() > config.quietSeconds());
        if (!any) {
            return List.of();
        }
        ((ByteBuffer) mask.createBuffer()).put(maskBytes);
        morphologyEx(mask, maskWork, MORPH_CLOSE, kernel3);
        int count = connectedComponentsWithStats(maskWork, labels, stats, centroids, 8, CV_32S);
        if (count <= 1) {
            return List.of();
        }
        readLabels();
        double minAreaPx = Math.max(6, config.minAreaFraction() * areaPx);
        List<Detection> out = new ArrayList<>();
        try (IntIndexer s = stats.createIndexer()) {
            for (int l = 1; l < count; l++) {
                int area = s.get(l, 4);
                if (area < minAreaPx) {
                    continue;
                }
                Box box = new Box(s.get(l, 0), s.get(l, 1), s.get(l, 2), s.get(l, 3));
                if (refreshReported(box, t)) {
                    continue;
                }
                Detection d = evaluate(l, box, area, bgr, t, seq);
                if (d != null && stablePass(box, t)) {
                    out.add(d);
                    reported.add(new Reported(box, t));
                }
            }
        }
        return out;
    }

    /**
     * True once a region overlapping {@code box} has passed every test on every evaluation for
     * {@link #STABLE_PASS_SECONDS}: measures that hover around a threshold (haze thinning, noise)
     * then do not fire on one lucky frame.
     */
    private boolean stablePass(Box box, double t) {
        pending.removeIf(p -> t - p.lastPassT() > PENDING_GAP_SECONDS);
        for (int i = 0; i < pending.size(); i++) {
            Pending p = pending.get(i);
            if (intersects(grow(p.workBox(), 2), box)) {
                pending.set(i, new Pending(box, p.firstPassT(), t));
                if (t - p.firstPassT() >= STABLE_PASS_SECONDS) {
                    pending.remove(i);
                    return true;
                }
                return false;
            }
        }
        pending.add(new Pending(box, t, t));
        return STABLE_PASS_SECONDS <= 0;
    }

    private boolean refreshReported(Box box, double t) {
        for (int i = 0; i < reported.size(); i++) {
            Reported r = reported.get(i);
            if (intersects(grow(r.workBox(), 2), box)) {
                reported.set(i, new Reported(r.workBox(), t));
                return true;
            }
        }
        return false;
    }

    /** Checks one confirmed static region; returns a detection or null. */
    private Detection evaluate(int label, Box box, int area, Mat bgr, double t, long seq) {
        double texture = interiorTextureChange(label, box);
        double edgeRatio = outlineEdgeRatio(label, box);
        double ringChanged = ringChangedFraction(label, box);
        float staticStart = Float.POSITIVE_INFINITY;
        long changedSince = Long.MAX_VALUE;
        for (int y = box.y(); y < box.y() + box.h(); y++) {
            for (int x = box.x(); x < box.x() + box.w(); x++) {
                int i = y * w + x;
                if (labelBuf[i] == label) {
                    if (!Float.isNaN(staticSince[i])) {
                        staticStart = Math.min(staticStart, staticSince[i]);
                    }
                    if (changedSinceSeq[i] >= 0) {
                        changedSince = Math.min(changedSince, changedSinceSeq[i]);
                    }
                }
            }
        }
        if (changedSince == Long.MAX_VALUE) {
            changedSince = seq;
        }
        double departed = departedFraction(label, box, staticStart);
        boolean looksLikePile = texture >= config.minTextureChange() && edgeRatio >= MIN_EDGE_RATIO
                && ringChanged <= MAX_RING_CHANGED_FRACTION && departed >= MIN_DEPARTED_FRACTION;
        String actor = !looksLikePile ? null
                : config.requireActor() ? actorEvidence(box, staticStart, bgr, t, seq) : "not required";
        if (trace != null) {
            trace.accept(String.format(Locale.ROOT,
                    "seq=%d box=%s area=%.2f%% texture=%.2f edgeRatio=%.2f ring=%.2f departed=%.2f actor=%s changedSince=%d",
                    seq, box, 100.0 * area / areaPx, texture, edgeRatio, ringChanged, departed, actor, changedSince));
        }
        if (actor == null) {
            return null;
        }
        double areaPct = 100.0 * area / areaPx;
        double staticFor = t - staticStart;
        long firstFrame = Math.max(0, changedSince - 1);
        double score = Math.min(1.0, 0.5 + 0.3 * texture
                + 0.2 * Math.min(1.0, area / (4 * config.minAreaFraction() * areaPx)));
        Box frameBox = toFrame(box);
        String reason = String.format(Locale.ROOT,
                "new static region %.2f%% of frame (%d x %d px), static %.1f s, texture change %.2f, "
                        + "outline edge ratio %.2f, actor: %s; before: frame %d, pile confirmed: frame %d",
                areaPct, frameBox.w(), frameBox.h(), staticFor, texture, edgeRatio, actor, firstFrame, seq);
        return new Detection(EventType.MUCK_DUMPING, score, List.of(frameBox), firstFrame, seq, reason);
    }

    /**
     * 1 - normalized cross-correlation of brightness between the compensated frame and the
     * long-term background over the region's own pixels. A shadow, a light patch or any brightness
     * and contrast change keeps the texture underneath (near 0); a new object brings its own (up to
     * 1). Flat in both images: no texture to compare, 0. Flat in one only: 1.
     */
    private double interiorTextureChange(int label, Box box) {
        double sa = 0;
        double sb = 0;
        double saa = 0;
        double sbb = 0;
        double sab = 0;
        int cnt = 0;
        for (int y = box.y(); y < box.y() + box.h(); y++) {
            for (int x = box.x(); x < box.x() + box.w(); x++) {
                int i = y * w + x;
                if (labelBuf[i] != label) {
                    continue;
                }
                double a = lumaComp[i];
                double b = lumaBg[i];
                sa += a;
                sb += b;
                saa += a * a;
                sbb += b * b;
                sab += a * b;
                cnt++;
            }
        }
        if (cnt < 4) {
            return 0;
        }
        double ma = sa / cnt;
        double mb = sb / cnt;
        double va = Math.max(0, saa / cnt - ma * ma);
        double vb = Math.max(0, sbb / cnt - mb * mb);
        double flat = 4; // std below 2 grey levels: sensor noise only
        if (va < flat && vb < flat) {
            return 0;
        }
        if (va < flat || vb < flat) {
            return 1;
        }
        double ncc = (sab / cnt - ma * mb) / Math.sqrt(va * vb);
        return Math.max(0, Math.min(1, 1 - ncc));
    }

    /**
     * Mean gradient magnitude along the region's outline in the current frame divided by the same in
     * the long-term background. A placed object brings its outline with it (ratio above 1); a ghost
     * left where an early object moved away has its outline in the background (ratio below 1).
     */
    private double outlineEdgeRatio(int label, Box box) {
        double eCur = 0;
        double eBg = 0;
        int cnt = 0;
        for (int y = Math.max(1, box.y()); y < Math.min(h - 1, box.y() + box.h()); y++) {
            for (int x = Math.max(1, box.x()); x < Math.min(w - 1, box.x() + box.w()); x++) {
                int i = y * w + x;
                if (labelBuf[i] != label) {
                    continue;
                }
                if (labelBuf[i - 1] == label && labelBuf[i + 1] == label && labelBuf[i - w] == label
                        && labelBuf[i + w] == label) {
                    continue;
                }
                eCur += Math.abs(lumaComp[i + 1] - lumaComp[i - 1]) + Math.abs(lumaComp[i + w] - lumaComp[i - w]);
                eBg += Math.abs(lumaBg[i + 1] - lumaBg[i - 1]) + Math.abs(lumaBg[i + w] - lumaBg[i - w]);
                cnt++;
            }
        }
        if (cnt == 0) {
            return 0;
        }
        return (eCur + cnt) / (eBg + cnt);
    }

    /**
     * Fraction of the pixels around the region (a band as wide as half its size) that still differ
     * from the long-term background. A pile left behind sits on old background; a person standing
     * by it, a queue of cars or a larger changed area around it is not a finished drop (yet).
     */
    private double ringChangedFraction(int label, Box box) {
        int margin = Math.max(2, Math.max(box.w(), box.h()) / 2);
        Box near = clip(grow(box, margin));
        int ring = 0;
        int changed = 0;
        for (int y = near.y(); y < near.y() + near.h(); y++) {
            for (int x = near.x(); x < near.x() + near.w(); x++) {
                int i = y * w + x;
                if (labelBuf[i] == label) {
                    continue;
                }
                ring++;
                if (differsFromLongTerm(i)) {
                    changed++;
                }
            }
        }
        return ring == 0 ? 1 : (double) changed / ring;
    }

    /**
     * Something moved by the region after it became static and has gone again: the fraction, of the
     * region's area, of surrounding pixels that moved after the region's static onset and are
     * background now. A drop ends with the actor leaving; a vehicle or person that merely stopped
     * has nothing leave from beside it.
     */
    private double departedFraction(int label, Box box, float staticStart) {
        int margin = Math.max(2, Math.max(box.w(), box.h()) / 2);
        Box near = clip(grow(box, margin));
        int departed = 0;
        int area = 0;
        for (int y = near.y(); y < near.y() + near.h(); y++) {
            for (int x = near.x(); x < near.x() + near.w(); x++) {
                int i = y * w + x;
                if (labelBuf[i] == label) {
                    area++;
                } else if (lastMotionT[i] > staticStart && !differsFromLongTerm(i)) {
                    departed++;
                }
            }
        }
        return area == 0 ? 0 : (double) departed / area;
    }

    /** The same test as the per-pixel step's long-term foreground, for the frame's gain. */
    private boolean differsFromLongTerm(int i) {
        int k = 3 * i;
        float g = (float) frameGain;
        float dl = Math.max(Math.abs(cur[k] * g - bgLong[k]),
                Math.max(Math.abs(cur[k + 1] * g - bgLong[k + 1]), Math.abs(cur[k + 2] * g - bgLong[k + 2])));
        return dl > config.diffThreshold() + RELATIVE_THRESHOLD * lumaBg[i];
    }

    /** A human-readable description of the actor evidence, or null when there is none. */
    private String actorEvidence(Box box, float staticStart, Mat bgr, double t, long seq) {
        int margin = Math.max(2, Math.max(box.w(), box.h()) / 2);
        Box near = clip(grow(box, margin));
        if (actorDetector != null) {
            // Fresh boxes for the "is it a parked vehicle / standing person" veto; a candidate is
            // evaluated on every frame of its stable pass, so at most one run per interval.
            if (t - lastObjectRunT >= OBJECT_DETECTOR_INTERVAL_SECONDS) {
                runObjectDetector(bgr, t, seq);
            }
            for (DetectedObject o : lastObjects) {
                if (ACTOR_CLASSES.contains(o.classId()) && coverage(toWork(o.box()), box) > 0.5) {
                    return null; // the "pile" is a parked vehicle or a person standing still
                }
            }
            double from = staticStart - config.actorLookbackSeconds();
            for (ActorSighting a : actorSightings) {
                // Seen before the region went static (the drop came first), and within reach: a
                // person drops or throws, a truck tips, within about its own height of its box.
                if (a.t() >= from && a.t() <= staticStart && withinReach(a.workBox(), box)) {
                    return String.format(Locale.ROOT, "object detector saw a person/vehicle by it %.1f s earlier",
                            t - a.t());
                }
            }
            return null;
        }
        int visited = 0;
        for (int y = near.y(); y < near.y() + near.h(); y++) {
            for (int x = near.x(); x < near.x() + near.w(); x++) {
                if (actorSeconds[y * w + x] >= MIN_ACTOR_SECONDS) {
                    visited++;
                }
            }
        }
        if (visited < config.minActorAreaFraction() * areaPx) {
            return null;
        }
        return String.format(Locale.ROOT, "moving blob over %.1f%% of frame by it", 100.0 * visited / areaPx);
    }

    /**
     * True when the region lies within one actor-box height of the actor's box: the reach of a
     * person setting something down or throwing it, of a truck tipping its load behind it. Scaled by
     * the actor rather than the region, because it is the actor that places the object.
     */
    private static boolean withinReach(Box actor, Box region) {
        int reach = Math.max(2, actor.h());
        int gapX = Math.max(0, Math.max(actor.x() - (region.x() + region.w()), region.x() - (actor.x() + actor.w())));
        int gapY = Math.max(0, Math.max(actor.y() - (region.y() + region.h()), region.y() - (actor.y() + actor.h())));
        return gapX <= reach && gapY <= reach;
    }

    /** Fraction of {@code inner}'s area covered by {@code outer}. */
    private static double coverage(Box outer, Box inner) {
        int ix = Math.max(0, Math.min(outer.x() + outer.w(), inner.x() + inner.w()) - Math.max(outer.x(), inner.x()));
        int iy = Math.max(0, Math.min(outer.y() + outer.h(), inner.y() + inner.h()) - Math.max(outer.y(), inner.y()));
        return inner.area() == 0 ? 0 : (double) ix * iy / inner.area();
    }

    private static boolean intersects(Box a, Box b) {
        return a.x() < b.x() + b.w() && b.x() < a.x() + a.w() && a.y() < b.y() + b.h() && b.y() < a.y() + a.h();
    }

    private static Box grow(Box b, int m) {
        return new Box(b.x() - m, b.y() - m, b.w() + 2 * m, b.h() + 2 * m);
    }

    private Box clip(Box b) {
        int x0 = Math.max(0, b.x());
        int y0 = Math.max(0, b.y());
        int x1 = Math.min(w, b.x() + b.w());
        int y1 = Math.min(h, b.y() + b.h());
        return new Box(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
    }

    private Box toWork(Box f) {
        int x0 = (int) Math.floor(f.x() / scaleX);
        int y0 = (int) Math.floor(f.y() / scaleY);
        int x1 = (int) Math.ceil((f.x() + f.w()) / scaleX);
        int y1 = (int) Math.ceil((f.y() + f.h()) / scaleY);
        return new Box(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
    }

    private Box toFrame(Box b) {
        int x0 = (int) Math.round(b.x() * scaleX);
        int y0 = (int) Math.round(b.y() * scaleY);
        int x1 = Math.min(srcW, (int) Math.round((b.x() + b.w()) * scaleX));
        int y1 = Math.min(srcH, (int) Math.round((b.y() + b.h()) * scaleY));
        return new Box(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
    }

    @Override
    public boolean busy() {
        return staticInZone || !pending.isEmpty();
    }

    @Override
    public long stateBytes() {
        // The network is counted when this detector owns it (the create() path); a shared one is not ours.
        long net = ownsActorDetector && actorDetector instanceof YoloObjectDetector yolo ? yolo.stateBytes() : 0;
        if (bgLong == null) {
            return net;
        }
        long n = (long) w * h;
        // Java arrays: 3 colour float arrays (bgLong, bgShort, cur) and the frame bytes; per pixel:
        // lumaComp, lumaBg, staticSince, quietSince, actorSeconds, lastMotionT (float), changedSince (long),
        // labels (int), zone, mask, verified, abrupt (byte).
        long java = n * (3 * 3 * 4 + 3) + n * (6 * 4 + 8 + 4 + 4);
        // Native: small (3 bytes), mask and maskWork (1 each), labels (4), two luma Mats (4 each).
        long nativeBytes = n * (3 + 1 + 1 + 4 + 4 + 4) + (n / (GRID * GRID)) * 4;
        long lists = 64L * (reported.size() + pending.size() + actorSightings.size() + lastObjects.size());
        return java + nativeBytes + lists + 2 * 256 * 4 + net;
    }

    @Override
    public void close() {
        if (ownsActorDetector && !closed) {
            actorDetector.close();
        }
        closed = true;
        small.close();
        closeMat(mask);
        maskWork.close();
        labels.close();
        stats.close();
        centroids.close();
        closeMat(refLumaMat);
        closeMat(curLumaMat);
        hann.close();
        kernel3.close();
        mask = null;
        refLumaMat = null;
        curLumaMat = null;
    }

    private static void closeMat(Mat m) {
        if (m != null) {
            m.close();
        }
    }
}
