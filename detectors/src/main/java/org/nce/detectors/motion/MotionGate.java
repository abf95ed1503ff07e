package org.nce.detectors.motion;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.bitwise_and;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_core.minMaxLoc;
import static org.bytedeco.opencv.global.opencv_core.subtract;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;

import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * One camera's shared motion gate: decides, once per frame and cheaply, whether the costly detectors
 * need to see it. Most of a city's cameras show a still scene most of the time; the best video systems
 * run their detectors only where something moves, and so does this.
 *
 * <p>The gate compares a small image of the frame (a JPEG decoded at 1/4 or 1/8 costs a fraction of
 * a full decode), in grey, with the last frame it let through, after taking out the global brightness change (a
 * cloud, the dusk, auto exposure). A frame passes when enough pixels changed, when one cell's mean
 * drifted (thin smoke changes many pixels a little), during a hold time after motion, and at least
 * once per heartbeat, so a dog lying still or a pile left in the quiet is still seen and the detectors'
 * backgrounds keep learning. Because the reference is the last frame let through, a slow change adds up
 * until it passes, instead of hiding under a per-frame threshold.
 *
 * <p>Plain Java and OpenCV, no threads; one instance per camera, frames in capture order. Times are
 * the frames' capture times; a clock that steps back starts the gate afresh (the frame passes).
 */
public final class MotionGate implements AutoCloseable {
    /** A channel at or above this has clipped. */
    static final int SATURATED = 250;

    /** Why a frame passed, or {@link #STILL} when it did not. */
    public enum Verdict {
        /** The gate is off: every frame passes. */
        OFF,
        /** The first frame, a new frame size, or a clock that stepped back. */
        FIRST,
        MOTION,
        /** Within the hold time after motion. */
        HOLD,
        /** A still camera's periodic frame. */
        HEARTBEAT,
        /** Nothing moved, but a detector is part-way through confirming an event ({@code Detector.busy()}). */
        BUSY,
        /** Nothing moved: the detectors need not see it. */
        STILL;

        public boolean passes() {
            return this != STILL;
        }
    }

    private final MotionGateConfig config;
    private final Mat cur8 = new Mat();
    private final Mat grey = new Mat();
    private final Mat cur = new Mat();
    private final Mat scaled8 = new Mat();
    private final Mat scaledRef = new Mat();
    private final Mat diff = new Mat();
    private final Mat absDiff = new Mat();
    private final Mat mask = new Mat();
    private final Mat cells = new Mat();
    private final Mat cellsAbs = new Mat();
    private final Mat clippedCur = new Mat();
    private final Mat clippedRef = new Mat();
    private final Mat clippedBoth = new Mat();
    private Mat zero;
    private Mat ref8;
    private long lastPassTs = Long.MIN_VALUE;
    private long lastMotionTs = Long.MIN_VALUE;
    private long passed;
    private long still;
    private double lastChangedFraction;
    private double lastCellDrift;

    public MotionGate(MotionGateConfig config) {
        this.config = config;
    }

    public MotionGateConfig config() {
        return config;
    }

    /**
     * The {@code imdecode} flag that reads a JPEG whose longer side is this straight into a colour image no smaller
     * than the gate's (libjpeg scales in the DCT, so 1/4 costs a fraction of a full decode).
     */
    public int decodeFlag(int longSide) {
        if (longSide >= 8 * config.width()) {
            return opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
        }
        if (longSide >= 4 * config.width()) {
            return opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
        }
        if (longSide >= 2 * config.width()) {
            return opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
        }
        return opencv_imgcodecs.IMREAD_COLOR;
    }

    /**
     * The verdict for a BGR frame at any size: the full frame, or one decoded at a fraction with
     * {@link #decodeFlag(int)} (it is resized to the gate's width either way).
     */
    public Verdict offer(Mat bgr, long timestampMs) {
        return offer(bgr, timestampMs, false);
    }

