package org.nce.detectors.dog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.nce.detectors.FrameMeta;
import org.nce.detectors.geometry.Polygon;
import org.nce.detectors.objects.CocoClasses;
import org.nce.detectors.objects.ObjectDetector;
import org.nce.detectors.objects.YoloConfig;
import org.nce.detectors.synthetic.DogScene;
import org.nce.detectors.synthetic.SceneObjectDetector;
import org.nce.detectors.synthetic.SyntheticScene.Truth;
import org.nce.model.Box;
import org.nce.model.Detection;
import org.nce.model.EventType;

/** The leash rule on synthetic scenes with exact truth, through a colour-finding stand-in for YOLO. */
class UnleashedDogDetectorTest {

    private static List<Detection> run(DogScene scene, UnleashedDogDetector det) {
        List<Detection> out = new ArrayList<>();
        for (int i = 0; i < scene.frameCount(); i++) {
            try (Mat frame = scene.render(i)) {
                out.addAll(det.detect(frame, FrameMeta.ofIndex(scene.name(), i, scene.fps())));
            }
        }
        return out;
    }

    private static List<Detection> run(DogScene scene, DogConfig config, ObjectDetector objects) {
        try (UnleashedDogDetector det = new UnleashedDogDetector(config, objects)) {
            return run(scene, det);
        }
    }

    @Test
    void leashedWalkIsNotReported() {
        assertEquals(List.of(), run(DogScene.leashedWalk(1), DogConfig.defaults(), new SceneObjectDetector()));
    }

    @Test
    void leashedWalkIsNotReportedWhenDetectorMissesTwoThirds() {
        for (long seed = 1; seed <= 3; seed++) {
            List<Detection> found = run(DogScene.leashedWalk(seed), DogConfig.defaults(), new SceneObjectDetector(0.35, seed));
            assertEquals(List.of(), found, "seed " + seed);
        }
    }

    @Test
    void dogAloneIsReportedOnceAfterPersistenceWithinTruth() {
        DogScene scene = DogScene.dogAlone(2);
        DogConfig config = DogConfig.defaults();
        List<Detection> found = run(scene, config, new SceneObjectDetector());
        assertEquals(1, found.size(), found::toString);
        Detection d = found.get(0);
        Truth truth = scene.truth().get(0);
        assertEquals(EventType.UNLEASHED_DOG, d.type());
        assertTrue(d.firstFrame() >= truth.firstFrame() && d.lastFrame() <= truth.lastFrame(), d::toString);
        double seconds = (d.lastFrame() - d.firstFrame()) / scene.fps();
        assertTrue(seconds >= config.unleashedMs() / 1000.0, "reported after " + seconds + " s");
        assertTrue(d.reason().contains("no person in view"), d.reason());
        assertTrue(d.score() > 0 && d.score() <= 1);
        assertTrue(d.boxes().get(0).iou(scene.dogBox((int) d.lastFrame())) > 0.5, d::toString);
    }

    @Test
    void dogAloneIsReportedWhenDetectorMissesTwoThirds() {
        for (long seed = 1; seed <= 3; seed++) {
            List<Detection> found = run(DogScene.dogAlone(seed), DogConfig.defaults(), new SceneObjectDetector(0.35, seed));
            assertEquals(1, found.size(), "seed " + seed + ": " + found);
        }
    }

    /**
     * Stands for a network that takes something small for a dog when it sees the whole frame squeezed
     * into its input, but not when it looks at that thing's neighbourhood (the burning pile YOLO-Fastest
     * calls a dog in the firesense clip): dogs only in full frames.
     */
    private static final class FarSightedDetector implements ObjectDetector {
        private final SceneObjectDetector inner = new SceneObjectDetector();
        private final int fullWidth;

        FarSightedDetector(int fullWidth) {
            this.fullWidth = fullWidth;
        }

