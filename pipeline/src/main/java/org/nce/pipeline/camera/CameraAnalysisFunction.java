package org.nce.pipeline.camera;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nce.detectors.Detector;
import org.nce.detectors.DetectorFactory;
import org.nce.detectors.FrameMeta;
import org.nce.detectors.motion.MotionGate;
import org.nce.detectors.motion.MotionGateConfig;
import org.nce.model.Alert;
import org.nce.model.Detection;
import org.nce.model.Frame;
import org.nce.pipeline.config.PipelineConfig.CameraConfig;
import org.nce.pipeline.config.PipelineConfig.DetectorSpec;
import org.nce.pipeline.config.PipelineConfig.EvidenceConfig;
import org.nce.pipeline.evidence.EvidenceRequest;
import org.nce.pipeline.ingest.DeadLetters;

/**
 * Runs a camera's detectors, keyed by camera id. Thin by design: the detectors decide; this
 * operator owns time and state.
 *
 * <p><b>Frame identity.</b> A frame is known by its gateway boot id and counter
 * ({@link Frame#frameKey()}); the counter alone starts again at every gateway restart. Frames get
 * a per-camera arrival index kept in Flink state, which orders the pre-event buffer and is the
 * frame number the detectors see, so nothing here depends on the gateway's counter going up.
 * A redelivered frame (same key, seen within {@link #SEEN_TTL}) is skipped; a forged frame with a
 * huge counter or a future timestamp cannot make real frames look like redeliveries.
 *
 * <p><b>State, O(1) per frame.</b> The pre-event buffer is a map from arrival index to frame: each
 * frame puts one entry and removes the one that fell out of the window, instead of rewriting a
 * list of full JPEGs. Alerts wait in state for their post-event frames; a processing-time timer
 * flushes a clip whose camera went silent.
 *
 * <p><b>After a restart.</b> Detector models (backgrounds, tracks) are not in Flink state; they are
 * rebuilt and first shown the frames of the restored pre-event buffer, so an event already under
 * way is not simply learnt as background. An alert the job already raised for a type on this
 * camera (within {@link #EPISODE_MEMORY_MS}) is remembered in state: a rebuilt detector that
 * confirms the same type within {@link #RESTORE_GRACE_MS} of its first frame is re-finding that
 * episode, and is not reported again (counted as {@code alertsSuppressedAfterRestore}).
 *
 * <p><b>The shared motion gate.</b> Each camera's frames first meet its {@link MotionGate}, read at a
 * fraction of their size: a frame where nothing moved (and no heartbeat is due) is kept for the clip
 * and counted ({@code framesStill}), but neither decoded in full nor shown to the detectors. The gate
 * is not in state; after a restore (or a detector rebuilt after an error) its first frame passes.
 *
 * <p><b>Bad frames never stall the camera.</b> An undecodable JPEG is a dead letter and never enters
 * the buffer (it would poison every clip it is part of); a detector that throws is a dead letter, is
 * closed and rebuilt, and the camera goes on.
 */
public class CameraAnalysisFunction extends KeyedProcessFunction<String, Frame, EvidenceRequest> {
    private static final long serialVersionUID = 1L;
    /** How long a frame key is remembered to recognise a redelivery (at-least-once source). */
    static final Duration SEEN_TTL = Duration.ofMinutes(15);
    /** A rebuilt detector confirming within this (capture time) of its first frame re-finds an open episode. */
    static final long RESTORE_GRACE_MS = 120_000;
    /** An alert older than this (capture time) when the detector is rebuilt is a closed episode. */
    static final long EPISODE_MEMORY_MS = 30 * 60_000;
    /** How far back (capture time) a frame arriving behind a newer one counts as reordered, not as a clock jump. */
    static final long REORDER_HORIZON_MS = 5_000;
    /** How far ahead of the newest frame the next may be and still be the same line of time. */
    static final long JUMP_MS = 10_000;
    /** Frames in a row that must agree on a new line (a gateway restart, a clock jump) before the detectors follow it. */
    static final int SWITCH_AFTER = 3;

    /** An alert waiting for its post-event frames; {@code index} is the arrival index of its confirming frame. */
    public record PendingClip(Alert alert, long index) {
    }

    private final Map<String, CameraConfig> cameras;
    private final EvidenceConfig evidence;

