package org.nce.detectors.fire;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2YCrCb;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nce.detectors.ActiveHours;
import org.nce.detectors.Detector;
import org.nce.detectors.FrameMeta;
import org.nce.model.Box;
import org.nce.model.Detection;
import org.nce.model.EventType;

/**
 * Open burning (露天焚烧): flame or smoke that persists at one place.
 *
 * <p>Everything runs on a copy downscaled to {@link FireConfig#processingWidth()} pixels wide, so
 * the cost per frame is nearly independent of the camera resolution. Per frame:
 * <ol>
 *   <li><b>Camera motion.</b> The global shift to the previous frame is estimated from the row and
 *   column brightness profiles (a shift with a parabola fit; zero shift is kept when it explains
 *   the frame better, so a passing bus does not drag a still camera). A camera that pans faster
 *   than {@code max_camera_shift_per_second}, or a frame where most pixels change (a cut, a
 *   walking or driving camera), collects no evidence and wipes what was collected: per-pixel
 *   histories mean nothing while the view moves. Slow drift is compensated by comparing each pixel
 *   with the shifted previous frame.</li>
 *   <li><b>Flame.</b> A pixel is fire-coloured by the YCrCb rules of Celik &amp; Demirel (2009):
 *   Y &gt; Cb, Cr &gt; Cb, Y and Cr above and Cb below the frame means, Cr - Cb &gt;= 40, plus a
 *   minimum brightness. Colour alone fires on sunsets, tail lights and red buses, so a pixel is a
 *   flame candidate only when, averaged over half a second, it is fire-coloured often <em>and</em>
 *   its brightness jumps often (changes per second), where a jump must be larger than what a
 *   sub-pixel shift of the local texture explains (normal-flow test). A sunset, a street light or a
 *   lit sign barely changes; a textured object under camera shake fails the normal-flow test; a
 *   passing red car flickers at one place only briefly, and the flame run is anchored where it
 *   started, so a candidate that wanders off starts a new run. A pattern that keeps returning to
 *   the same state (an animated neon sign, a blinking beacon) is rejected by a repetition check on
 *   the candidates' brightness over the last 2.5 s.</li>
 *   <li><b>Smoke.</b> On a grid of 8x8-pixel cells: grey (low chroma), not dark, changing slowly
 *   (brightness changes per second between a static background and a moving solid object), and
 *   blurring: its edge energy has dropped below 70% of the cell's long-term background (learned
 *   only while the cell is smoke-free). A cell never seen clear (a plume already there when the
 *   camera started) has no such background; for it, its own soft texture rising steadily (a 2-D
 *   Lucas-Kanade flow per cell, camera drift removed) stands in. A cell must keep this up for
 *   about two seconds, the cells must form one connected plume of at least {@code smoke_min_area_fraction}, and the plume must
 *   drift upwards (one-dimensional Lucas-Kanade over its cells).</li>
 *   <li><b>Persistence.</b> Flame or smoke time accumulates in stream time (timestamps, not frame
 *   counts, so any fps decides alike), leaks away at half speed while absent, and an alarm is
 *   raised once it reaches the configured confirm time. One alarm per episode; the detector
 *   re-arms after {@code quiet_seconds} with neither.</li>
 * </ol>
 * Not thread-safe; one instance per camera.
 */
public final class OpenBurningDetector implements Detector {

    /** Brightness step (0..255) that counts as a flicker change; above JPEG/H.264 noise. */
    static final int FLICKER_DY = 18;
    /** Time constant of the per-pixel flicker and colour-persistence averages. */
    static final double PIXEL_TAU_S = 0.5;
    /** A flame candidate must be fire-coloured at least this share of the time. */
    static final double FIRE_COLOUR_PERSISTENCE = 0.2;
    /** Celik &amp; Demirel's Cr - Cb threshold (their tau = 40). */
    static final int CR_MINUS_CB = 40;
    /** Flames are bright; dark red (brick, brake lights far away at night) is not. */
    static final int FLAME_MIN_Y = 90;
    /** Share of pixels that change by more than {@link #FLICKER_DY}; above it the scene itself moved. */
    static final double SCENE_CHANGE_FRACTION = 0.35;

    /**
     * Pixels this close to the frame edge are not flame candidates: content entering the view and
     * codec edge artefacts change there all the time.
     */
    static final int BORDER = 2;
    /** Apparent motion (processing pixels per frame) a flicker change must exceed. */
    static final double NORMAL_FLOW_PX = 1.0;

    /** Time constant of the repetition average. */
    static final double PERIODIC_TAU_S = 2.0;
    static final double PERIOD_WINDOW_S = 2.5;
    /**
     * Below this (time-averaged) the flickering area keeps returning to an earlier brightness
     * pattern: its closest earlier state (at least {@link #PERIOD_MIN_LAG_S} back) differs by less
     * than this share of a typical earlier state. Animated neon and beacons switch between a few
     * states; a flame never comes back to one. Over the visible set, fires average 0.57 or more and
     * the neon sign 0.21-0.28; 0.4 is about their geometric middle.
     */
    static final double PERIODIC_MAX = 0.25;
    static final double PERIOD_MIN_LAG_S = 0.1;
    static final int RING_CAPACITY = 80;

    static final int CELL = 8;
    /** Smoke brightness band: darker is shadow/night, whiter is sky glare or clipping. */
    static final int SMOKE_MIN_Y = 60;
    static final int SMOKE_MAX_Y = 250;
    /** Smoke activity band in grey levels per second of the mean absolute change in a cell. */
    static final double SMOKE_ACT_LO = 3.0;
    static final double SMOKE_ACT_HI = 60.0;
    /** Smoke cells hide background detail: edge energy below this share of the learned background. */
    static final double SMOKE_EDGE_LOSS = 0.7;
    /** Hot smoke rises: the smoke region must drift up by at least this share of the frame height per second. */
    static final double SMOKE_MIN_RISE = 0.005;
    static final double CELL_TAU_S = 1.0;
    /**
     * Smallest eigenvalue of a cell's structure tensor (mean squared central-difference gradient,
     * grey levels per processing pixel) for its flow to count: twice what 8-bit sensor noise of about
     * 2 grey levels gives on its own (variance of a central difference, 2^2 / 2 = 2).
     */
    static final double RISE_MIN_TEXTURE = 4.0;

