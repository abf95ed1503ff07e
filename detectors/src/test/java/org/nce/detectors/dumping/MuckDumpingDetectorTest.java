package org.nce.detectors.dumping;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nce.detectors.Detector;
import org.nce.detectors.DetectorFactory;
import org.nce.detectors.FrameMeta;
import org.nce.detectors.geometry.Polygon;
import org.nce.detectors.objects.ObjectDetector;
import org.nce.detectors.objects.YoloConfig;
import org.nce.detectors.synthetic.DumpingScene;
import org.nce.detectors.synthetic.SyntheticScene;
import org.nce.model.Box;
import org.nce.model.Detection;
import org.nce.model.EventType;

class MuckDumpingDetectorTest {

    private static List<Detection> run(SyntheticScene scene, MuckDumpingDetector detector) {
        return run(scene, detector, scene::render);
    }

    private static List<Detection> run(SyntheticScene scene, MuckDumpingDetector detector, IntFunction<Mat> frames) {
        List<Detection> all = new ArrayList<>();
        for (int i = 0; i < scene.frameCount(); i++) {
            try (Mat frame = frames.apply(i)) {
                all.addAll(detector.detect(frame, FrameMeta.ofIndex("cam-1", i, scene.fps())));
            }
        }
        return all;
    }

    private static double coverage(Box outer, Box inner) {
        int ix = Math.max(0, Math.min(outer.x() + outer.w(), inner.x() + inner.w()) - Math.max(outer.x(), inner.x()));
        int iy = Math.max(0, Math.min(outer.y() + outer.h(), inner.y() + inner.h()) - Math.max(outer.y(), inner.y()));
        return (double) ix * iy / inner.area();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void reportsTheDumpedPileOnceInsideTheTruthInterval(long seed) {
        DumpingScene scene = DumpingScene.dumping(seed);
        SyntheticScene.Truth truth = scene.truth().get(0);
        List<Detection> dets;
        try (MuckDumpingDetector d = new MuckDumpingDetector(DumpingConfig.defaults())) {
            dets = run(scene, d);
        }
        assertEquals(1, dets.size(), "one report for one pile: " + dets);
        Detection det = dets.get(0);
        assertEquals(EventType.MUCK_DUMPING, det.type());
        assertTrue(det.lastFrame() >= truth.firstFrame() && det.lastFrame() <= truth.lastFrame(),
                "confirmed inside the truth interval: " + det);
        assertTrue(det.firstFrame() <= truth.firstFrame(), "'before' frame precedes the drop: " + det);
        assertTrue(det.firstFrame() < det.lastFrame());
        Box box = det.boxes().get(0);
        assertTrue(box.iou(scene.pileBox()) > 0.6, "box " + box + " vs pile " + scene.pileBox());
        assertTrue(det.score() > 0 && det.score() <= 1);
        assertTrue(det.reason().contains("before: frame " + det.firstFrame()), det.reason());
        assertTrue(det.reason().contains("confirmed: frame " + det.lastFrame()), det.reason());
        assertTrue(det.reason().contains("% of frame"), det.reason());
    }

    @Test
    void analysesNothingOutsideItsActiveHours() {
        // Scene timestamps start at the epoch: 08:00 in Shanghai.
        DumpingScene scene = DumpingScene.dumping(1);
        try (MuckDumpingDetector night = new MuckDumpingDetector(DumpingConfig.defaults().withActiveHours("20:00-06:00"));
             MuckDumpingDetector morning = new MuckDumpingDetector(DumpingConfig.defaults().withActiveHours("06:00-09:00"))) {
            assertEquals(List.of(), run(scene, night));
            assertEquals(1, run(scene, morning).size());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void silentOnLightingChangesAndAPassingTruck(long seed) {
        try (MuckDumpingDetector d = new MuckDumpingDetector(DumpingConfig.defaults())) {
            assertEquals(List.of(), run(DumpingScene.lightingAndPassing(seed), d));
        }
    }

    @Test
    void theStreetLampIsKeptOutByTheTextureTest() {
        // The negative scene's lamp switches on at once and its pool of light stays: new, static,
        // abrupt, near where a truck drove. Only its texture (the asphalt's, brightened) says it is
        // not an object: with the texture test off it is reported; with the default it is not.
        DumpingConfig d = DumpingConfig.defaults();
        DumpingConfig noTextureTest = new DumpingConfig(d.zones(), d.minAreaFraction(), d.minStaticSeconds(),
                d.longTermSeconds(), d.shortTermSeconds(), d.requireActor(), d.actorLookbackSeconds(),
                d.minActorAreaFraction(), d.illuminationCompensation(), d.diffThreshold(), 0.0, d.quietSeconds(),
                d.workWidth(), null, null, d.timeZone());
        try (MuckDumpingDetector det = new MuckDumpingDetector(noTextureTest)) {
            assertTrue(run(DumpingScene.lightingAndPassing(1), det).size() > 0);
        }
        try (MuckDumpingDetector det = new MuckDumpingDetector(d)) {
            assertEquals(List.of(), run(DumpingScene.lightingAndPassing(1), det));
        }
    }

    @Test
    void silentWhenTheDropIsOutsideEveryZone() {
        // Zone: the far (right) half of the road only; the pile lies on the left.
        DumpingConfig cfg = DumpingConfig.defaults().withZones(List.of(Polygon.rectangle(0.6, 0.4, 1, 1)));
        try (MuckDumpingDetector d = new MuckDumpingDetector(cfg)) {
            assertEquals(List.of(), run(DumpingScene.dumping(1), d));
        }
    }

    @Test
    void reportsWhenTheDropIsInsideAZone() {
        DumpingConfig cfg = DumpingConfig.defaults().withZones(List.of(Polygon.rectangle(0.1, 0.5, 0.6, 1)));
        try (MuckDumpingDetector d = new MuckDumpingDetector(cfg)) {
            assertEquals(1, run(DumpingScene.dumping(1), d).size());
        }
    }

    @Test
    void silentWhenNoActorIsRequiredButTheStaticTimeIsLongerThanTheClip() {
        // The pile is static for about 13 s of the 30 s scene: 20 s is never reached.
        DumpingConfig cfg = DumpingConfig.defaults().withMinStaticSeconds(20).withRequireActor(false);
        try (MuckDumpingDetector d = new MuckDumpingDetector(cfg)) {
            assertEquals(List.of(), run(DumpingScene.dumping(1), d));
        }
    }

    @Test
    void withAnObjectDetectorTheTruckIsTheActorAndThePileIsReported() {
        DumpingScene scene = DumpingScene.dumping(2);
        CabColourObjectDetector objects = new CabColourObjectDetector();
        List<Detection> dets;
        try (MuckDumpingDetector d = new MuckDumpingDetector(DumpingConfig.defaults(), objects)) {
            dets = run(scene, d);
        }
        assertEquals(1, dets.size(), dets.toString());
        assertTrue(dets.get(0).reason().contains("object detector"), dets.get(0).reason());
        assertTrue(coverage(dets.get(0).boxes().get(0), scene.pileBox()) > 0.6);
        // Run only on frames with motion, at most every half second: far fewer calls than frames.
        assertTrue(objects.calls > 0 && objects.calls < scene.frameCount() / 3, "calls " + objects.calls);
    }

    @Test
    void withAnObjectDetectorAParkedTruckIsNotAPile() {
        try (MuckDumpingDetector d = new MuckDumpingDetector(DumpingConfig.defaults(), new CabColourObjectDetector())) {
            assertEquals(List.of(), run(DumpingScene.parkedTruck(3), d));
        }
    }

    @Test
    void withoutAnObjectDetectorAParkedTruckIsNotAPileEither() {
        // Nothing moves off from beside a truck that merely stands: the departure test holds it back.
        try (MuckDumpingDetector d = new MuckDumpingDetector(DumpingConfig.defaults())) {
            assertEquals(List.of(), run(DumpingScene.parkedTruck(1), d));
        }
    }

    @Test
    void withoutAnActorNearbyThePileIsNotReported() {
        // An object detector that never sees anyone: the pile "appears" with no person or vehicle.
        ObjectDetector blind = new ObjectDetector() {
            @Override
            public List<DetectedObject> detect(Mat bgr) {
                return List.of();
            }

            @Override
            public void close() {
            }
        };
        try (MuckDumpingDetector d = new MuckDumpingDetector(DumpingConfig.defaults(), blind)) {
            assertEquals(List.of(), run(DumpingScene.dumping(1), d));
        }
    }

    @Test
    void aPanningCameraRestartsTheBackgroundsInsteadOfReporting() {
        // The dumping scene seen by a camera that pans 0.8 px per frame: every "new" region is motion
        // of the whole view, and the drop is never seen from one place long enough.
        DumpingScene scene = DumpingScene.dumping(1);
        try (MuckDumpingDetector d = new MuckDumpingDetector(DumpingConfig.defaults())) {
            List<Detection> dets = run(scene, d, i -> shifted(scene.render(i), 0.8 * i));
            assertEquals(List.of(), dets);
        }
    }

    private static Mat shifted(Mat frame, double dx) {
        try (frame; Mat m = new Mat(2, 3, org.bytedeco.opencv.global.opencv_core.CV_64F)) {
            org.bytedeco.javacpp.indexer.DoubleIndexer idx = m.createIndexer();
            idx.put(0, 0, 1).put(0, 1, 0).put(0, 2, -dx).put(1, 0, 0).put(1, 1, 1).put(1, 2, 0);
            idx.close();
            Mat out = new Mat();
            warpAffine(frame, out, m, new Size(frame.cols(), frame.rows()), INTER_LINEAR, BORDER_REFLECT, new Scalar());
            return out;
        }
    }

    @Test
    void stateStaysFarBelowTheBudget() {
        DumpingScene scene = DumpingScene.dumping(1);
        try (MuckDumpingDetector d = new MuckDumpingDetector(DumpingConfig.defaults()); Mat f = scene.render(0)) {
            assertEquals(0, d.stateBytes());
            d.detect(f, FrameMeta.ofIndex("cam-1", 0, scene.fps()));
            long bytes = d.stateBytes();
            assertTrue(bytes > 100_000 && bytes < 32L * 1024 * 1024, "stateBytes " + bytes);
        }
    }

    @Test
    void worksOnAnyFrameSize() {
        try (MuckDumpingDetector d = new MuckDumpingDetector(DumpingConfig.defaults())) {
            for (int i = 0; i < 5; i++) {
                try (Mat f = new Mat(288, 352, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(90, 90, 90, 0))) {
                    assertEquals(List.of(), d.detect(f, FrameMeta.ofIndex("c", i, 25)));
                }
            }
            try (Mat big = new Mat(720, 1280, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(90, 90, 90, 0))) {
                assertEquals(List.of(), d.detect(big, FrameMeta.ofIndex("c", 5, 25)));
            }
        }
    }

    @Test
    void createWithoutAModelFallsBackToTheMotionActorGate() {
        // No actor_model, or one whose files are not there: still a working dumping detector, gating
        // on moving blobs, and it finds the synthetic truck's pile just as the plain constructor does.
        YoloConfig missing = YoloConfig.darknet("/no/such/dir/yolo.cfg", "/no/such/dir/yolo.weights", null);
        for (DumpingConfig cfg : List.of(DumpingConfig.defaults(), DumpingConfig.defaults().withActorModel(missing),
                DumpingConfig.defaults().withActorModel(YoloConfig.defaults()))) {
            try (MuckDumpingDetector d = MuckDumpingDetector.create(cfg)) {
                assertFalse(d.usesObjectDetector());
                assertEquals(1, run(DumpingScene.dumping(1), d).size());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> MuckDumpingDetector.create(null));
    }

    @Test
    void theFactoryReadsAPartialActorModelBlockAndFallsBackWhenItsFilesAreMissing() {
        Map<String, Object> params = Map.of("actor_model",
                Map.of("model_path", "/no/such/dir/yolo.cfg", "weights_path", "/no/such/dir/yolo.weights"));
        try (Detector d = DetectorFactory.create(DetectorFactory.MUCK_DUMPING, params)) {
            MuckDumpingDetector m = assertInstanceOf(MuckDumpingDetector.class, d);
            assertFalse(m.usesObjectDetector());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DetectorFactory.create(
                DetectorFactory.MUCK_DUMPING, Map.of("actor_model", Map.of("input_size", 100))));
        assertTrue(e.getMessage().contains("input_size"), e.getMessage());
    }

    @Test
    void typeIsMuckDumpingAndConfigIsRequired() {
        try (MuckDumpingDetector d = new MuckDumpingDetector(DumpingConfig.defaults())) {
            assertEquals(EventType.MUCK_DUMPING, d.type());
        }
        assertThrows(IllegalArgumentException.class, () -> new MuckDumpingDetector(null));
    }
}
