package org.nce.detectors.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.model.EventType;

class BenchFramesTest {

    @Test
    void syntheticFramesAre640x360BgrAndMove() {
        try (BenchFrames frames = BenchFrames.synthetic(EventType.UNLEASHED_DOG, 10)) {
            assertEquals(10, frames.size());
            assertEquals(25.0, frames.fps());
            for (int i = 0; i < frames.size(); i++) {
                Mat f = frames.get(i);
                assertEquals(BenchFrames.WIDTH, f.cols());
                assertEquals(BenchFrames.HEIGHT, f.rows());
                assertEquals(opencv_core.CV_8UC3, f.type());
            }
            try (Mat diff = new Mat(); Mat gray = new Mat()) {
                opencv_core.absdiff(frames.get(0), frames.get(1), diff);
                org.bytedeco.opencv.global.opencv_imgproc.cvtColor(diff, gray,
                        org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY);
                assertTrue(opencv_core.countNonZero(gray) > 100, "consecutive frames differ");
            }
        }
    }

    @Test
    void fallsBackToSyntheticWithoutFootage(@TempDir Path empty) throws Exception {
        try (BenchFrames frames = BenchFrames.load(EventType.OPEN_BURNING, empty, 5, false)) {
            assertEquals(5, frames.size());
            assertTrue(frames.source().startsWith("synthetic"), frames.source());
        }
    }

    @Test
    void loadsTheEventsClipAt640x360WithItsFrameRate() throws Exception {
        Path testdata = Path.of(System.getProperty("nce.testdata", "../../shared/testdata"));
        Assumptions.assumeTrue(Files.isDirectory(testdata.resolve("dog_unleashed")), "no shared testdata");
        for (EventType t : new EventType[] {EventType.OPEN_BURNING, EventType.MUCK_DUMPING, EventType.UNLEASHED_DOG}) {
            try (BenchFrames frames = BenchFrames.load(t, testdata, 12, false)) {
                assertEquals(12, frames.size(), t + " " + frames.source());
                assertEquals(BenchFrames.WIDTH, frames.get(11).cols());
                assertEquals(BenchFrames.HEIGHT, frames.get(11).rows());
                assertTrue(frames.fps() > 0);
                assertTrue(!frames.source().startsWith("synthetic"), frames.source());
            }
        }
    }
}