        @Override
        public List<DetectedObject> detect(Mat bgr) {
            return bgr.cols() == fullWidth ? inner.detect(bgr) : List.of();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aDogThatACloserLookDoesNotFindIsNotReported() {
        DogScene scene = DogScene.dogAlone(2);
        assertEquals(List.of(), run(scene, DogConfig.defaults(), new FarSightedDetector(scene.width())));
        // Without the closer look the same stand-in raises the alarm: the look is what holds it back.
        assertEquals(1, run(scene, DogConfig.defaults().withCloserLook(false), new FarSightedDetector(scene.width()))
                .size());
    }

    /**
     * The scene's real dog, plus a phantom "dog" that scores higher but only in full frames (a
     * burning pile the network takes for a dog from afar), standing still in a corner.
     */
    private static final class PhantomDogDetector implements ObjectDetector {
        static final Box PHANTOM = new Box(560, 20, 40, 30);
        private final SceneObjectDetector inner = new SceneObjectDetector();
        private final int fullWidth;

        PhantomDogDetector(int fullWidth) {
            this.fullWidth = fullWidth;
        }

        @Override
        public List<DetectedObject> detect(Mat bgr) {
            List<DetectedObject> out = new ArrayList<>(inner.detect(bgr));
            if (bgr.cols() == fullWidth) {
                out.add(new DetectedObject(CocoClasses.DOG, "dog", 0.95, PHANTOM));
            }
            return out;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aHigherScoringFalseDogDoesNotKeepTheRealOneFromBeingReported() {
        DogScene scene = DogScene.dogAlone(2);
        List<Detection> found = run(scene, DogConfig.defaults(), new PhantomDogDetector(scene.width()));
        assertEquals(1, found.size(), found::toString);
        Detection d = found.get(0);
        assertTrue(d.boxes().get(0).iou(scene.dogBox((int) d.lastFrame())) > 0.5, d::toString);
    }

    @Test
    void theReasonSaysTheCloserLookAgreed() {
        List<Detection> found = run(DogScene.dogAlone(2), DogConfig.defaults(), new SceneObjectDetector());
        assertEquals(1, found.size());
        assertTrue(found.get(0).reason().contains("a closer look agrees (dog 0.90)"), found.get(0).reason());
    }

    @Test
    void aDogCountsOnlyWhereItsPawsStandInAZone() {
        // The lone dog runs back and forth with its paws at y = 0.72 of the frame.
        DogConfig lawn = DogConfig.defaults().withZones(List.of(Polygon.rectangle(0, 0.6, 1, 0.85)));
        DogConfig pavement = DogConfig.defaults().withZones(List.of(Polygon.rectangle(0, 0.85, 1, 1)));
        assertEquals(1, run(DogScene.dogAlone(2), lawn, new SceneObjectDetector()).size());
        assertEquals(List.of(), run(DogScene.dogAlone(2), pavement, new SceneObjectDetector()));
    }

    @Test
    void analysesNothingOutsideItsActiveHours() {
        // Scene timestamps start at the epoch: 08:00 in Shanghai.
        SceneObjectDetector night = new SceneObjectDetector();
        assertEquals(List.of(), run(DogScene.dogAlone(2), DogConfig.defaults().withActiveHours("20:00-06:00"), night));
        assertEquals(0, night.calls(), "the network never ran");
        assertEquals(1, run(DogScene.dogAlone(2), DogConfig.defaults().withActiveHours("06:00-09:00"),
                new SceneObjectDetector()).size());
    }

    @Test
    void dogFarFromPersonIsReportedAndSaysHowFar() {
        List<Detection> found = run(DogScene.dogFarFromPerson(3), DogConfig.defaults(), new SceneObjectDetector());
        assertEquals(1, found.size(), found::toString);
        assertTrue(found.get(0).reason().contains("heights away"), found.get(0).reason());
    }

    @Test
    void largerLeashFactorMakesTheFarPersonAnOwner() {
        // The dog runs 2.9 to 5.6 person heights (260..500 px) from the person: k = 6 covers all of it.
        DogConfig generous = DogConfig.defaults().withLeashHeights(6.0);
        assertEquals(List.of(), run(DogScene.dogFarFromPerson(3), generous, new SceneObjectDetector()));
    }

    @Test
    void nothingBeforePersistenceTime() {
        DogScene scene = DogScene.dogAlone(4);
        // Longer than the scene: never confirmed.
        DogConfig slow = DogConfig.defaults().withUnleashedMs((long) (scene.frameCount() / scene.fps() * 1000) + 1000);
        assertEquals(List.of(), run(scene, slow, new SceneObjectDetector()));
    }

    @Test
    void reportsAgainOnlyAfterQuietTime() {
        DogScene scene = DogScene.dogAlone(5);
        try (UnleashedDogDetector det = new UnleashedDogDetector(DogConfig.defaults(), new SceneObjectDetector())) {
            assertEquals(1, run(scene, det).size());
            // Same camera, the dog keeps running (timestamps continue): still the same event.
            List<Detection> more = new ArrayList<>();
            for (int i = 0; i < scene.frameCount(); i++) {
                try (Mat frame = scene.render(i)) {
                    more.addAll(det.detect(frame, FrameMeta.ofIndex("cam", scene.frameCount() + i, scene.fps())));
                }
            }
            assertEquals(List.of(), more);
        }
    }

    @Test
    void networkRunsOnAStrideNotEveryFrame() {
        DogScene scene = DogScene.dogAlone(6);
        SceneObjectDetector objects = new SceneObjectDetector();
        DogConfig config = DogConfig.defaults().withDetectIntervalMs(300);
        try (UnleashedDogDetector det = new UnleashedDogDetector(config, objects)) {
            run(scene, det);
            assertEquals(scene.frameCount(), det.framesSeen());
            // 10 fps and a 300 ms stride: one pass in 3 frames, plus one closer look before the report.
            assertEquals(Math.ceil(scene.frameCount() / 3.0), det.networkRuns(), 1.0);
            assertEquals(1, det.closerLooks());
            assertEquals(objects.calls(), det.networkRuns() + det.closerLooks());
        }
    }

    @Test
    void noModelMeansDisabledAndSilentButDoesNotThrow() {
        DogConfig config = DogConfig.defaults().withModel(
                YoloConfig.darknet("/nonexistent/yolo.cfg", "/nonexistent/yolo.weights", null));
        try (UnleashedDogDetector det = UnleashedDogDetector.create(config);
             UnleashedDogDetector none = UnleashedDogDetector.create(DogConfig.defaults())) {
            assertFalse(det.enabled());
            assertFalse(none.enabled());
            assertEquals(List.of(), run(DogScene.dogAlone(7), det));
            assertEquals(EventType.UNLEASHED_DOG, none.type());
        }
    }

    @Test
    void stateIsSmall() {
        try (UnleashedDogDetector det = new UnleashedDogDetector(DogConfig.defaults(), new SceneObjectDetector())) {
            run(DogScene.leashedWalk(8), det);
            assertTrue(det.stateBytes() > 0 && det.stateBytes() < 1_000_000, "stateBytes " + det.stateBytes());
        }
    }

    @Test
    void gapIsEdgeDistance() {
        assertEquals(0.0, UnleashedDogDetector.gap(new org.nce.model.Box(0, 0, 10, 10), new org.nce.model.Box(5, 5, 10, 10)));
        assertEquals(5.0, UnleashedDogDetector.gap(new org.nce.model.Box(0, 0, 10, 10), new org.nce.model.Box(15, 0, 10, 10)));
        assertEquals(5.0, UnleashedDogDetector.gap(new org.nce.model.Box(0, 0, 10, 10), new org.nce.model.Box(13, 14, 10, 10)));
    }
}
