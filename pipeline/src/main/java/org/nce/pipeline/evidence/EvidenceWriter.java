package org.nce.pipeline.evidence;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
import org.nce.pipeline.sensor.SensorLimits;

/**
 * Turns an {@link EvidenceRequest} into stored objects. Camera alerts: the MP4 clip of the original
 * frames, the original key frame (bytes as received, so its hash matches what the camera sent) and
 * an annotated copy with the detection boxes for the console. Sensor alerts: the readings as JSON
 * and a chart. Keys are deterministic per alert, so a replay overwrites.
 */
public final class EvidenceWriter {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final EvidenceStore store;
    private final Map<String, SensorLimits> limitsBySensor;
    private final ZoneId zone;

    public EvidenceWriter(EvidenceStore store, Map<String, SensorLimits> limitsBySensor, ZoneId zone) {
        this.store = store;
        this.limitsBySensor = limitsBySensor;
        this.zone = zone;
    }

    public static String prefix(Alert a) {
        return a.siteId() + "/" + a.sourceId() + "/" + DAY.format(Instant.ofEpochMilli(a.eventTimeMs())) + "/"
                + a.alertId().replaceAll("[^A-Za-z0-9._-]", "_");
    }

    public EvidencedAlert write(EvidenceRequest req) throws IOException {
        Alert a = req.alert();
        List<EvidenceRef> refs = new ArrayList<>();
        Map<String, String> meta = Map.of("alert-id", a.alertId(), "site", a.siteId(), "source", a.sourceId(),
                "event-type", a.type().wireName());
        if (!req.frames().isEmpty()) {
            ClipEncoder.Result clip;
            try {
                clip = ClipEncoder.encode(req.frames(), req.fps());
            } catch (org.bytedeco.javacv.FrameRecorder.Exception e) {
                throw new IOException("could not encode the clip of " + a.alertId() + ": " + e.getMessage(), e);
            }
            refs.add(store.put("clips/" + prefix(a) + ".mp4", clip.mp4(), "video/mp4", "clip",
                    withCodec(meta, clip.codec(), clip.frames())));
            Frame key = req.frames().stream()
                    .min(Comparator.comparingLong(f -> Math.abs(f.seq() - a.lastSeq()))).orElseThrow();
            refs.add(store.put("keyframes/" + prefix(a) + ".jpg", key.jpeg(), "image/jpeg", "keyframe",
                    Map.of("alert-id", a.alertId(), "frame-seq", Long.toString(key.seq()))));
            byte[] annotated = annotate(key.jpeg(), a.boxes());
            if (annotated != null) {
                refs.add(store.put("keyframes/" + prefix(a) + "-annotated.jpg", annotated, "image/jpeg",
                        "keyframe-annotated", Map.of("alert-id", a.alertId(), "frame-seq", Long.toString(key.seq()))));
            }
        }
        if (!req.readings().isEmpty()) {
            List<SensorReading> rs = req.readings();
            refs.add(store.put("readings/" + prefix(a) + ".json", Json.write(rs), "application/json", "readings", meta));
            SensorLimits limits = limitsBySensor.get(a.sourceId());
            if (limits != null) {
                double limit = limits.limitAt(Instant.ofEpochMilli(a.eventTimeMs()).atZone(zone).toLocalTime());
                byte[] png = SensorChart.png(rs, limit, a.firstSeq(), a.lastSeq(),
                        a.sourceId() + " — " + limits.standard(), limits.kind().unit(), zone);
                refs.add(store.put("charts/" + prefix(a) + ".png", png, "image/png", "chart", meta));
            }
        }
        return new EvidencedAlert(a, refs);
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