    // Per-cell sums in cellSum, SUMS per cell.
    private static final int S_Y = 0;
    private static final int S_CHROMA = 1;
    private static final int S_EDGE = 2;
    private static final int S_ABS_IT = 3;
    private static final int S_IT_IY = 4;
    private static final int S_IY_IY = 5;
    private static final int S_COUNT = 6;
    private static final int S_IX_IX = 7;
    private static final int S_IX_IY = 8;
    private static final int S_IT_IX = 9;
    private static final int SUMS = 10;
    /** Per-cell 1 s averages of Ix^2, IxIy, Iy^2, It*Ix, It*Iy in cellFlow. */
    private static final int FLOW = 5;
    static final double SMOKE_PERSIST_TAU_S = 2.0;
    static final double EDGE_BG_TAU_S = 30.0;
    /** Averaging time of the flame area for the growth measure: smooths the flicker (2-6 events/s). */
    static final double GROWTH_TAU_S = 1.0;
    /** Two per-pixel time constants: the averages are within 14 % of their level. */
    static final double GROWTH_SETTLE_S = 2 * PIXEL_TAU_S;

    private final FireConfig cfg;
    private final ActiveHours activeHours;

    // Working geometry, fixed by the first frame (re-initialised if the camera resolution changes).
    private int srcW = -1;
    private int srcH = -1;
    private int w;
    private int h;
    private int gw;
    private int gh;

    private Mat quarter;
    private Mat half;
    private Mat small;
    private Mat ycc;
    private byte[] yccBuf;
    private float[] rowProfile;
    private float[] colProfile;
    private float[] prevRowProfile;
    private float[] prevColProfile;

    private byte[] prevY;
    private boolean[] prevColour;
    private boolean[] zoneMask;
    private float[] flickerHz;
    private float[] fireShare;
    private boolean[] flameCand;

    private float[] cellAct;
    private float[] cellEdge;
    private float[] cellEdgeBg;
    private float[] cellSmoke;
    private double[] cellSum;
    private boolean[] smokeCand;
    /** Per cell, {@link #FLOW} averages for a 2-D Lucas-Kanade flow of the cell's texture. */
    private float[] cellFlow;
    private float[] cellVx;
    private float[] cellVy;
    private boolean[] cellTextured;
    /** Share of time (2 s average) a never-clear cell has not looked like rising soft smoke. */
    private float[] cellClear;
    /**
     * Cells seen without smoke since the maps were last reset: their edge background is a
     * reference, and the edge-loss test decides. The others use the rising-texture test.
     */
    private boolean[] cellSeenClear;
    private float[] medianX;
    private float[] medianY;
    private float[] medianEdge;

    private long lastTs = Long.MIN_VALUE;
    private boolean hasPrev;
    /** Outside the active hours since the last frame. */
    private boolean asleep;
    /** Stream time the per-cell maps have been learning since they were last reset. */
    private double mapsAgeSec;

    private double flameSec;
    private double smokeSec;
    private long flameFirstSeq = -1;
    private long smokeFirstSeq = -1;
    private int flameFrames;
    private int smokeFrames;
    /** Flame area (fraction of the frame) summed over the run's base second, and that second's length. */
    private double flameStartArea;
    private double flameStartSec;
    /** Stream time the current flame run has had flame. */
    private double flameRunSec;
    /** Flame area averaged over about the last second ({@link #GROWTH_TAU_S}). */
    private double flameRecentArea;
    private boolean episodeActive;
    private long lastPresentMs;
    private double riseEma;
    private Box flameAnchor;
    /** Brightness of the last {@link #RING_CAPACITY} processed frames, for the repetition check. */
    private byte[][] yRing;
    private int[] regionIdx;
    private long[] ringTs;
    private int ringHead;
    private int ringSize;
    /** Time-averaged repetition ratio; NaN until it has been measured once. */
    private double periodicEma = Double.NaN;
    private int periodicCount;

    private Diagnostics last = Diagnostics.EMPTY;

