package org.nce.gateway.camera;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.model.Frame;

/** A file camera through FFmpeg: played at its own rate, ended or looped, and a missing file retried. */
class CameraFileTest {
    static final int FILE_FRAMES = 10;
    static final int FILE_FPS = 10;

    @TempDir
    static Path dir;
    static Path clip;

    @BeforeAll
    static void writeClip() throws Exception {
        clip = dir.resolve("gate.mp4");
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(clip.toFile(), 1280, 720, 0);
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            rec.setFormat("mp4");
            rec.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            rec.setFrameRate(FILE_FPS);
            rec.start();
            for (int i = 0; i < FILE_FRAMES; i++) {
                try (Mat m = new Mat(720, 1280, CV_8UC3, new Scalar(20 * i, 90, 200, 0))) {
                    rec.record(conv.convert(m));
                }
            }
            rec.stop();
        }
    }

    static CameraCapture capture(CameraSettings settings, List<Frame> sink) {
        return new CameraCapture("site-1", "boot-1", settings, sink::add, () -> CameraCapture.open(settings),
                CameraCaptureTest.FAST, CameraCapture.DEFAULT_QUEUE_CAPACITY, System::currentTimeMillis);
    }

    @Test
    void aFileWithoutLoopPlaysInRealTimeAndEnds() throws Exception {
        List<Frame> got = new CopyOnWriteArrayList<>();
        CameraSettings settings = CameraSettings.of("file-1", clip.toString()).withLoop(false).withSampleFps(30);
        long start = System.nanoTime();
        try (CameraCapture cam = capture(settings, got)) {
            cam.start();
            Await.until("the file to end", Duration.ofSeconds(10), () -> cam.stats().state().equals("ended"), cam::stats);
            long playedMs = (System.nanoTime() - start) / 1_000_000;
            CameraStats s = cam.stats();
            assertEquals(FILE_FRAMES, s.framesOut() + s.dropped(), s::toString);
            assertEquals(0, s.restarts(), s::toString);
            assertEquals(0, s.corrupt(), s::toString);
            assertTrue(playedMs >= 800, "10 frames at 10 fps take about a second, not " + playedMs + " ms");
            Await.until("the last frames handed on", Duration.ofSeconds(2),
                    () -> got.size() == cam.stats().framesOut(), cam::stats);
        }
        Frame f = got.get(0);
        assertEquals(640, f.width(), "the long edge is cut to 640");
        assertEquals(360, f.height(), "keeping the aspect");
        long span = got.get(got.size() - 1).timestampMs() - f.timestampMs();
        assertTrue(span >= 700, "capture times follow the file's pace: first to last " + span + " ms");
    }

    @Test
    void aLoopingFileKeepsProducingWithoutRestarts() throws Exception {
        List<Frame> got = new CopyOnWriteArrayList<>();
        CameraSettings settings = CameraSettings.of("file-2", clip.toString()).withSampleFps(30).withLongEdge(2000);
        try (CameraCapture cam = capture(settings, got)) {
            cam.start();
            Await.until("more frames than the file holds", Duration.ofSeconds(10),
                    () -> cam.stats().framesOut() >= FILE_FRAMES + 8, cam::stats);
            CameraStats s = cam.stats();
            assertEquals("streaming", s.state(), s::toString);
            assertEquals(0, s.restarts(), "a loop is not a restart: " + s);
        }
        assertEquals(1280, got.get(0).width(), "never upscaled, nor cut when under the long edge");
        for (int i = 1; i < got.size(); i++) {
            long gap = got.get(i).timestampMs() - got.get(i - 1).timestampMs();
            assertTrue(gap > 0, "increasing across the loop at " + i);
        }
    }

    @Test
    void theSampleRateKeepsEveryOtherFrameOfA10FpsFileAt5Fps() throws Exception {
        List<Frame> got = new CopyOnWriteArrayList<>();
        CameraSettings settings = CameraSettings.of("file-3", clip.toString()).withLoop(false).withSampleFps(5);
        try (CameraCapture cam = capture(settings, got)) {
            cam.start();
            Await.until("the file to end", Duration.ofSeconds(10), () -> cam.stats().state().equals("ended"), cam::stats);
            Await.until("hand-off", Duration.ofSeconds(2), () -> got.size() == cam.stats().framesOut(), cam::stats);
            CameraStats s = cam.stats();
            long kept = s.framesOut() + s.dropped();
            assertTrue(kept >= 4 && kept <= 6, "about half of 10 frames kept: " + s);
        }
    }

    @Test
    void aMissingFileIsRetriedAndTheGatewayGoesOn() throws Exception {
        List<Frame> got = new CopyOnWriteArrayList<>();
        CameraSettings settings = CameraSettings.of("file-4", dir.resolve("absent.mp4").toString());
        try (CameraCapture cam = capture(settings, got)) {
            cam.start();
            Await.until("two reopen attempts", Duration.ofSeconds(5), () -> cam.stats().restarts() >= 2, cam::stats);
            CameraStats s = cam.stats();
            assertTrue(s.lastError().contains("absent.mp4"), s::toString);
            assertEquals(0, s.framesOut());
        }
    }
}
