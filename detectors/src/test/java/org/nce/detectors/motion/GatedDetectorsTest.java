package org.nce.detectors.motion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.nce.detectors.Detector;
import org.nce.detectors.FrameMeta;
import org.nce.model.Detection;
import org.nce.model.EventType;

class GatedDetectorsTest {

    /** Counts the frames it is shown. */
    static final class Counting implements Detector {
        final EventType type;
        final List<Long> seen = new ArrayList<>();
        boolean closed;

        Counting(EventType type) {
            this.type = type;
        }

        @Override
        public EventType type() {
            return type;
        }

        @Override
        public List<Detection> detect(Mat bgrFrame, FrameMeta meta) {
            seen.add(meta.seq());
            return List.of();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aStillFrameReachesNoDetectorAndEveryDetectorSeesTheSameFrames() {
        Counting fire = new Counting(EventType.OPEN_BURNING);
        Counting dog = new Counting(EventType.UNLEASHED_DOG);
        List<Detector> gated = GatedDetectors.wrap(List.of(fire, dog), MotionGateConfig.defaults());
        Mat base = MotionGateTest.scene(9);
        for (int i = 0; i < 20; i++) {
            Mat f = MotionGateTest.noisy(base, 1, i);
            if (i == 15) {
                org.bytedeco.opencv.global.opencv_imgproc.rectangle(f, new org.bytedeco.opencv.opencv_core.Rect(300, 100, 40, 40),
                        new org.bytedeco.opencv.opencv_core.Scalar(255, 255, 255, 0), -1, 8, 0);
            }
            FrameMeta meta = new FrameMeta("cam", i, i * MotionGateTest.STEP, 2);
            for (Detector d : gated) {
                d.detect(f, meta);
            }
        }
        // first frame, heartbeats at 2 s (frames 4, 8, 12), motion at 15 and 16, hold at 17, 18, then heartbeat
        assertEquals(fire.seen, dog.seen);
        assertTrue(fire.seen.size() < 20, "still frames are passed over: " + fire.seen);
        assertTrue(fire.seen.containsAll(List.of(0L, 15L, 16L)), fire.seen.toString());
        gated.forEach(Detector::close);
        assertTrue(fire.closed && dog.closed);
    }

    @Test
    void offReturnsTheDetectorsThemselves() {
        Counting fire = new Counting(EventType.OPEN_BURNING);
        List<Detector> ds = List.of(fire);
        assertEquals(ds, GatedDetectors.wrap(ds, MotionGateConfig.defaults().withEnabled(false)));
    }
}