    private transient Map<String, List<Running>> detectorsByCamera;
    private transient Map<String, MotionGate> gatesByCamera;
    private transient Map<String, Long> detectorFrames;
    /** Cameras whose detectors were closed after one threw: rebuilt without the restore rule (not a restore). */
    private transient java.util.Set<String> rebuiltAfterError;
    private transient Map<String, FpsEstimate> fpsByCamera;
    /** The frame-rate estimate in state too: a replayed clip is encoded at the rate it first was (same bytes). */
    private transient ValueState<double[]> fpsState;
    private transient ValueState<Long> nextIndex;
    private transient MapState<Long, Frame> recentFrames;
    private transient MapState<String, Long> seenFrames;
    private transient ListState<PendingClip> pendingClips;
    private transient MapState<String, Long> lastAlertAt;
    private transient MapState<String, String> lastAlertId;
    private transient ValueState<Long> lastFlushTimer;
    private transient Counter analysed;
    private transient Counter detections;
    private transient Counter undecodable;
    private transient Counter redelivered;
    private transient Counter detectorErrors;
    private transient Counter suppressed;
    private transient Counter lateFrames;
    private transient Counter stillFrames;
    private transient ValueState<String> currentBoot;
    private transient ValueState<Long> newestAnalysedTs;
    private transient ValueState<String> candidateBoot;
    private transient ValueState<Long> candidateTs;
    private transient ValueState<Integer> candidateCount;


    /** A detector instance with what it knew when it was built. */
    private static final class Running {
        final DetectorSpec spec;
        final Detector detector;
        /** Capture time up to which a confirmation is a re-finding of an episode alerted before the rebuild. */
        long suppressUntilTs = Long.MIN_VALUE;
        boolean mayRefind;

        Running(DetectorSpec spec, Detector detector) {
            this.spec = spec;
            this.detector = detector;
        }
    }

    private final RecentAlerts recentAlerts;

    public CameraAnalysisFunction(Map<String, CameraConfig> cameras, EvidenceConfig evidence) {
        this(cameras, evidence, RecentAlerts.none());
    }

    public CameraAnalysisFunction(Map<String, CameraConfig> cameras, EvidenceConfig evidence, RecentAlerts recentAlerts) {
        this.cameras = Map.copyOf(cameras);
        this.evidence = evidence;
        this.recentAlerts = recentAlerts;
    }

