package org.nce.detectors.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.detectors.FrameMeta;

class ClipReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsEveryFrameAsBgrWithTheClipsFrameRate() throws Exception {
        Path clip = dir.resolve("c.mp4");
        TestClips.write(clip, 160, 120, 10, 12, i -> i < 6 ? TestClips.RED : TestClips.BLUE);
        try (ClipReader r = ClipReader.open(clip)) {
            assertEquals(10.0, r.fps(), 1e-6);
            assertTrue(r.fpsKnown());
            assertEquals(160, r.width());
            assertEquals(120, r.height());
            int n = 0;
            Mat m;
            while ((m = r.next()) != null) {
                assertEquals(opencv_core.CV_8UC3, m.type());
                Scalar mean = opencv_core.mean(m);
                if (n < 6) {
                    assertTrue(mean.get(2) > 200 && mean.get(0) < 50, "frame " + n + " should be red: " + mean);
                } else {
                    assertTrue(mean.get(0) > 200 && mean.get(2) < 50, "frame " + n + " should be blue: " + mean);
                }
                assertEquals(n, r.index());
                n++;
            }
            assertEquals(12, n);
            FrameMeta last = r.meta("cam");
            assertEquals(11, last.seq());
            assertEquals(1100, last.timestampMs());
            assertEquals(10.0, last.fps(), 1e-9);
            assertNull(r.next(), "stays at end");
        }
    }

    @Test
    void narrowFramesWhosePaddedRowsLookLikeFourChannelsStayBgr() throws Exception {
        // 96 px wide: a BGR row of 288 bytes is padded to 384 = 4 * 96.
        Path clip = dir.resolve("narrow.mp4");
        TestClips.write(clip, 96, 64, 25, 3, i -> TestClips.RED);
        try (ClipReader r = ClipReader.open(clip)) {
            Mat m = r.next();
            assertEquals(opencv_core.CV_8UC3, m.type());
            Scalar mean = opencv_core.mean(m);
            assertTrue(mean.get(2) > 200 && mean.get(0) < 50 && mean.get(1) < 50, "red everywhere: " + mean);
        }
    }

    @Test
    void readsGif() throws Exception {
        Path clip = dir.resolve("c.gif");
        TestClips.write(clip, 64, 48, 25, 5, i -> TestClips.GREEN);
        try (ClipReader r = ClipReader.open(clip)) {
            int n = 0;
            Mat m;
            while ((m = r.next()) != null) {
                assertEquals(opencv_core.CV_8UC3, m.type());
                assertTrue(opencv_core.mean(m).get(1) > 200);
                n++;
            }
            assertEquals(5, n);
            assertTrue(r.fps() > 0);
        }
    }

    @Test
    void readAllResizesAndCopies() throws Exception {
        Path clip = dir.resolve("c.avi");
        TestClips.write(clip, 160, 120, 25, 8, i -> TestClips.GRAY);
        List<Mat> frames = ClipReader.readAll(clip, 5, new Size(64, 36));
        try {
            assertEquals(5, frames.size());
            for (Mat f : frames) {
                assertEquals(64, f.cols());
                assertEquals(36, f.rows());
                assertEquals(opencv_core.CV_8UC3, f.type());
            }
        } finally {
            frames.forEach(Mat::close);
        }
    }

    @Test
    void missingFileNamesTheFile() {
        Path missing = dir.resolve("nope.mp4");
        IOException e = assertThrows(IOException.class, () -> ClipReader.open(missing));
        assertTrue(e.getMessage().contains("nope.mp4"), e.getMessage());
    }

    @Test
    void garbageFileNamesTheFile() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.mp4"), "this is not a video");
        IOException e = assertThrows(IOException.class, () -> {
            try (ClipReader r = ClipReader.open(junk)) {
                r.next();
            }
        });
        assertTrue(e.getMessage().contains("junk.mp4"), e.getMessage());
    }
}