    /** As {@link #offer(Mat, long)}; {@code busy}: a detector needs every frame now, so a still one passes too. */
    public Verdict offer(Mat bgr, long timestampMs, boolean busy) {
        if (!config.enabled()) {
            return count(Verdict.OFF);
        }
        // Inside a width x width box, never enlarged: a narrow or tall frame costs no more than a wide one.
        double scale = Math.min(1.0, Math.min(config.width() / (double) bgr.cols(), config.width() / (double) bgr.rows()));
        int w = Math.max(1, (int) Math.round(bgr.cols() * scale));
        int h = Math.max(1, (int) Math.round(bgr.rows() * scale));
        if (bgr.cols() == w && bgr.rows() == h) {
            bgr.copyTo(cur8);
        } else {
            try (Size size = new Size(w, h)) {
                resize(bgr, cur8, size, 0, 0, INTER_AREA);
            }
        }
        if (ref8 == null || ref8.cols() != cur8.cols() || ref8.rows() != cur8.rows() || timestampMs < lastPassTs) {
            lastMotionTs = Long.MIN_VALUE;
            return pass(Verdict.FIRST, timestampMs);
        }
        double meanCur;
        double meanRef;
        try (Scalar mc = mean(cur8); Scalar mr = mean(ref8)) {
            meanCur = (mc.get(0) + mc.get(1) + mc.get(2)) / 3;
            meanRef = (mr.get(0) + mr.get(1) + mr.get(2)) / 3;
        }
        // The global brightness change is not motion: compare with the reference scaled to this frame's
        // level, channel by channel in 8 bits, so it clips where the camera's sensor clips (a saturated
        // sky or a pure colour cannot get brighter); without that a brightness change is motion in every highlight.
        double gain = Math.max(0.5, Math.min(2.0, meanCur / Math.max(1.0, meanRef)));
        ref8.convertTo(scaled8, -1, gain, 0);
        // A channel clipped in both frames says nothing of change (the scene there may be far brighter
        // than 255): take this frame's value for it. A channel unclipped in either frame counts, so a
        // white object coming or going, or smoke over a bright sky, is still a change.
        threshold(cur8, clippedCur, SATURATED - 1, 255, THRESH_BINARY);
        threshold(ref8, clippedRef, SATURATED - 1, 255, THRESH_BINARY);
        bitwise_and(clippedCur, clippedRef, clippedBoth);
        cur8.copyTo(scaled8, clippedBoth);
        cvtColor(cur8, grey, COLOR_BGR2GRAY);
        grey.convertTo(cur, CV_32F);
        cvtColor(scaled8, grey, COLOR_BGR2GRAY);
        grey.convertTo(scaledRef, CV_32F);
        subtract(cur, scaledRef, diff);
        absdiff(cur, scaledRef, absDiff);
        threshold(absDiff, mask, config.pixelDelta(), 1, THRESH_BINARY);
        lastChangedFraction = countNonZero(mask) / (double) mask.total();
        int cw = Math.max(1, (cur.cols() + config.cellSize() - 1) / config.cellSize());
        int ch = Math.max(1, (cur.rows() + config.cellSize() - 1) / config.cellSize());
        try (Size size = new Size(cw, ch)) {
            resize(diff, cells, size, 0, 0, INTER_AREA);
        }
        absdiff(cells, zero(), cellsAbs);
        double[] max = new double[1];
        minMaxLoc(cellsAbs, null, max, null, null, null);
        lastCellDrift = max[0];
        if (lastChangedFraction > config.minChangedFraction() || lastCellDrift >= config.cellDelta()) {
            lastMotionTs = timestampMs;
            return pass(Verdict.MOTION, timestampMs);
        }
        if (lastMotionTs != Long.MIN_VALUE && timestampMs - lastMotionTs < config.holdMs()) {
            return pass(Verdict.HOLD, timestampMs);
        }
        if (timestampMs - lastPassTs >= config.heartbeatMs()) {
            return pass(Verdict.HEARTBEAT, timestampMs);
        }
        if (busy) {
            return pass(Verdict.BUSY, timestampMs);
        }
        return count(Verdict.STILL);
    }

    private Mat zero() {
        if (zero == null) {
            try (Scalar z = new Scalar(0)) {
                zero = new Mat(1, 1, org.bytedeco.opencv.global.opencv_core.CV_64F, z);
            }
        }
        return zero;
    }

    /** Forgets the reference: the next frame passes as {@link Verdict#FIRST} (detectors rebuilt after an error). */
    public void reset() {
        if (ref8 != null) {
            ref8.close();
            ref8 = null;
        }
        lastPassTs = Long.MIN_VALUE;
        lastMotionTs = Long.MIN_VALUE;
    }

    private Verdict pass(Verdict v, long timestampMs) {
        if (ref8 == null) {
            ref8 = new Mat();
        }
        cur8.copyTo(ref8);
        lastPassTs = timestampMs;
        return count(v);
    }

    private Verdict count(Verdict v) {
        if (v.passes()) {
            passed++;
        } else {
            still++;
        }
        return v;
    }

    /** Frames let through so far. */
    public long passed() {
        return passed;
    }

    /** Frames the detectors did not need to see. */
    public long still() {
        return still;
    }

    /** Of the last frame compared: the fraction of pixels that changed, and the largest cell drift (grey levels). */
    public double lastChangedFraction() {
        return lastChangedFraction;
    }

    public double lastCellDrift() {
        return lastCellDrift;
    }

    /** Bytes of native state (the reference image and scratch). */
    public long stateBytes() {
        long px = cur8.empty() ? 0 : cur8.total();
        return px * (2 * 3 + 1 + 4 * Float.BYTES);
    }

    @Override
    public void close() {
        for (Mat m : new Mat[] {cur8, grey, cur, scaled8, scaledRef, diff, absDiff, mask, cells, cellsAbs, clippedCur,
                clippedRef, clippedBoth, zero, ref8}) {
            if (m != null) {
                m.close();
            }
        }
        ref8 = null;
        zero = null;
    }
}
