package org.nce.pipeline.camera;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nce.detectors.Detector;
import org.nce.detectors.DetectorFactory;
import org.nce.detectors.FrameMeta;
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
 * operator owns time and state. It keeps the last frames in Flink state (the pre-event buffer, so a
 * restart does not lose the lead-up to an event) and holds each alert until its post-event frames
 * have arrived, then emits the clip's frames for the evidence stage. A processing-time timer
 * flushes a clip whose camera went silent, so evidence is never held back.
 *
 * <p>Detector models (background, tracks) live outside Flink state and are rebuilt after a
 * restart; they relearn within seconds.
 */
public class CameraAnalysisFunction extends KeyedProcessFunction<String, Frame, EvidenceRequest> {
    private static final long serialVersionUID = 1L;

    private final Map<String, CameraConfig> cameras;
    private final EvidenceConfig evidence;

    private transient Map<String, List<Detector>> detectorsByCamera;
    private transient Map<String, FpsEstimate> fpsByCamera;
    private transient ListState<Frame> recentFrames;
    private transient ListState<Alert> awaitingPostFrames;
    private transient org.apache.flink.api.common.state.ValueState<Long> lastFlushTimer;
    private transient Counter analysed;
    private transient Counter detections;
    private transient Counter undecodable;

    public CameraAnalysisFunction(Map<String, CameraConfig> cameras, EvidenceConfig evidence) {
        this.cameras = Map.copyOf(cameras);
        this.evidence = evidence;
    }

    @Override
    public void open(OpenContext ctx) {
        detectorsByCamera = new HashMap<>();
        fpsByCamera = new HashMap<>();
        recentFrames = getRuntimeContext().getListState(new ListStateDescriptor<>("recent-frames", Frame.class));
        awaitingPostFrames = getRuntimeContext().getListState(new ListStateDescriptor<>("awaiting-post-frames", Alert.class));
        lastFlushTimer = getRuntimeContext().getState(
                new org.apache.flink.api.common.state.ValueStateDescriptor<>("last-flush-timer", Long.class));
        analysed = getRuntimeContext().getMetricGroup().counter("framesAnalysed");
        detections = getRuntimeContext().getMetricGroup().counter("cameraAlerts");
        undecodable = getRuntimeContext().getMetricGroup().counter("framesUndecodable");
    }

    @Override
    public void processElement(Frame f, Context ctx, Collector<EvidenceRequest> out) throws Exception {
        List<Frame> buffer = new ArrayList<>();
        recentFrames.get().forEach(buffer::add);
        Frame newest = buffer.isEmpty() ? null : buffer.get(buffer.size() - 1);
        if (newest != null && f.seq() <= newest.seq()) {
            if (f.timestampMs() <= newest.timestampMs()) {
                return; // a redelivery (at-least-once source) of a frame already analysed
            }
            buffer.clear(); // the gateway restarted its counter: a new sequence begins
        }
        buffer.add(f);
        int keep = evidence.preEventFrames() + evidence.postEventFrames() + 1;
        if (buffer.size() > keep) {
            buffer = new ArrayList<>(buffer.subList(buffer.size() - keep, buffer.size()));
        }
        recentFrames.update(buffer);

        double fps = fpsByCamera.computeIfAbsent(f.cameraId(), k -> new FpsEstimate()).update(f.timestampMs());
        try (Mat encoded = new Mat(new BytePointer(f.jpeg()));
             Mat bgr = opencv_imgcodecs.imdecode(encoded, opencv_imgcodecs.IMREAD_COLOR)) {
            if (bgr == null || bgr.empty()) {
                undecodable.inc();
                ctx.output(DeadLetters.TAG, DeadLetters.of("camera", "JPEG could not be decoded", f.cameraId(), f.jpeg()));
                return;
            }
            FrameMeta meta = new FrameMeta(f.cameraId(), f.seq(), f.timestampMs(), fps);
            for (Detector d : detectorsFor(f.cameraId())) {
                for (Detection det : d.detect(bgr, meta)) {
                    detections.inc();
                    awaitingPostFrames.add(new Alert(Alert.idFor(f.cameraId(), det.type(), det.firstFrame()), det.type(),
                            f.siteId(), f.cameraId(), f.timestampMs(), det.firstFrame(), det.lastFrame(), det.score(),
                            det.boxes(), det.reason()));
                    long due = ctx.timerService().currentProcessingTime() + evidence.flushAfterMs();
                    ctx.timerService().registerProcessingTimeTimer(due);
                    lastFlushTimer.update(due);
                }
            }
        }
        analysed.inc();
        emitCompleteClips(buffer, f.seq(), Long.MIN_VALUE, out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EvidenceRequest> out) throws Exception {
        List<Frame> buffer = new ArrayList<>();
        recentFrames.get().forEach(buffer::add);
        long last = buffer.isEmpty() ? Long.MIN_VALUE : buffer.get(buffer.size() - 1).seq();
        // Only alerts whose own wait is over (by capture time); a later alert keeps waiting for its
        // post-event frames. The last timer flushes everything, whatever the camera's clock says.
        Long lastTimer = lastFlushTimer.value();
        boolean finalTimer = lastTimer == null || timestamp >= lastTimer;
        emitCompleteClips(buffer, last, finalTimer ? Long.MAX_VALUE : timestamp - evidence.flushAfterMs(), out);
    }

    /**
     * Emits the clips whose post-event frames are in, and those raised (capture time) at or before
     * {@code flushRaisedBefore} with whatever frames there are.
     */
    private void emitCompleteClips(List<Frame> buffer, long newestSeq, long flushRaisedBefore, Collector<EvidenceRequest> out)
            throws Exception {
        List<Alert> waiting = new ArrayList<>();
        List<Alert> still = new ArrayList<>();
        awaitingPostFrames.get().forEach(waiting::add);
        if (waiting.isEmpty()) {
            return;
        }
        for (Alert a : waiting) {
            if (a.eventTimeMs() <= flushRaisedBefore || newestSeq >= a.lastSeq() + evidence.postEventFrames()) {
                long from = a.lastSeq() - evidence.preEventFrames();
                long to = a.lastSeq() + evidence.postEventFrames();
                List<Frame> clip = buffer.stream().filter(x -> x.seq() >= from && x.seq() <= to).toList();
                double fps = fpsByCamera.getOrDefault(a.sourceId(), new FpsEstimate()).current();
                out.collect(new EvidenceRequest(a, clip, List.of(), fps));
            } else {
                still.add(a);
            }
        }
        awaitingPostFrames.update(still);
    }

    private List<Detector> detectorsFor(String cameraId) {
        return detectorsByCamera.computeIfAbsent(cameraId, id -> {
            CameraConfig c = cameras.get(id);
            List<Detector> ds = new ArrayList<>();
            if (c != null) {
                for (DetectorSpec spec : c.detectors()) {
                    ds.add(DetectorFactory.create(spec.type(), spec.params()));
                }
            }
            return ds;
        });
    }

    @Override
    public void close() throws Exception {
        if (detectorsByCamera != null) {
            detectorsByCamera.values().forEach(list -> list.forEach(Detector::close));
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
    }
}