    @Override
    public void open(OpenContext ctx) throws java.io.IOException {
        org.nce.pipeline.NativeLibraries.ensureLoaded();
        recentAlerts.open();
        detectorsByCamera = new HashMap<>();
        gatesByCamera = new HashMap<>();
        detectorFrames = new HashMap<>();
        rebuiltAfterError = new java.util.HashSet<>();
        fpsByCamera = new HashMap<>();
        nextIndex = getRuntimeContext().getState(new ValueStateDescriptor<>("next-index", Types.LONG));
        recentFrames = getRuntimeContext().getMapState(new MapStateDescriptor<>("recent-frames", Types.LONG,
                TypeInformation.of(Frame.class)));
        MapStateDescriptor<String, Long> seen = new MapStateDescriptor<>("seen-frames", Types.STRING, Types.LONG);
        seen.enableTimeToLive(StateTtlConfig.newBuilder(SEEN_TTL).build());
        seenFrames = getRuntimeContext().getMapState(seen);
        pendingClips = getRuntimeContext().getListState(new ListStateDescriptor<>("pending-clips",
                TypeInformation.of(PendingClip.class)));
        lastAlertAt = getRuntimeContext().getMapState(new MapStateDescriptor<>("last-alert-at", Types.STRING, Types.LONG));
        lastAlertId = getRuntimeContext().getMapState(new MapStateDescriptor<>("last-alert-id", Types.STRING, Types.STRING));
        lastFlushTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("last-flush-timer", Types.LONG));
        fpsState = getRuntimeContext().getState(new ValueStateDescriptor<>("fps-estimate",
                org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
        analysed = getRuntimeContext().getMetricGroup().counter("framesAnalysed");
        detections = getRuntimeContext().getMetricGroup().counter("cameraAlerts");
        undecodable = getRuntimeContext().getMetricGroup().counter("framesUndecodable");
        redelivered = getRuntimeContext().getMetricGroup().counter("framesRedelivered");
        detectorErrors = getRuntimeContext().getMetricGroup().counter("detectorErrors");
        suppressed = getRuntimeContext().getMetricGroup().counter("alertsSuppressedAfterRestore");
        lateFrames = getRuntimeContext().getMetricGroup().counter("framesLate");
        stillFrames = getRuntimeContext().getMetricGroup().counter("framesStill");
        currentBoot = getRuntimeContext().getState(new ValueStateDescriptor<>("current-boot", Types.STRING));
        newestAnalysedTs = getRuntimeContext().getState(new ValueStateDescriptor<>("newest-analysed-ts", Types.LONG));
        candidateBoot = getRuntimeContext().getState(new ValueStateDescriptor<>("candidate-boot", Types.STRING));
        candidateTs = getRuntimeContext().getState(new ValueStateDescriptor<>("candidate-ts", Types.LONG));
        candidateCount = getRuntimeContext().getState(new ValueStateDescriptor<>("candidate-count", Types.INT));

    }

    private int keep() {
        return evidence.preEventFrames() + evidence.postEventFrames() + 1;
    }

    @Override
    public void processElement(Frame f, Context ctx, Collector<EvidenceRequest> out) throws Exception {
        if (seenFrames.contains(f.frameKey())) {
            redelivered.inc();
            return; // a redelivery (at-least-once source) of a frame already taken in
        }
        MotionGate gate = gate(f.cameraId());
        // With the gate on, the frame is first read at a fraction of its size (libjpeg scales in the DCT):
        // most frames of a still camera end there. The full decode is for the frames the detectors see.
        // The fraction comes from the JPEG's own header, not from the size the device declares.
        org.nce.model.JpegHeader.Size header = headerSize(f);
        int longSide = header == null ? Math.max(f.width(), f.height()) : Math.max(header.width(), header.height());
        int flag = gate.config().enabled() ? gate.decodeFlag(longSide) : opencv_imgcodecs.IMREAD_COLOR;
        boolean reduced = flag != opencv_imgcodecs.IMREAD_COLOR; // else the first read is the full frame already
        try (Mat small = decode(f, flag)) {
            if (small == null) {
                undecodable(f, ctx);
                return;
            }
            long index = nextIndex.value() == null ? 0 : nextIndex.value();
            List<Running> running = detectorsByCamera.get(f.cameraId());
            if (running == null) {
                warmUp(build(f), index, f, ctx);
                running = detectorsByCamera.get(f.cameraId());
                if (running == null) { // a detector failed in the warm-up: start afresh without it
                    running = build(f);
                }
            }
            // Kept for the clip (sorted by capture time there), but the detectors only ever see a
            // camera's frames in capture order: with shared subscriptions a frame can arrive behind a
            // newer one, and an old fire frame in a new quiet stretch would keep an episode open.
            boolean isLate = late(f);
            // A detector part-way through confirming (a pile lying still for its static time) gets every frame.
            boolean busy = running.stream().anyMatch(r -> r.detector.busy());
            boolean toDetectors = !isLate && gate.offer(small, f.timestampMs(), busy).passes();
            Mat full = toDetectors && reduced ? decode(f, opencv_imgcodecs.IMREAD_COLOR) : null;
            try {
                if (toDetectors && reduced && full == null) {
                    gate.reset(); // its reference is now a frame the detectors never saw
                    undecodable(f, ctx); // before the frame takes an index: no hole in the buffer
                    return;
                }
                nextIndex.update(index + 1);
                recentFrames.put(index, f);
                recentFrames.remove(index - keep());
                seenFrames.put(f.frameKey(), index);
                if (isLate) {
                    lateFrames.inc();
                    emitCompleteClips(index, Long.MIN_VALUE, out);
                    return;
                }
                fps(f.cameraId()).update(f.timestampMs());
                fpsState.update(fps(f.cameraId()).toState());
                if (toDetectors) {
                    detectorFrames.merge(f.cameraId(), 1L, Long::sum);
                    analyse(running, reduced ? full : small, f, index, ctx);
                } else {
                    stillFrames.inc(); // kept for the clip; nothing moved, so the detectors need not see it
                }
            } finally {
                if (full != null) {
                    full.close();
                }
            }
        }
        analysed.inc();
        emitCompleteClips(nextIndex.value() - 1, Long.MIN_VALUE, out);
    }

    /**
     * Whether the detectors should not see this frame (it is still kept for the clip). The detectors
     * follow one line of time per camera: the current gateway run and its newest capture time.
     * <ul>
     * <li>A frame of that run at most {@link #REORDER_HORIZON_MS} behind the newest arrived out of
     * order (shared subscriptions hand one camera's frames to two source subtasks): skipped.</li>
     * <li>A frame off the line (another gateway run, or more than {@link #JUMP_MS} ahead or
     * {@link #REORDER_HORIZON_MS} behind) is skipped unless {@link #SWITCH_AFTER} such frames in a row
     * agree on a new line (a gateway restart, a clock jump, a camera back from silence): then the
     * line moves to it. One forged frame (a new boot id, a huge counter, a timestamp just inside the
     * skew limit) therefore changes nothing, and stragglers of a gateway run the camera has left do
     * not reach the detectors.</li>
     * </ul>
     */
    private boolean late(Frame f) throws Exception {
        String boot = currentBoot.value();
        Long newest = newestAnalysedTs.value();
        long ts = f.timestampMs();
        if (boot == null || newest == null) {
            currentBoot.update(f.bootId());
            newestAnalysedTs.update(ts);
            return false;
        }
        boolean inLine = boot.equals(f.bootId()) && ts >= newest - REORDER_HORIZON_MS && ts <= newest + JUMP_MS;
        if (inLine) {
            candidateCount.update(0);
            if (ts < newest) {
                return true;
            }
            newestAnalysedTs.update(ts);
            return false;
        }
        String cBoot = candidateBoot.value();
        Long cTs = candidateTs.value();
        int count = candidateCount.value() == null ? 0 : candidateCount.value();
        boolean sameCandidate = count > 0 && f.bootId().equals(cBoot) && cTs != null && Math.abs(ts - cTs) <= JUMP_MS;
        count = sameCandidate ? count + 1 : 1;
        candidateBoot.update(f.bootId());
        candidateTs.update(ts);
        if (count >= SWITCH_AFTER) {
            currentBoot.update(f.bootId());
            newestAnalysedTs.update(ts);
            candidateCount.update(0);
            return false;
        }
        candidateCount.update(count);
        return true;
    }

    /** Builds the camera's detectors; each remembers whether an episode of its type was alerted before. */
    private List<Running> build(Frame f) throws Exception {
        List<Running> ds = new ArrayList<>();
        CameraConfig c = cameras.get(f.cameraId());
        boolean afterError = rebuiltAfterError.remove(f.cameraId());
        if (c != null) {
            for (DetectorSpec spec : c.detectors()) {
                Running r = new Running(spec, DetectorFactory.create(spec.type(), spec.params()));
                Long last = lastAlertAt.get(spec.type());
                if (last == null && !afterError) {
                    // Not in state: the job may still have raised and written it after the checkpoint it
                    // was restored from (or a previous deployment did). Ask the store, once per rebuild.
                    var stored = recentAlerts.newest(f.siteId(), f.cameraId(), spec.type(), f.timestampMs() - EPISODE_MEMORY_MS);
                    if (stored.isPresent()) {
                        last = stored.get().eventTimeMs();
                        lastAlertAt.put(spec.type(), last);
                        lastAlertId.put(spec.type(), stored.get().alertId());
                    }
                }
                r.mayRefind = !afterError && last != null && f.timestampMs() - last <= EPISODE_MEMORY_MS;
                ds.add(r);
            }
        }
        detectorsByCamera.put(f.cameraId(), ds);
        return ds;
    }

    /**
     * A restored job's rebuilt detectors first see the restored pre-event buffer, oldest first, so an
     * event under way has its lead-up. Their grace period starts at the oldest frame they see.
     */
    private void warmUp(List<Running> running, long index, Frame current, Context ctx) throws Exception {
        long oldestTs = current.timestampMs();
        List<Long> restored = new ArrayList<>();
        for (long i = Math.max(0, index - keep() + 1); i < index; i++) {
            Frame old = recentFrames.get(i);
            if (old != null) {
                restored.add(i);
                oldestTs = Math.min(oldestTs, old.timestampMs());
            }
        }
        for (Running r : running) {
            if (r.mayRefind) {
                r.suppressUntilTs = oldestTs + RESTORE_GRACE_MS;
            }
        }
        for (long i : restored) {
            Frame old = recentFrames.get(i);
            try (Mat bgr = decode(old)) {
                if (bgr != null) {
                    fps(old.cameraId()).update(old.timestampMs());
                    if (!analyse(running, bgr, old, i, ctx)) {
                        return; // a detector failed on it and was dropped; the next frame rebuilds
                    }
                }
            }
        }
    }

    /** Runs every detector on the frame; false if one failed (it is then a dead letter and all are rebuilt). */
    private boolean analyse(List<Running> running, Mat bgr, Frame f, long index, Context ctx) throws Exception {
        FrameMeta meta = new FrameMeta(f.cameraId(), index, f.timestampMs(), fpsByCamera.get(f.cameraId()).current());
        for (Running r : List.copyOf(running)) {
            List<Detection> found;
            try {
                found = r.detector.detect(bgr, meta);
            } catch (RuntimeException e) {
                // One bad frame or a detector bug must not stall the camera (or the job): say so, start afresh.
                detectorErrors.inc();
                ctx.output(DeadLetters.TAG, DeadLetters.of("detect", r.spec.type() + " detector failed on frame "
                        + f.frameKey() + " (" + bgr.cols() + "x" + bgr.rows() + "): " + e, f.cameraId(), f.jpeg()));
                closeAll(f.cameraId());
                // Out of the buffer too, or every rebuilt detector would be shown it again in its warm-up.
                recentFrames.remove(index);
                return false;
            }
            for (Detection det : found) {
                if (f.timestampMs() <= r.suppressUntilTs) {
                    r.suppressUntilTs = Long.MIN_VALUE; // the rebuilt detector now knows the episode itself
                    suppressed.inc();
                    // Never without a trace: if this was a new event after all, the operator sees it here.
                    ctx.output(DeadLetters.TAG, DeadLetters.of("restore", r.spec.type() + " confirmed again on " + f.cameraId()
                            + " at frame " + f.frameKey() + " by a detector rebuilt after a restore, within "
                            + RESTORE_GRACE_MS / 1000 + " s of its first frame: taken for the episode of alert "
                            + lastAlertId.get(r.spec.type()) + " and not reported again (" + det.reason() + ")",
                            f.cameraId(), f.jpeg()));
                    continue;
                }
                r.suppressUntilTs = Long.MIN_VALUE;
                raise(det, f, index, ctx);
            }
        }
        return true;
    }

    private void raise(Detection det, Frame f, long index, Context ctx) throws Exception {
        detections.inc();
        Frame firstFrame = recentFrames.get(Math.max(det.firstFrame(), index - keep() + 1));
        long firstSeq = firstFrame == null || !firstFrame.bootId().equals(f.bootId()) ? f.seq() : firstFrame.seq();
        Alert a = new Alert(Alert.idFor(f.cameraId(), det.type(), f), det.type(), f.siteId(), f.cameraId(),
                f.timestampMs(), firstSeq, f.seq(), det.score(), det.boxes(), det.reason());
        pendingClips.add(new PendingClip(a, index));
        lastAlertAt.put(det.type().wireName(), f.timestampMs());
        lastAlertId.put(det.type().wireName(), a.alertId());
        long due = ctx.timerService().currentProcessingTime() + evidence.flushAfterMs();
        ctx.timerService().registerProcessingTimeTimer(due);
        lastFlushTimer.update(due);
    }

    private void undecodable(Frame f, Context ctx) throws Exception {
        undecodable.inc();
        seenFrames.put(f.frameKey(), -1L);
        ctx.output(DeadLetters.TAG, DeadLetters.of("camera", "JPEG could not be decoded (frame "
                + f.frameKey() + " of " + f.cameraId() + ")", f.cameraId(), f.jpeg()));
    }

    /** Frames of this camera shown to its detectors since this instance opened, warm-up aside (for tests). */
    long detectorFrames(String cameraId) {
        return detectorFrames.getOrDefault(cameraId, 0L);
    }

    /** The size in the JPEG's frame header, or null when there is none to read (the decode then says so). */
    private static org.nce.model.JpegHeader.Size headerSize(Frame f) {
        try {
            return org.nce.model.JpegHeader.size(f.jpeg());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The camera's motion gate (not in state: after a restore its first frame passes). */
    private MotionGate gate(String cameraId) {
        MotionGate g = gatesByCamera.get(cameraId);
        if (g == null) {
            CameraConfig c = cameras.get(cameraId);
            g = new MotionGate(c == null ? MotionGateConfig.defaults() : c.motionGateConfig());
            gatesByCamera.put(cameraId, g);
        }
        return g;
    }

    private static Mat decode(Frame f) {
        return decode(f, opencv_imgcodecs.IMREAD_COLOR);
    }

    private static Mat decode(Frame f, int flags) {
        try (Mat encoded = new Mat(new BytePointer(f.jpeg()))) {
            Mat bgr = opencv_imgcodecs.imdecode(encoded, flags);
            if (bgr == null || bgr.empty()) {
                if (bgr != null) {
                    bgr.close();
                }
                return null;
            }
            return bgr;
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EvidenceRequest> out) throws Exception {
        Long next = nextIndex.value();
        long newest = next == null ? Long.MIN_VALUE : next - 1;
        // Only alerts whose own wait is over (by capture time); a later alert keeps waiting for its
        // post-event frames. The last timer flushes everything, whatever the camera's clock says.
        Long lastTimer = lastFlushTimer.value();
        boolean finalTimer = lastTimer == null || timestamp >= lastTimer;
        emitCompleteClips(newest, finalTimer ? Long.MAX_VALUE : timestamp - evidence.flushAfterMs(), out);
    }

    /**
     * Emits the clips whose post-event frames are in, and those raised (capture time) at or before
     * {@code flushRaisedBefore} with whatever frames there are.
     */
    private void emitCompleteClips(long newestIndex, long flushRaisedBefore, Collector<EvidenceRequest> out)
            throws Exception {
        List<PendingClip> waiting = new ArrayList<>();
        pendingClips.get().forEach(waiting::add);
        if (waiting.isEmpty()) {
            return;
        }
        List<PendingClip> still = new ArrayList<>();
        for (PendingClip p : waiting) {
            if (p.alert().eventTimeMs() <= flushRaisedBefore || newestIndex >= p.index() + evidence.postEventFrames()) {
                List<Frame> clip = new ArrayList<>();
                for (long i = p.index() - evidence.preEventFrames(); i <= p.index() + evidence.postEventFrames(); i++) {
                    Frame x = recentFrames.get(i);
                    if (x != null) {
                        clip.add(x);
                    }
                }
                // Capture order, not arrival order: with shared subscriptions a camera's frames reach this
                // subtask through two source subtasks, and may arrive a few frames out of order.
                clip.sort(java.util.Comparator.comparingLong(Frame::timestampMs).thenComparingLong(Frame::seq));
                double fps = fps(p.alert().sourceId()).current();
                out.collect(new EvidenceRequest(p.alert(), clip, List.of(), fps));
            } else {
                still.add(p);
            }
        }
        pendingClips.update(still);
    }

    /** The camera's estimate, from state after a restore. */
    private FpsEstimate fps(String cameraId) throws java.io.IOException {
        FpsEstimate e = fpsByCamera.get(cameraId);
        if (e == null) {
            e = FpsEstimate.fromState(fpsState.value());
            fpsByCamera.put(cameraId, e);
        }
        return e;
    }

    private void closeAll(String cameraId) {
        rebuiltAfterError.add(cameraId);
        MotionGate g = gatesByCamera.get(cameraId);
        if (g != null) {
            g.reset(); // the rebuilt detectors' first frame passes
        }
        List<Running> ds = detectorsByCamera.remove(cameraId);
        if (ds != null) {
            ds.forEach(r -> r.detector.close());
        }
    }

    @Override
    public void close() throws Exception {
        recentAlerts.close();
        if (detectorsByCamera != null) {
            detectorsByCamera.values().forEach(list -> list.forEach(r -> r.detector.close()));
        }
        if (gatesByCamera != null) {
            gatesByCamera.values().forEach(MotionGate::close);
        }
        super.close();
    }

    /** The camera's frame rate from its timestamps (exponential mean of the interval), 10 fps until known. */
    static final class FpsEstimate {
        private long lastTs = -1;
        private double meanIntervalMs = 100;

        double update(long ts) {
            if (lastTs >= 0 && ts > lastTs) {
                meanIntervalMs = 0.9 * meanIntervalMs + 0.1 * (ts - lastTs);
            }
            lastTs = ts;
            return current();
        }

        double current() {
            return Math.max(0.5, Math.min(120, 1000.0 / meanIntervalMs));
        }

        double[] toState() {
            return new double[] {lastTs, meanIntervalMs};
        }

        static FpsEstimate fromState(double[] s) {
            FpsEstimate e = new FpsEstimate();
            if (s != null && s.length == 2) {
                e.lastTs = (long) s[0];
                e.meanIntervalMs = s[1];
            }
            return e;
        }
    }
}
