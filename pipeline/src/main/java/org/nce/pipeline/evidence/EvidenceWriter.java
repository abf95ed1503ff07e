package org.nce.pipeline.evidence;

import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.nce.model.Alert;
import org.nce.model.Box;
import org.nce.model.EvidenceRef;
import org.nce.model.EvidencedAlert;
import org.nce.model.Frame;
import org.nce.model.Json;
import org.nce.model.SensorReading;
import org.nce.model.StoreLayout;

/**
 * Turns an {@link EvidenceRequest} into stored objects. Camera alerts: the MP4 clip of the original
 * frames, the original key frame (bytes as received, so its hash matches what the camera sent) and
 * an annotated copy with the detection boxes for the console. Sensor alerts: the readings as JSON
 * and a chart. Keys are deterministic per alert, so a replay overwrites.
 */
public final class EvidenceWriter {

    private final EvidenceStore store;
    private final ZoneId zone;

    public EvidenceWriter(EvidenceStore store, ZoneId zone) {
        this.store = store;
        this.zone = zone;
    }

    public static String prefix(Alert a) {
        return StoreLayout.prefix(a);
    }

    /**
     * What was written for an alert, and what could not be: each problem (a clip that will not
     * encode, a write-once conflict) is for the caller to record as an incident; the alert goes on
     * with the evidence that stands. Store outages are not problems: they throw, after the store's
     * retries, so the job restarts from its checkpoint and nothing is lost.
     */
    public record Written(EvidencedAlert alert, List<String> problems) {
    }

    public EvidencedAlert write(EvidenceRequest req) throws IOException {
        return writeAll(req).alert();
    }

    public Written writeAll(EvidenceRequest req) throws IOException {
        Alert a = req.alert();
        List<EvidenceRef> refs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, String> meta = Map.of("alert-id", a.alertId(), "site", a.siteId(), "source", a.sourceId(),
                "event-type", a.type().wireName());
        if (!req.frames().isEmpty()) {
            try {
                ClipEncoder.Result clip = ClipEncoder.encode(req.frames(), req.fps());
                put(refs, problems, StoreLayout.clip(a), clip.mp4(), "video/mp4", "clip",
                        withCodec(meta, clip.codec(), clip.frames()));
            } catch (org.bytedeco.javacv.FrameRecorder.Exception | RuntimeException e) {
                problems.add("the clip of " + a.alertId() + " (" + req.frames().size() + " frames) could not be encoded: " + e.getMessage());
            }
            // The frame that confirmed the alert: its capture time is the alert's time.
            Frame key = req.frames().stream()
                    .min(Comparator.comparingLong(f -> Math.abs(f.timestampMs() - a.eventTimeMs()))).orElseThrow();
            Map<String, String> keyMeta = Map.of("alert-id", a.alertId(), "frame", key.frameKey());
            put(refs, problems, StoreLayout.keyFrame(a), key.jpeg(), "image/jpeg", "keyframe", keyMeta);
            byte[] annotated = annotate(key.jpeg(), a.boxes());
            if (annotated != null) {
                put(refs, problems, StoreLayout.annotatedKeyFrame(a), annotated, "image/jpeg",
                        "keyframe-annotated", keyMeta);
            }
        }
        if (!req.readings().isEmpty()) {
            List<SensorReading> rs = req.readings();
            put(refs, problems, StoreLayout.readings(a), Json.write(rs), "application/json", "readings", meta);
            if (a.threshold() != null) {
                byte[] png = SensorChart.png(rs, a.threshold().value(), a.firstSeq(), a.lastSeq(),
                        a.sourceId() + " — " + a.threshold().basis(), a.threshold().unit(), zone);
                put(refs, problems, StoreLayout.chart(a), png, "image/png", "chart", meta);
            }
        }
        return new Written(new EvidencedAlert(a, refs), problems);
    }

    /** A write-once conflict keeps the object that stands (and says so); it never replaces it. */
    private void put(List<EvidenceRef> refs, List<String> problems, String key, byte[] bytes, String contentType,
                     String kind, Map<String, String> meta) throws IOException {
        try {
            refs.add(store.put(key, bytes, contentType, kind, meta));
        } catch (EvidenceConflictException e) {
            refs.add(e.stored());
            problems.add(e.getMessage());
        } catch (org.nce.pipeline.io.RetryPolicy.Refused e) {
            problems.add(key + " was not stored: " + e.getMessage()); // this object only; the store is up
        }
    }

    private static Map<String, String> withCodec(Map<String, String> meta, String codec, int frames) {
        java.util.HashMap<String, String> m = new java.util.HashMap<>(meta);
        m.put("codec", codec);
        m.put("frames", Integer.toString(frames));
        return m;
    }

    /** The key frame with the detection boxes drawn in red; null if the JPEG cannot be decoded. */
    static byte[] annotate(byte[] jpeg, List<Box> boxes) {
        try (Mat buf = new Mat(new BytePointer(jpeg));
             Mat img = opencv_imgcodecs.imdecode(buf, opencv_imgcodecs.IMREAD_COLOR)) {
            if (img == null || img.empty()) {
                return null;
            }
            for (Box b : boxes) {
                try (Rect r = new Rect(b.x(), b.y(), b.w(), b.h()); Scalar red = new Scalar(0, 0, 255, 0)) {
                    opencv_imgproc.rectangle(img, r, red, 3, opencv_imgproc.LINE_8, 0);
                }
            }
            try (Point p = new Point(8, 22); Scalar yellow = new Scalar(0, 255, 255, 0)) {
                opencv_imgproc.putText(img, "NCE evidence", p, opencv_imgproc.FONT_HERSHEY_SIMPLEX, 0.6, yellow, 2,
                        opencv_imgproc.LINE_AA, false);
            }
            try (BytePointer outBuf = new BytePointer()) {
                opencv_imgcodecs.imencode(".jpg", img, outBuf);
                byte[] out = new byte[(int) outBuf.limit()];
                outBuf.get(out);
                return out;
            }
        }
    }
}
