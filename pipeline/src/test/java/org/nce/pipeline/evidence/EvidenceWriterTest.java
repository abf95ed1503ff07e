package org.nce.pipeline.evidence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.model.Alert;
import org.nce.model.Box;
import org.nce.model.EventType;
import org.nce.model.EvidenceRef;
import org.nce.model.EvidencedAlert;
import org.nce.model.Frame;
import org.nce.model.SensorKind;
import org.nce.model.SensorReading;
import org.nce.model.Hashes;

class EvidenceWriterTest {

    static List<Frame> movingDotFrames(int n) {
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try (Mat m = new Mat(240, 320, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(40, 90, 40, 0));
                 BytePointer buf = new BytePointer()) {
                opencv_imgproc.circle(m, new Point(20 + i * 10, 120), 12, new Scalar(0, 0, 255, 0), -1, opencv_imgproc.LINE_8, 0);
                opencv_imgcodecs.imencode(".jpg", m, buf);
                byte[] jpeg = new byte[(int) buf.limit()];
                buf.get(jpeg);
                frames.add(new Frame("site-a", "cam-1", "boot-a", i, 1_780_000_000_000L + i * 100L, 320, 240, jpeg));
            }
        }
        return frames;
    }

    @Test
    void cameraEvidenceIsAnH264ClipPlusTheOriginalAndAnnotatedKeyFrame(@TempDir Path tmp) throws Exception {
        InMemoryEvidenceStore store = new InMemoryEvidenceStore();
        List<Frame> frames = movingDotFrames(20);
        Alert a = new Alert("cam-1:open_burning:3", EventType.OPEN_BURNING, "site-a", "cam-1", frames.get(10).timestampMs(),
                3, 10, 0.8, List.of(new Box(100, 100, 40, 40)), "flame");
        EvidencedAlert out = new EvidenceWriter(store, ZoneId.of("UTC")).write(new EvidenceRequest(a, frames, List.of(), 10));

        assertEquals(List.of("clip", "keyframe", "keyframe-annotated"), out.evidence().stream().map(EvidenceRef::kind).toList());
        for (EvidenceRef r : out.evidence()) {
            assertEquals(Hashes.sha256(store.get(r.key())), r.sha256());
            assertTrue(r.key().contains("site-a/cam-1/"), r.key());
        }
        assertArrayEquals(frames.get(10).jpeg(), store.get(out.evidence().get(1).key()), "key frame is stored byte for byte");

        Path mp4 = tmp.resolve("clip.mp4");
        Files.write(mp4, store.get(out.evidence().get(0).key()));
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(mp4.toFile())) {
            g.start();
            assertEquals("h264", g.getVideoCodecName());
            int decoded = 0;
            while (g.grabImage() != null) {
                decoded++;
            }
            assertEquals(20, decoded);
        }
    }

    /**
     * Finding 1: evidence is write-once. A second write of different bytes under an alert's keys (a
     * replay that encoded differently, or an id collision) is refused and reported; the object
     * first written stands, byte for byte, and the alert cites it.
     */
    @Test
    void aSecondWriteOfDifferentBytesIsRefusedAndTheFirstObjectStands() throws Exception {
        InMemoryEvidenceStore store = new InMemoryEvidenceStore();
        List<Frame> frames = movingDotFrames(20);
        Alert a = new Alert("cam-1:open_burning:boot-a-10", EventType.OPEN_BURNING, "site-a", "cam-1",
                frames.get(10).timestampMs(), 0, 10, 0.8, List.of(new Box(100, 100, 40, 40)), "flame");
        EvidenceWriter w = new EvidenceWriter(store, ZoneId.of("UTC"));
        EvidenceWriter.Written first = w.writeAll(new EvidenceRequest(a, frames, List.of(), 10));
        assertTrue(first.problems().isEmpty(), first.problems().toString());
        Map<String, byte[]> before = store.objects();

        EvidenceWriter.Written same = w.writeAll(new EvidenceRequest(a, frames, List.of(), 10));
        assertTrue(same.problems().isEmpty(), "a replay of the same evidence is no incident: " + same.problems());
        assertEquals(first.alert(), same.alert());

        EvidenceWriter.Written other = w.writeAll(new EvidenceRequest(a, frames.subList(5, 20), List.of(), 10));
        assertTrue(other.problems().stream().anyMatch(p -> p.contains("write-once") && p.contains("clips/")), other.problems().toString());
        assertEquals(before.keySet(), store.objects().keySet());
        for (var e : before.entrySet()) {
            assertArrayEquals(e.getValue(), store.objects().get(e.getKey()), "unchanged: " + e.getKey());
        }
        assertEquals(first.alert().evidence(), other.alert().evidence(), "the alert cites what stands");
    }

    /** Finding 3: a clip that cannot be encoded is a problem reported, not a job failure; the key frame is kept. */
    @Test
    void aClipThatWillNotEncodeIsReportedAndTheKeyFrameIsStillKept() throws Exception {
        InMemoryEvidenceStore store = new InMemoryEvidenceStore();
        List<Frame> frames = new ArrayList<>(movingDotFrames(10));
        frames.set(0, new Frame("site-a", "cam-1", "boot-a", 0, frames.get(0).timestampMs(), 320, 240,
                new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, (byte) 0xFF, (byte) 0xD9}));
        Alert a = new Alert("cam-1:open_burning:boot-a-5", EventType.OPEN_BURNING, "site-a", "cam-1",
                frames.get(5).timestampMs(), 0, 5, 0.8, List.of(), "flame");
        EvidenceWriter.Written w = new EvidenceWriter(store, ZoneId.of("UTC"))
                .writeAll(new EvidenceRequest(a, frames, List.of(), 10));
        assertTrue(w.problems().stream().anyMatch(p -> p.contains("could not be encoded")), w.problems().toString());
        assertEquals(List.of("keyframe", "keyframe-annotated"), w.alert().evidence().stream().map(EvidenceRef::kind).toList());
        assertArrayEquals(frames.get(5).jpeg(), store.get(w.alert().evidence().get(0).key()));
    }

    @Test
    void sensorEvidenceIsTheReadingsAndAChart() throws Exception {
        InMemoryEvidenceStore store = new InMemoryEvidenceStore();
        List<SensorReading> rs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rs.add(new SensorReading("site-a", "n1", SensorKind.NOISE, 1_780_000_000_000L + i * 1000L, 50 + (i > 10 ? 15 : 0), null, null));
        }
        Alert a = new Alert("n1:noise_exceedance:1", EventType.NOISE_EXCEEDANCE, "site-a", "n1", rs.get(11).timestampMs(),
                rs.get(11).timestampMs(), rs.get(39).timestampMs(), 0.7, List.of(), "loud",
                new org.nce.model.Threshold(50, "dB(A)", "GB 3096-2008 class 2 night"));
        EvidencedAlert out = new EvidenceWriter(store, ZoneId.of("Asia/Shanghai"))
                .write(new EvidenceRequest(a, List.of(), rs, 0));
        assertEquals(List.of("readings", "chart"), out.evidence().stream().map(EvidenceRef::kind).toList());
        byte[] png = store.get(out.evidence().get(1).key());
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        List<?> back = org.nce.model.Json.MAPPER.readValue(store.get(out.evidence().get(0).key()), List.class);
        assertEquals(40, back.size());
    }
}