    /** What the last frame measured; for tests, tuning tools and the doc, not for decisions. */
    public record Diagnostics(boolean stable, double shiftPerSecond, double sceneChange, double flameFraction,
                              double flameHz, double flamePeriodicity, double smokeFraction, double smokeRise,
                              double flameSeconds, double smokeSeconds) {
        static final Diagnostics EMPTY = new Diagnostics(false, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    public OpenBurningDetector(FireConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config is required");
        }
        this.cfg = config;
        this.activeHours = config.schedule();
    }

    @Override
    public EventType type() {
        return EventType.OPEN_BURNING;
    }

    public Diagnostics diagnostics() {
        return last;
    }

    @Override
    public List<Detection> detect(Mat bgrFrame, FrameMeta meta) {
        if (bgrFrame == null || bgrFrame.empty() || bgrFrame.channels() != 3) {
            throw new IllegalArgumentException("expected a non-empty BGR CV_8UC3 frame");
        }
        long ts = meta.timestampMs();
        if (!activeHours.includes(ts)) {
            if (!asleep) {
                // The window closed: every per-pixel and per-cell history is stale by the time it
                // opens again (dusk compared with dawn), so start afresh then, as after a camera move.
                resetEvidence();
                if (flickerHz != null) {
                    resetMaps();
                }
                episodeActive = false;
                asleep = true;
            }
            hasPrev = false;
            return List.of();
        }
        asleep = false;
        if (bgrFrame.cols() != srcW || bgrFrame.rows() != srcH) {
            init(bgrFrame.cols(), bgrFrame.rows());
        }
        double dt = lastTs == Long.MIN_VALUE ? 1.0 / meta.fps() : (ts - lastTs) / 1000.0;
        lastTs = ts;
        if (dt <= 0) {
            // Duplicate or out-of-order timestamp: nothing new to learn from.
            return List.of();
        }
        dt = Math.min(dt, 1.0);

        if (bgrFrame.cols() >= 4 * w) {
            // Bilinear at (about) half size is a 2x2 box average; halving down to twice the target
            // and finishing with INTER_AREA gives nearly the box filter INTER_AREA would, several
            // times faster on large frames.
            Mat src = bgrFrame;
            if (bgrFrame.cols() >= 8 * w) {
                resize(bgrFrame, quarter, quarter.size(), 0, 0, INTER_LINEAR);
                src = quarter;
            }
            resize(src, half, half.size(), 0, 0, INTER_LINEAR);
            resize(half, small, small.size(), 0, 0, INTER_AREA);
        } else {
            resize(bgrFrame, small, small.size(), 0, 0, INTER_AREA);
        }
        cvtColor(small, ycc, COLOR_BGR2YCrCb);
        ycc.data().get(yccBuf);
        for (int y = 0; y < h; y++) {
            int sum = 0;
            for (int x = 0; x < w; x++) {
                sum += yccBuf[3 * (y * w + x)] & 0xff;
            }
            rowProfile[y] = (float) sum / w;
        }
        for (int x = 0; x < w; x++) {
            int sum = 0;
            for (int y = 0; y < h; y++) {
                sum += yccBuf[3 * (y * w + x)] & 0xff;
            }
            colProfile[x] = (float) sum / h;
        }

        if (!hasPrev) {
            remember();
            return List.of();
        }

        // Global motion from the brightness profiles of rows and columns: cheap and, for the
        // small shifts of a drifting or shaking camera, as good as phase correlation.
        double shiftX = profileShift(prevColProfile, colProfile, w / 6);
        double shiftY = profileShift(prevRowProfile, rowProfile, h / 6);
        int sx = (int) Math.round(shiftX);
        int sy = (int) Math.round(shiftY);
        double shiftPerSecond = Math.hypot(shiftX, shiftY) / w / dt;

        double sceneChange = sceneChange(sx, sy);
        if (sx != 0 || sy != 0) {
            // A moving object can pull the phase-correlation peak off zero on a still camera; keep
            // the alignment that explains the frame better, or static edges would all "flicker".
            double still = sceneChange(0, 0);
            if (still <= sceneChange) {
                sx = 0;
                sy = 0;
                sceneChange = still;
            }
        }
        boolean stable = shiftPerSecond <= cfg.maxCameraShiftPerSecond() && sceneChange <= SCENE_CHANGE_FRACTION;
        if (!stable) {
            // The view moved: per-pixel histories no longer describe the same places.
            resetEvidence();
            resetMaps();
            remember();
            last = new Diagnostics(false, shiftPerSecond, sceneChange, 0, 0, 0, 0, 0, 0, 0);
            return List.of();
        }

        FlameMeasure flame = measureFlame(sx, sy, dt);
        SmokeMeasure smoke = measureSmoke(sx, sy, dt);
        remember();

        if (flame != null && flameAnchor != null && !near(flameAnchor, flame.box)) {
            // A fire stays where it started; a candidate elsewhere (a red car that drove on) starts
            // a new run instead of adding to the old one.
            flameSec = 0;
            flameFirstSeq = -1;
        }
        boolean flamePresent = flame != null;
        boolean smokePresent = smoke != null;
        if (flamePresent) {
            if (flameFirstSeq < 0) {
                flameFirstSeq = meta.seq();
                flameFrames = 0;
                flameAnchor = flame.box;
                flameStartArea = 0;
                flameStartSec = 0;
                flameRunSec = 0;
                flameRecentArea = flame.fraction;
            }
            flameSec += dt;
            flameFrames++;
            measureGrowth(flame.fraction, dt);
        } else {
            flameSec = Math.max(0, flameSec - dt / 2);
            if (flameSec == 0) {
                flameFirstSeq = -1;
                flameAnchor = null;
            }
        }
        if (smokePresent) {
            if (smokeFirstSeq < 0) {
                smokeFirstSeq = meta.seq();
                smokeFrames = 0;
            }
            smokeSec += dt;
            smokeFrames++;
        } else {
            smokeSec = Math.max(0, smokeSec - dt / 2);
            if (smokeSec == 0) {
                smokeFirstSeq = -1;
            }
        }
        if (flamePresent || smokePresent) {
            lastPresentMs = ts;
        }
        last = new Diagnostics(true, shiftPerSecond, sceneChange,
                flamePresent ? flame.fraction : 0, flamePresent ? flame.hz : 0, periodicEma,
                smokePresent ? smoke.fraction : 0, smokePresent ? smoke.rise : 0, flameSec, smokeSec);

        if (episodeActive) {
            if (ts - lastPresentMs >= cfg.quietSeconds() * 1000) {
                episodeActive = false;
                resetEvidence();
            }
            return List.of();
        }
        boolean flameConfirmed = flamePresent && flameSec >= cfg.flameConfirmSeconds();
        boolean smokeConfirmed = smokePresent && smokeSec >= cfg.smokeConfirmSeconds();
        if (!flameConfirmed && !smokeConfirmed) {
            return List.of();
        }
        episodeActive = true;
        return List.of(toDetection(flameConfirmed ? flame : null, smokeConfirmed || smokePresent ? smoke : null,
                meta.seq()));
    }

    private Detection toDetection(FlameMeasure flame, SmokeMeasure smoke, long seq) {
        List<Box> boxes = new ArrayList<>();
        StringBuilder reason = new StringBuilder();
        double score = 0;
        long first = seq;
        if (flame != null) {
            boxes.add(flame.box);
            first = Math.min(first, flameFirstSeq);
            String growth = growthText();
            reason.append(String.format(Locale.ROOT, "flame region %.1f%% of frame, flicker %.0f Hz, %s%d frames",
                    100 * flame.fraction, flame.hz, growth == null ? "" : growth + ", ", flameFrames));
            score = Math.max(score, 0.6 + 0.2 * Math.min(1, flame.fraction / 0.01)
                    + 0.2 * Math.min(1, flameSec / (2 * cfg.flameConfirmSeconds())));
        }
        if (smoke != null) {
            boxes.add(smoke.box);
            if (smokeFirstSeq >= 0) {
                first = Math.min(first, smokeFirstSeq);
            }
            if (reason.length() > 0) {
                reason.append("; ");
            }
            reason.append(String.format(Locale.ROOT,
                    "smoke region %.1f%% of frame, grey, %s %.1f%% of height/s, edge loss %.0f%%, %d frames",
                    100 * smoke.fraction, smoke.rise >= 0 ? "rising" : "sinking", 100 * Math.abs(smoke.rise),
                    100 * smoke.edgeLoss, smokeFrames));
            score = Math.max(score, 0.5 + 0.2 * Math.min(1, smoke.fraction / 0.05)
                    + 0.2 * Math.min(1, smokeSec / (2 * cfg.smokeConfirmSeconds())) + (smoke.rise > 0 ? 0.1 : 0));
        }
        return new Detection(EventType.OPEN_BURNING, Math.min(1.0, score), boxes, first, seq, reason.toString());
    }

    // ---------------------------------------------------------------------------------------
    // Flame

    private record FlameMeasure(double fraction, double hz, Box box) {
    }

    private FlameMeasure measureFlame(int sx, int sy, double dt) {
        int n = w * h;
        long ySum = 0;
        long crSum = 0;
        long cbSum = 0;
        for (int i = 0; i < n; i++) {
            ySum += yccBuf[3 * i] & 0xff;
            crSum += yccBuf[3 * i + 1] & 0xff;
            cbSum += yccBuf[3 * i + 2] & 0xff;
        }
        double yMean = (double) ySum / n;
        double crMean = (double) crSum / n;
        double cbMean = (double) cbSum / n;
        float a = (float) (1 - Math.exp(-dt / PIXEL_TAU_S));
        float flickerUnit = (float) (1 / dt);
        int regionCount = 0;
        int candidates = 0;
        double hzSum = 0;
        for (int y = 0; y < h; y++) {
            int py = y - sy;
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int yy = yccBuf[3 * i] & 0xff;
                int cr = yccBuf[3 * i + 1] & 0xff;
                int cb = yccBuf[3 * i + 2] & 0xff;
                boolean inside = x >= BORDER && y >= BORDER && x < w - BORDER && y < h - BORDER;
                boolean colour = inside && zoneMask[i] && yy >= FLAME_MIN_Y && yy > cb && cr > cb && yy > yMean
                        && cr > crMean && cb < cbMean && cr - cb >= CR_MINUS_CB;
                int px = x - sx;
                boolean changed = false;
                if (px >= 0 && px < w && py >= 0 && py < h) {
                    int j = py * w + px;
                    int it = Math.abs(yy - (prevY[j] & 0xff));
                    if ((colour || prevColour[j]) && it >= FLICKER_DY) {
                        // Normal-flow test: a texture that merely shifted by under a pixel changes by
                        // less than its spatial gradient; flames pop in and out of smooth areas.
                        int gx = x + 1 < w ? Math.abs((yccBuf[3 * (i + 1)] & 0xff) - yy) : 0;
                        int gy = y + 1 < h ? Math.abs((yccBuf[3 * (i + w)] & 0xff) - yy) : 0;
                        changed = it > NORMAL_FLOW_PX * (gx + gy);
                    }
                }
                flickerHz[i] += a * ((changed ? flickerUnit : 0f) - flickerHz[i]);
                fireShare[i] += a * ((colour ? 1f : 0f) - fireShare[i]);
                boolean cand = fireShare[i] >= FIRE_COLOUR_PERSISTENCE && flickerHz[i] >= cfg.flameMinFlickerHz();
                flameCand[i] = cand;
                prevColour[i] = colour;
                if (cand) {
                    candidates++;
                    hzSum += flickerHz[i];
                }
                if (cand) {
                    regionIdx[regionCount++] = i;
                }
            }
        }
        ringTs[ringHead] = lastTs;
        byte[] yNow = yRing[ringHead];
        for (int i = 0; i < n; i++) {
            yNow[i] = yccBuf[3 * i];
        }
        double fraction = (double) candidates / n;
        // Only judged while there is something flame-like: before that, the toggling pixels are
        // colour-threshold noise that says nothing about the candidate.
        double periodic = fraction >= cfg.flameMinAreaFraction() ? repetition(regionCount) : Double.NaN;
        ringHead = (ringHead + 1) % yRing.length;
        ringSize = Math.min(ringSize + 1, yRing.length);
        if (!Double.isNaN(periodic)) {
            // Start as a plain mean of the measurements so far, not from "no repetition" (a sign
            // would get a head start of several seconds) nor from the first, noisy, measurement.
            periodicCount++;
            double weight = Math.max(1.0 / periodicCount, 1 - Math.exp(-dt / PERIODIC_TAU_S));
            periodicEma = Double.isNaN(periodicEma) ? periodic : periodicEma + weight * (periodic - periodicEma);
        }
        // Until the repetition check has seen the flickering area, a flame is not accepted.
        if (fraction < cfg.flameMinAreaFraction() || Double.isNaN(periodicEma) || periodicEma < PERIODIC_MAX) {
            return null;
        }
        Component blob = largestComponent(flameCand, w, h, 1);
        if (blob == null) {
            return null;
        }
        Box box = blob.box();
        return new FlameMeasure(fraction, hzSum / candidates, toSource(box, 1));
    }

