package org.nce.gateway.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.nce.model.Frame;

/** MJPEG over HTTP from a local server: a stall reconnects, a corrupt part is skipped and counted. */
class CameraMjpegTest {

    static CameraCapture capture(CameraSettings settings, List<Frame> sink) {
        return new CameraCapture("site-1", "boot-1", settings, sink::add, () -> CameraCapture.open(settings),
                CameraCaptureTest.FAST, CameraCapture.DEFAULT_QUEUE_CAPACITY, System::currentTimeMillis);
    }

    @Test
    void aStalledStreamIsReopenedAndFramesFlowAgain() throws Exception {
        List<Frame> got = new CopyOnWriteArrayList<>();
        try (MjpegServer server = new MjpegServer(50, 20, -1)) {
            CameraSettings settings = CameraSettings.of("http-1", server.url()).withSampleFps(10).withStallSeconds(2);
            try (CameraCapture cam = capture(settings, got)) {
                cam.start();
                Await.until("frames from the first connection", Duration.ofSeconds(8), () -> got.size() >= 3, cam::stats);
                Await.until("the stall to be seen and the stream reopened", Duration.ofSeconds(10),
                        () -> server.connections() >= 2 && cam.stats().restarts() >= 1, cam::stats);
                long beforeReopen = got.size();
                Await.until("frames from the new connection", Duration.ofSeconds(8), () -> got.size() >= beforeReopen + 5,
                        cam::stats);
                CameraStats s = cam.stats();
                assertEquals(1, s.restarts(), s::toString);
                assertEquals("streaming", s.state(), s::toString);
                assertTrue(s.lastError().contains("stalled"), s::toString);
                assertEquals(320, got.get(got.size() - 1).width());
            }
        }
    }

    @Test
    void aCorruptPartIsSkippedAndCountedAndTheStreamGoesOn() throws Exception {
        List<Frame> got = new CopyOnWriteArrayList<>();
        try (MjpegServer server = new MjpegServer(50, -1, 30)) {
            CameraSettings settings = CameraSettings.of("http-2", server.url()).withSampleFps(30).withStallSeconds(3);
            try (CameraCapture cam = capture(settings, got)) {
                cam.start();
                Await.until("the corrupt part counted", Duration.ofSeconds(10), () -> cam.stats().corrupt() == 1, cam::stats);
                long atCorrupt = cam.stats().framesOut();
                Await.until("good frames after it", Duration.ofSeconds(8), () -> cam.stats().framesOut() >= atCorrupt + 5,
                        cam::stats);
                CameraStats s = cam.stats();
                assertEquals(1, s.corrupt(), s::toString);
                assertEquals(0, s.restarts(), s::toString);
                assertEquals(1, server.connections());
                assertTrue(s.lastError().contains("does not decode"), s::toString);
            }
        }
    }
}
