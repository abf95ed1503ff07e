package org.nce.detectors.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nce.detectors.objects.ObjectDetector.DetectedObject;
import org.nce.detectors.tracking.IouTracker.Config;
import org.nce.detectors.tracking.IouTracker.Track;
import org.nce.model.Box;

class IouTrackerTest {

    private static DetectedObject dog(int x, int y) {
        return new DetectedObject(16, "dog", 0.8, new Box(x, y, 40, 30));
    }

    private static DetectedObject person(int x, int y) {
        return new DetectedObject(0, "person", 0.9, new Box(x, y, 30, 80));
    }

    @Test
    void keepsIdWhileObjectMovesAndCountsHits() {
        IouTracker t = new IouTracker();
        long id = t.update(List.of(dog(100, 100)), 0).get(0).id();
        for (int i = 1; i <= 10; i++) {
            List<Track> live = t.update(List.of(dog(100 + 5 * i, 100)), i * 100L);
            assertEquals(1, live.size());
            assertEquals(id, live.get(0).id());
        }
        Track tr = t.tracks().get(0);
        assertEquals(11, tr.hits());
        assertEquals(0, tr.misses());
        assertEquals(10, tr.age());
        assertEquals(50.0, tr.velocityX(), 1e-6);
        assertEquals(0.0, tr.velocityY(), 1e-6);
    }

    @Test
    void classAwareNeverMatchesAcrossClasses() {
        IouTracker t = new IouTracker();
        t.update(List.of(dog(100, 100)), 0);
        List<Track> live = t.update(List.of(new DetectedObject(0, "person", 0.9, new Box(100, 100, 40, 30))), 100);
        assertEquals(2, live.size());
        assertNotEquals(live.get(0).classId(), live.get(1).classId());
        assertEquals(1, live.get(0).misses());
    }

    @Test
    void survivesGapShorterThanCoastTimeAndDiesAfter() {
        IouTracker t = new IouTracker(new Config(0.2, 1.0, 3000, 0.5, 1000));
        long id = t.update(List.of(dog(100, 100)), 0).get(0).id();
        for (long ms = 200; ms <= 2800; ms += 200) {
            assertEquals(1, t.update(List.of(), ms).size());
        }
        assertEquals(14, t.tracks().get(0).misses());
        assertEquals(id, t.update(List.of(dog(104, 100)), 2900).get(0).id());
        assertEquals(0, t.tracks().get(0).misses());
        assertEquals(1, t.update(List.of(), 5900).size());
        assertTrue(t.update(List.of(), 5901).isEmpty(), "coasted longer than 3000 ms");
    }

    @Test
    void predictMovesBoxWithVelocityWithoutCountingMisses() {
        IouTracker t = new IouTracker(new Config(0.2, 1.0, 3000, 1.0, 1000));
        t.update(List.of(dog(100, 100)), 0);
        t.update(List.of(dog(110, 100)), 100); // 100 px/s
        Track tr = t.predict(300).get(0);
        assertEquals(130, tr.box().x());
        assertEquals(110, tr.lastBox().x());
        assertEquals(0, tr.misses());
        // Capped at maxPredictMs: 1000 ms of motion at most.
        assertEquals(210, t.predict(2500).get(0).box().x());
    }

    @Test
    void predictionLetsFastObjectRejoinAfterGap() {
        IouTracker t = new IouTracker(new Config(0.3, 0.0, 3000, 1.0, 2000));
        t.update(List.of(dog(0, 100)), 0);
        long id = t.update(List.of(dog(20, 100)), 100).get(0).id(); // 200 px/s
        // One second later the dog is 200 px further: no overlap with its last box, full overlap with the prediction.
        List<Track> live = t.update(List.of(dog(222, 100)), 1100);
        assertEquals(1, live.size());
        assertEquals(id, live.get(0).id());
    }

    @Test
    void centreJumpFallbackJoinsNearbyButNotFarOrDifferentSize() {
        IouTracker t = new IouTracker(new Config(0.5, 1.0, 3000, 0.0, 0));
        long id = t.update(List.of(dog(100, 100)), 0).get(0).id();
        // 30 px away (diagonal 50): no IoU >= 0.5, but within one diagonal.
        assertEquals(id, t.update(List.of(dog(130, 100)), 100).get(0).id());
        // 200 px away: a new track.
        assertEquals(2, t.update(List.of(dog(330, 100)), 200).size());
        // Same place, 4x larger in each side: a new track, not the first.
        IouTracker u = new IouTracker(new Config(0.5, 1.0, 3000, 0.0, 0));
        u.update(List.of(dog(100, 100)), 0);
        assertEquals(2, u.update(List.of(new DetectedObject(16, "dog", 0.8, new Box(90, 90, 160, 120))), 100).size());
    }

    @Test
    void greedyAssignmentPrefersBestOverlapAndKeepsTwoObjectsApart() {
        IouTracker t = new IouTracker();
        List<Track> first = t.update(List.of(dog(100, 100), dog(160, 100), person(300, 50)), 0);
        long a = first.get(0).id();
        long b = first.get(1).id();
        List<Track> live = t.update(List.of(dog(165, 100), dog(104, 100), person(302, 52)), 100);
        assertEquals(3, live.size());
        assertEquals(104, live.stream().filter(x -> x.id() == a).findFirst().orElseThrow().lastBox().x());
        assertEquals(165, live.stream().filter(x -> x.id() == b).findFirst().orElseThrow().lastBox().x());
    }

    @Test
    void idsAreUniqueAndIncreasing() {
        IouTracker t = new IouTracker();
        t.update(List.of(dog(0, 0)), 0);
        t.update(List.of(), 10_000);
        long id = t.update(List.of(dog(0, 0)), 10_100).get(0).id();
        assertEquals(2, id);
    }

    @Test
    void rejectsTimeGoingBackwardsAndBadConfigNamingKey() {
        IouTracker t = new IouTracker();
        t.update(List.of(), 100);
        assertThrows(IllegalArgumentException.class, () -> t.update(List.of(), 50));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Config(0, 1, 1, 0, 0))
                .getMessage().contains("min_iou"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Config(0.2, -1, 1, 0, 0))
                .getMessage().contains("max_center_jump"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Config(0.2, 1, 0, 0, 0))
                .getMessage().contains("max_coast_ms"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Config(0.2, 1, 1, 2, 0))
                .getMessage().contains("velocity_gain"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Config(0.2, 1, 1, 0, -1))
                .getMessage().contains("max_predict_ms"));
    }
}