    /**
     * How far the flickering area is from repeating itself: over the pixels that toggle between
     * fire-coloured and not, the smallest mean absolute brightness difference between this frame and
     * one at least {@link #PERIOD_MIN_LAG_S} old, relative to the median difference over the last
     * {@link #PERIOD_WINDOW_S}. Brightness, unlike a binary colour mask, keeps the detail that tells
     * a sign's repeated state (same values again, up to codec noise) from a flame that happens to
     * cover a similar area. Near 0 for a sign or beacon, about 0.6-0.8 for flames. NaN when there is
     * too little to compare.
     */
    private double repetition(int regionCount) {
        if (regionCount < 4 || ringSize < 4) {
            return Double.NaN;
        }
        byte[] now = yRing[ringHead];
        // The current frame already took the slot of the oldest one when the ring is full.
        int history = Math.min(ringSize, yRing.length - 1);
        double[] d = new double[history];
        int k = 0;
        double min = Double.MAX_VALUE;
        for (int lag = 1; lag <= history; lag++) {
            int idx = Math.floorMod(ringHead - lag, yRing.length);
            long age = lastTs - ringTs[idx];
            if (age > PERIOD_WINDOW_S * 1000) {
                break;
            }
            byte[] old = yRing[idx];
            long diff = 0;
            for (int r = 0; r < regionCount; r++) {
                int i = regionIdx[r];
                diff += Math.abs((now[i] & 0xff) - (old[i] & 0xff));
            }
            d[k++] = diff;
            if (age >= PERIOD_MIN_LAG_S * 1000) {
                min = Math.min(min, diff);
            }
        }
        int oldest = Math.floorMod(ringHead - history, yRing.length);
        if (k < 4 || min == Double.MAX_VALUE || lastTs - ringTs[oldest] < PERIOD_WINDOW_S * 1000) {
            // A shorter history has not yet seen a sign cycle through its states.
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(d, k);
        Arrays.sort(sorted);
        double median = sorted[k / 2];
        return median <= 0 ? 1 : Math.min(1, min / median);
    }

    // ---------------------------------------------------------------------------------------
    // Smoke

    private record SmokeMeasure(double fraction, double rise, double edgeLoss, Box box) {
    }

    private SmokeMeasure measureSmoke(int sx, int sy, double dt) {
        int cells = gw * gh;
        mapsAgeSec += dt;
        Arrays.fill(cellSum, 0);
        for (int y = 0; y < gh * CELL; y++) {
            int cy = y / CELL;
            int py = y - sy;
            for (int x = 0; x < gw * CELL; x++) {
                int i = y * w + x;
                if (!zoneMask[i]) {
                    continue;
                }
                int c = (cy * gw + x / CELL) * SUMS;
                int yy = yccBuf[3 * i] & 0xff;
                int chroma = Math.abs((yccBuf[3 * i + 1] & 0xff) - 128) + Math.abs((yccBuf[3 * i + 2] & 0xff) - 128);
                int right = x + 1 < w ? yccBuf[3 * (i + 1)] & 0xff : yy;
                int down = y + 1 < h ? yccBuf[3 * (i + w)] & 0xff : yy;
                int up = y > 0 ? yccBuf[3 * (i - w)] & 0xff : yy;
                int left = x > 0 ? yccBuf[3 * (i - 1)] & 0xff : yy;
                cellSum[c + S_Y] += yy;
                cellSum[c + S_CHROMA] += chroma;
                cellSum[c + S_EDGE] += Math.abs(right - yy) + Math.abs(down - yy);
                int px = x - sx;
                if (px >= 0 && px < w && py >= 0 && py < h) {
                    int it = yy - (prevY[py * w + px] & 0xff);
                    // Central differences in double: halving small integer differences would round
                    // soft smoke's +-1 gradients away and bias the flow.
                    double ix = (right - left) * 0.5;
                    double iy = (down - up) * 0.5;
                    cellSum[c + S_ABS_IT] += Math.abs(it);
                    cellSum[c + S_IT_IY] += it * iy;
                    cellSum[c + S_IY_IY] += iy * iy;
                    cellSum[c + S_IX_IX] += ix * ix;
                    cellSum[c + S_IX_IY] += ix * iy;
                    cellSum[c + S_IT_IX] += it * ix;
                }
                cellSum[c + S_COUNT]++;
            }
        }
        float a = (float) (1 - Math.exp(-dt / CELL_TAU_S));
        float aPersist = (float) (1 - Math.exp(-dt / SMOKE_PERSIST_TAU_S));
        float aBg = (float) (1 - Math.exp(-dt / EDGE_BG_TAU_S));

        // First pass: each cell's 1 s averages, its own (2-D Lucas-Kanade) texture flow, and the
        // frame's typical flow and detail over the cells whose flow can be measured.
        int textured = 0;
        for (int c = 0; c < cells; c++) {
            int s = c * SUMS;
            double count = cellSum[s + S_COUNT];
            cellTextured[c] = false;
            if (count < CELL * CELL / 2) {
                continue;
            }
            double edge = cellSum[s + S_EDGE] / count;
            cellAct[c] += a * ((float) (cellSum[s + S_ABS_IT] / count / dt) - cellAct[c]);
            cellEdge[c] += a * ((float) edge - cellEdge[c]);
            if (cellEdgeBg[c] < 0) {
                cellEdgeBg[c] = (float) edge;
                cellEdge[c] = (float) edge;
            }
            // Structure tensor [xx xy; xy yy] and mismatch (It per second, so the flow is in px/s).
            int f = c * FLOW;
            cellFlow[f] += a * ((float) (cellSum[s + S_IX_IX] / count) - cellFlow[f]);
            cellFlow[f + 1] += a * ((float) (cellSum[s + S_IX_IY] / count) - cellFlow[f + 1]);
            cellFlow[f + 2] += a * ((float) (cellSum[s + S_IY_IY] / count) - cellFlow[f + 2]);
            cellFlow[f + 3] += a * ((float) (cellSum[s + S_IT_IX] / count / dt) - cellFlow[f + 3]);
            cellFlow[f + 4] += a * ((float) (cellSum[s + S_IT_IY] / count / dt) - cellFlow[f + 4]);
            double xx = cellFlow[f];
            double xy = cellFlow[f + 1];
            double yy = cellFlow[f + 2];
            double det = xx * yy - xy * xy;
            double minEigen = 0.5 * (xx + yy - Math.sqrt((xx - yy) * (xx - yy) + 4 * xy * xy));
            if (minEigen >= RISE_MIN_TEXTURE && det > 0) {
                // Solve [xx xy; xy yy] (vx, vy) = -(ItIx, ItIy).
                cellVx[c] = (float) ((-cellFlow[f + 3] * yy + cellFlow[f + 4] * xy) / det);
                cellVy[c] = (float) ((-cellFlow[f + 4] * xx + cellFlow[f + 3] * xy) / det);
                cellTextured[c] = true;
                medianX[textured] = cellVx[c];
                medianY[textured] = cellVy[c];
                medianEdge[textured] = cellEdge[c];
                textured++;
            }
        }
        // The median flow is the camera's residual drift (the integer alignment above leaves up to
        // half a pixel per frame, which reads as a steady "rise" everywhere); a plume covers far
        // fewer than half of the textured cells.
        double driftX = median(medianX, textured);
        double driftY = median(medianY, textured);
        double sceneEdge = median(medianEdge, textured);
        double minRisePxPerS = CELL / cfg.smokeConfirmSeconds();

        int smokeCells = 0;
        double itIy = 0;
        double iyIy = 0;
        double edgeLossSum = 0;
        for (int c = 0; c < cells; c++) {
            int s = c * SUMS;
            double count = cellSum[s + S_COUNT];
            if (count < CELL * CELL / 2) {
                cellSmoke[c] = 0;
                smokeCand[c] = false;
                continue;
            }
            double meanY = cellSum[s + S_Y] / count;
            double meanChroma = cellSum[s + S_CHROMA] / count;
            double edge = cellSum[s + S_EDGE] / count;
            boolean grey = meanChroma <= cfg.smokeMaxChroma() && meanY >= SMOKE_MIN_Y && meanY <= SMOKE_MAX_Y;
            boolean slow = cellAct[c] >= SMOKE_ACT_LO && cellAct[c] <= SMOKE_ACT_HI;
            boolean veiled;
            // Rising texture: the cell's own texture moves up (after the drift is taken out) fast
            // enough to replace the cell within the confirmation window, and its detail is soft
            // (below the edge-loss share of the frame's typical textured cell): smoke's own density
            // varies smoothly, a car's or a wall's does not.
            boolean risingSoft = cellTextured[c] && -(cellVy[c] - driftY) >= minRisePxPerS
                    && cellEdge[c] <= SMOKE_EDGE_LOSS * sceneEdge;
            if (cellSeenClear[c]) {
                veiled = cellEdge[c] <= SMOKE_EDGE_LOSS * cellEdgeBg[c];
            } else {
                // Never seen clear (the plume was there when the camera started watching): there
                // is no background detail to have lost, so rising soft texture stands in for it.
                veiled = risingSoft;
            }
            boolean cand = grey && slow && veiled;
            cellSmoke[c] += aPersist * ((cand ? 1f : 0f) - cellSmoke[c]);
            if (!cellSeenClear[c] && mapsAgeSec >= 2 * CELL_TAU_S) {
                // Seen clear once it has spent about half its time (same averaging as the smoke
                // share) not looking like rising soft smoke: not grey, not slowly changing, or
                // textured without the rise. A textureless grey cell shows nothing either way.
                // Not before the 1 s activity average has settled: it starts at 0 and would call
                // every cell "not slowly changing", hence clear, for the first second.
                boolean clear = !grey || !slow || (cellTextured[c] && !risingSoft);
                cellClear[c] += aPersist * ((clear ? 1f : 0f) - cellClear[c]);
                if (cellClear[c] >= 0.5f) {
                    cellSeenClear[c] = true;
                    // Its edge background so far was learned from the smoke; the clear look now is
                    // the reference the edge-loss test needs from here on.
                    cellEdgeBg[c] = cellEdge[c];
                }
            }
            if (cellSmoke[c] < 0.5f) {
                // Only a smoke-free cell teaches the background what its detail looks like.
                cellEdgeBg[c] += aBg * ((float) edge - cellEdgeBg[c]);
            }
            smokeCand[c] = cellSmoke[c] >= 0.5f;
            if (smokeCand[c]) {
                smokeCells++;
                itIy += cellSum[s + S_IT_IY];
                iyIy += cellSum[s + S_IY_IY];
                edgeLossSum += cellEdgeBg[c] > 0 ? Math.max(0, 1 - cellEdge[c] / cellEdgeBg[c]) : 0;
            }
        }
        double fraction = (double) smokeCells / cells;
        if (smokeCells == 0) {
            riseEma = 0;
        } else {
            // One-dimensional Lucas-Kanade over the smoke cells: It = -v * Iy, v in px per frame
            // (down positive). Rise is reported upward positive, in frame heights per second.
            double v = iyIy > 0 ? -itIy / iyIy : 0;
            double rise = -v / h / dt;
            riseEma += a * (rise - riseEma);
        }
        if (fraction < cfg.smokeMinAreaFraction() || riseEma < SMOKE_MIN_RISE) {
            return null;
        }
        // One plume, not scattered cells: the largest connected group alone must be big enough.
        Component plume = largestComponent(smokeCand, gw, gh, 0);
        if (plume == null || plume.count() < cfg.smokeMinAreaFraction() * cells) {
            return null;
        }
        return new SmokeMeasure((double) plume.count() / cells, riseEma, edgeLossSum / smokeCells,
                toSource(plume.box(), CELL));
    }

    // ---------------------------------------------------------------------------------------
    // Helpers

    private record Component(Box box, int count) {
    }

    /** Median of the first {@code n} values (reorders them); 0 when there are none. */
    private static double median(float[] v, int n) {
        if (n == 0) {
            return 0;
        }
        Arrays.sort(v, 0, n);
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }

    /** The largest 8-connected component (bounding box and size), with gaps up to {@code gap} bridged. */
    private static Component largestComponent(boolean[] mask, int mw, int mh, int gap) {
        int[] label = new int[mw * mh];
        int[] stack = new int[mw * mh];
        int best = 0;
        int bx0 = 0;
        int by0 = 0;
        int bx1 = 0;
        int by1 = 0;
        int next = 0;
        int reach = 1 + gap;
        for (int s = 0; s < mask.length; s++) {
            if (!mask[s] || label[s] != 0) {
                continue;
            }
            next++;
            int top = 0;
            stack[top++] = s;
            label[s] = next;
            int count = 0;
            int x0 = mw;
            int y0 = mh;
            int x1 = -1;
            int y1 = -1;
            while (top > 0) {
                int p = stack[--top];
                int px = p % mw;
                int py = p / mw;
                count++;
                x0 = Math.min(x0, px);
                y0 = Math.min(y0, py);
                x1 = Math.max(x1, px);
                y1 = Math.max(y1, py);
                for (int dy = -reach; dy <= reach; dy++) {
                    int qy = py + dy;
                    if (qy < 0 || qy >= mh) {
                        continue;
                    }
                    for (int dx = -reach; dx <= reach; dx++) {
                        int qx = px + dx;
                        if (qx < 0 || qx >= mw) {
                            continue;
                        }
                        int q = qy * mw + qx;
                        if (mask[q] && label[q] == 0) {
                            label[q] = next;
                            stack[top++] = q;
                        }
                    }
                }
            }
            if (count > best) {
                best = count;
                bx0 = x0;
                by0 = y0;
                bx1 = x1;
                by1 = y1;
            }
        }
        return best == 0 ? null : new Component(new Box(bx0, by0, bx1 - bx0 + 1, by1 - by0 + 1), best);
    }

    /** Whether {@code b} touches {@code anchor} grown by half its larger side on every edge. */
    private static boolean near(Box anchor, Box b) {
        int pad = Math.max(2, Math.max(anchor.w(), anchor.h()) / 2);
        return b.x() < anchor.x() + anchor.w() + pad && b.x() + b.w() > anchor.x() - pad
                && b.y() < anchor.y() + anchor.h() + pad && b.y() + b.h() > anchor.y() - pad;
    }

    private Box toSource(Box b, int unit) {
        double fx = (double) srcW / w;
        double fy = (double) srcH / h;
        int x = (int) Math.floor(b.x() * unit * fx);
        int y = (int) Math.floor(b.y() * unit * fy);
        int x2 = Math.min(srcW, (int) Math.ceil((b.x() + b.w()) * unit * fx));
        int y2 = Math.min(srcH, (int) Math.ceil((b.y() + b.h()) * unit * fy));
        return new Box(x, y, Math.max(1, x2 - x), Math.max(1, y2 - y));
    }

    private double sceneChange(int sx, int sy) {
        int changed = 0;
        int total = 0;
        for (int y = 0; y < h; y += 2) {
            int py = y - sy;
            if (py < 0 || py >= h) {
                continue;
            }
            for (int x = 0; x < w; x += 2) {
                int px = x - sx;
                if (px < 0 || px >= w) {
                    continue;
                }
                total++;
                if (Math.abs((yccBuf[3 * (y * w + x)] & 0xff) - (prevY[py * w + px] & 0xff)) >= FLICKER_DY) {
                    changed++;
                }
            }
        }
        return total == 0 ? 1 : (double) changed / total;
    }

    private void remember() {
        int n = w * h;
        for (int i = 0; i < n; i++) {
            prevY[i] = yccBuf[3 * i];
        }
        System.arraycopy(rowProfile, 0, prevRowProfile, 0, h);
        System.arraycopy(colProfile, 0, prevColProfile, 0, w);
        hasPrev = true;
    }

    /**
     * The shift d (sub-pixel, parabola fit) minimising the mean absolute difference between
     * {@code cur[i]} and {@code prev[i - d]} for |d| &lt;= range. A shift at the end of the range
     * means "at least that much", which is all the camera-motion gate needs.
     */
    private static double profileShift(float[] prev, float[] cur, int range) {
        int n = cur.length;
        double best = Double.MAX_VALUE;
        int bestD = 0;
        double[] cost = new double[2 * range + 1];
        for (int d = -range; d <= range; d++) {
            double sum = 0;
            int count = 0;
            for (int i = Math.max(0, d); i < Math.min(n, n + d); i++) {
                sum += Math.abs(cur[i] - prev[i - d]);
                count++;
            }
            double c = count == 0 ? Double.MAX_VALUE : sum / count;
            cost[d + range] = c;
            if (c < best) {
                best = c;
                bestD = d;
            }
        }
        if (bestD > -range && bestD < range) {
            double l = cost[bestD + range - 1];
            double r = cost[bestD + range + 1];
            double denom = l - 2 * best + r;
            if (denom > 0) {
                return bestD + 0.5 * (l - r) / denom;
            }
        }
        return bestD;
    }

    /**
     * Growth of the flame region over its run: the mean area of the run's base second against the
     * mean of about the last second. The base second starts {@link #GROWTH_SETTLE_S} into the run:
     * before that the per-pixel averages (time constant {@link #PIXEL_TAU_S}) are still filling up
     * and the area reads small, which would look like growth. Reported, not required: a pile that
     * burns steadily does not grow, and the flicker, colour, anchor and persistence tests already
     * decide; growth tells the officer whether the fire was spreading.
     */
    private void measureGrowth(double area, double dt) {
        flameRunSec += dt;
        if (flameRunSec > GROWTH_SETTLE_S && flameStartSec < GROWTH_TAU_S) {
            flameStartArea += area * dt;
            flameStartSec += dt;
        }
        double a = 1 - Math.exp(-dt / GROWTH_TAU_S);
        flameRecentArea += a * (area - flameRecentArea);
    }

    /**
     * "grew x1.8", "shrank x0.6" or "steady" (within 20 %, the frame-to-frame noise of the area);
     * null when the run was confirmed before its base second began (nothing measured to say).
     */
    private String growthText() {
        if (flameStartSec <= 0 || flameStartArea <= 0) {
            return null;
        }
        double ratio = flameRecentArea / (flameStartArea / flameStartSec);
        if (ratio >= 1.2) {
            return String.format(Locale.ROOT, "grew x%.1f", ratio);
        }
        if (ratio <= 1 / 1.2) {
            return String.format(Locale.ROOT, "shrank x%.1f", ratio);
        }
        return "steady";
    }

    private void resetEvidence() {
        flameAnchor = null;
        flameSec = 0;
        smokeSec = 0;
        flameFirstSeq = -1;
        smokeFirstSeq = -1;
        flameFrames = 0;
        smokeFrames = 0;
    }

    private void resetMaps() {
        Arrays.fill(flickerHz, 0);
        Arrays.fill(fireShare, 0);
        Arrays.fill(cellAct, 0);
        Arrays.fill(cellSmoke, 0);
        Arrays.fill(cellEdge, 0);
        Arrays.fill(cellEdgeBg, -1);
        Arrays.fill(cellFlow, 0);
        Arrays.fill(cellClear, 0);
        Arrays.fill(cellSeenClear, false);
        mapsAgeSec = 0;
        Arrays.fill(prevColour, false);
        riseEma = 0;
        ringSize = 0;
        periodicEma = Double.NaN;
        periodicCount = 0;
    }

    private void init(int width, int height) {
        releaseMats();
        srcW = width;
        srcH = height;
        w = Math.min(cfg.processingWidth(), width);
        h = Math.max(CELL, (int) Math.round((double) height * w / width));
        gw = w / CELL;
        gh = h / CELL;
        quarter = new Mat(4 * h, 4 * w, CV_8UC3);
        half = new Mat(2 * h, 2 * w, CV_8UC3);
        small = new Mat(h, w, CV_8UC3);
        ycc = new Mat(h, w, CV_8UC3);
        rowProfile = new float[h];
        colProfile = new float[w];
        prevRowProfile = new float[h];
        prevColProfile = new float[w];
        int n = w * h;
        yccBuf = new byte[n * 3];
        prevY = new byte[n];
        prevColour = new boolean[n];
        flickerHz = new float[n];
        fireShare = new float[n];
        flameCand = new boolean[n];
        yRing = new byte[RING_CAPACITY][n];
        ringTs = new long[RING_CAPACITY];
        regionIdx = new int[n];
        ringHead = 0;
        ringSize = 0;
        zoneMask = ZoneMask.build(cfg.includeZones(), cfg.excludeZones(), w, h);
        int cells = gw * gh;
        cellAct = new float[cells];
        cellEdge = new float[cells];
        cellEdgeBg = new float[cells];
        cellSmoke = new float[cells];
        cellSum = new double[cells * SUMS];
        smokeCand = new boolean[cells];
        cellFlow = new float[cells * FLOW];
        cellVx = new float[cells];
        cellVy = new float[cells];
        cellTextured = new boolean[cells];
        cellClear = new float[cells];
        cellSeenClear = new boolean[cells];
        medianX = new float[cells];
        medianY = new float[cells];
        medianEdge = new float[cells];
        Arrays.fill(cellEdgeBg, -1);
        mapsAgeSec = 0;
        hasPrev = false;
        resetEvidence();
    }

    @Override
    public boolean busy() {
        return flameSec > 0 || smokeSec > 0;
    }

    @Override
    public long stateBytes() {
        if (srcW < 0) {
            return 0;
        }
        long n = (long) w * h;
        long cells = (long) gw * gh;
        // Native buffers: quarter (4w x 4h), half (2w x 2h), small and ycc (w x h), all 3 channels.
        long mats = n * 3 * 16 + n * 3 * 4 + n * 3 * 2;
        // yccBuf (3n), prevY, prevColour, flameCand, zoneMask (n each), flickerHz, fireShare,
        // regionIdx (4n each), the brightness ring and its timestamps, the four profiles.
        long arrays = n * 3 + n * 4 + n * 4 * 3 + (long) RING_CAPACITY * (n + 8) + 4L * 2 * (w + h);
        // Per cell: 4 + 5 + 3 + 3 floats, SUMS doubles, 3 booleans.
        long cellArrays = cells * (4L * 15 + 8L * SUMS + 3);
        return mats + arrays + cellArrays;
    }

    @Override
    public void close() {
        releaseMats();
        srcW = -1;
        srcH = -1;
    }

    private void releaseMats() {
        for (Mat m : new Mat[] {quarter, half, small, ycc}) {
            if (m != null) {
                m.close();
            }
        }
        quarter = null;
        half = null;
        small = null;
        ycc = null;
    }
}
