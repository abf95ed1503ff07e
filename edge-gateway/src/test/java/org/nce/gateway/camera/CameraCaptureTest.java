package org.nce.gateway.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.nce.model.Frame;

/** The capture's rules with sources in code: queue, timestamps, corrupt frames, restarts. */
class CameraCaptureTest {
    static final CameraCapture.Backoff FAST = new CameraCapture.Backoff(Duration.ofMillis(100), Duration.ofMillis(400),
            Duration.ofSeconds(30));

    /** A live-paced source that is not live by kind: "scene:" settings, no media clock, so no pacing. */
    static CameraCapture capture(CameraSettings settings, Consumer<Frame> sink, CameraCapture.SourceOpener opener) {
        return new CameraCapture("site-1", "boot-1", settings, sink, opener, FAST, CameraCapture.DEFAULT_QUEUE_CAPACITY,
                System::currentTimeMillis);
    }

    @Test
    void blockedSinkDropsTheOldestAndGetsTheNewestWhenReleased() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Frame> got = new CopyOnWriteArrayList<>();
        List<Long> handedAt = new CopyOnWriteArrayList<>();
        Consumer<Frame> sink = f -> {
            got.add(f);
            handedAt.add(System.currentTimeMillis());
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        CameraSettings settings = CameraSettings.of("cam-1", "scene:scripted").withSampleFps(20);
        try (CameraCapture cam = capture(settings, sink, () -> new ScriptedSource(10))) {
            cam.start();
            Await.until("the sink to block on the first frame", Duration.ofSeconds(5), () -> got.size() == 1, cam::stats);
            long blockedSince = handedAt.get(0);
            Await.until("capture to keep going and drop", Duration.ofSeconds(10), () -> cam.stats().dropped() >= 10,
                    cam::stats);
            assertEquals(1, got.size(), "the sink is blocked: nothing else handed on");
            Thread.sleep(300); // let the dropped frames' age be unmistakable
            long releasedAt = System.currentTimeMillis();
            release.countDown();
            Await.until("frames after the release", Duration.ofSeconds(5), () -> got.size() >= 3, cam::stats);
            Frame afterRelease = got.get(1);
            assertTrue(afterRelease.timestampMs() >= releasedAt - 500,
                    "the first frame after the release is among the newest: captured " + (releasedAt - afterRelease.timestampMs())
                            + " ms before the release, the sink blocked " + (releasedAt - blockedSince) + " ms");
            assertEquals(1, afterRelease.seq(), "seq counts frames handed on, dropped ones take none");
            assertEquals(0, cam.stats().restarts());
        }
    }

    @Test
    void timestampsAreCaptureTimesAndStrictlyIncrease() throws Exception {
        List<Frame> got = new CopyOnWriteArrayList<>();
        List<Long> lag = new CopyOnWriteArrayList<>();
        Consumer<Frame> slowSink = f -> {
            lag.add(System.currentTimeMillis() - f.timestampMs());
            got.add(f);
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        CameraSettings settings = CameraSettings.of("cam-1", "scene:scripted").withSampleFps(20);
        try (CameraCapture cam = capture(settings, slowSink, () -> new ScriptedSource(20))) {
            cam.start();
            Await.until("12 frames", Duration.ofSeconds(10), () -> got.size() >= 12, cam::stats);
        }
        List<Long> sorted = new ArrayList<>(lag.subList(2, lag.size()));
        sorted.sort(null);
        long median = sorted.get(sorted.size() / 2);
        assertTrue(median >= 50, "frames wait in the queue behind a slow sink, so hand-off is later than capture: lags "
                + lag);
        for (long l : lag) {
            assertTrue(l >= 0, "a capture time is never after its hand-off: " + lag);
        }
        for (int i = 1; i < got.size(); i++) {
            assertTrue(got.get(i).timestampMs() > got.get(i - 1).timestampMs(), "strictly increasing at " + i);
            assertEquals(i, got.get(i).seq());
        }
    }

    @Test
    void timestampsStrictlyIncreaseEvenWhenTheClockStandsStillOrAStreamReconnects() throws Exception {
        List<Frame> got = new CopyOnWriteArrayList<>();
        CameraSettings settings = CameraSettings.of("cam-1", "scene:scripted").withSampleFps(30);
        AtomicInteger opens = new AtomicInteger();
        CameraCapture.SourceOpener opener = () -> {
            opens.incrementAndGet();
            return new ScriptedSource(5) {
                @Override
                public Mat next() throws Exception {
                    return n >= 70 ? null : super.next(); // an end after 70 grabs: reconnect
                }
            };
        };
        try (CameraCapture cam = new CameraCapture("site-1", "boot-1", settings, got::add, opener, FAST, 8, () -> 1_000L)) {
            cam.start();
            Await.until("frames over two connections", Duration.ofSeconds(10), () -> opens.get() >= 2 && got.size() >= 4,
                    cam::stats);
            assertTrue(cam.stats().restarts() >= 1);
        }
        assertEquals(1_000L, got.get(0).timestampMs());
        for (int i = 1; i < got.size(); i++) {
            long t = got.get(i).timestampMs();
            // the sampler keeps one frame per period of these made-up times, so not every value appears
            assertTrue(t > got.get(i - 1).timestampMs() && t < 1_000L + 1_000, "a frozen clock still gives increasing "
                    + "times, one ms apart per grab: " + got.stream().map(Frame::timestampMs).toList());
        }
    }

    @Test
    void aStreamClockIsUsedWhenPlausible() throws Exception {
        List<Frame> got = new CopyOnWriteArrayList<>();
        long skew = -3_000;
        CameraSettings settings = CameraSettings.of("cam-1", "scene:scripted").withSampleFps(30);
        CameraCapture.SourceOpener opener = () -> new ScriptedSource(30) {
            @Override
            public long streamClockMs() {
                return n < 5 ? System.currentTimeMillis() + skew : 86_400_000L; // then a camera clock stuck in 1970
            }
        };
        try (CameraCapture cam = capture(settings, got::add, opener)) {
            cam.start();
            Await.until("10 frames", Duration.ofSeconds(10), () -> got.size() >= 10, cam::stats);
        }
        long now = System.currentTimeMillis();
        Frame early = got.get(0);
        assertTrue(now - early.timestampMs() >= 2_500, "the stream's clock (3 s behind the wall) is believed: "
                + (now - early.timestampMs()));
        Frame late = got.get(got.size() - 1);
        assertTrue(late.timestampMs() > now - 2_000, "a clock in 1970 is not believed: " + late.timestampMs());
    }

    @Test
    void aCorruptFrameIsSkippedAndCountedAndManyInARowRestart() throws Exception {
        List<Frame> got = new CopyOnWriteArrayList<>();
        AtomicInteger opens = new AtomicInteger();
        CameraCapture.SourceOpener opener = () -> {
            int open = opens.incrementAndGet();
            return new ScriptedSource(20) {
                @Override
                Mat fail(long i) throws CorruptFrameException {
                    if ((open == 1 && i == 3) || (open == 1 && i >= 10)) {
                        throw new CorruptFrameException("bad frame " + i);
                    }
                    return null;
                }
            };
        };
        CameraSettings settings = CameraSettings.of("cam-1", "scene:scripted").withSampleFps(30);
        try (CameraCapture cam = capture(settings, got::add, opener)) {
            cam.start();
            Await.until("a restart after the corrupt run", Duration.ofSeconds(10), () -> opens.get() >= 2
                    && got.size() >= 15, cam::stats);
            CameraStats s = cam.stats();
            assertEquals(1 + CameraCapture.MAX_CONSECUTIVE_FAILURES, s.corrupt(), s::toString);
            assertEquals(1, s.restarts(), s::toString);
            assertTrue(s.lastError().contains("in a row"), s::toString);
            assertEquals("streaming", s.state());
            assertTrue(s.fps() > 0);
        }
    }

    @Test
    void aFailedOpenIsRetriedWithBackoffAndTheCameraRecovers() throws Exception {
        List<Frame> got = new CopyOnWriteArrayList<>();
        List<Long> attempts = new CopyOnWriteArrayList<>();
        CameraCapture.SourceOpener opener = () -> {
            attempts.add(System.nanoTime());
            if (attempts.size() <= 3) {
                throw new java.io.IOException("connection refused");
            }
            return new ScriptedSource(20);
        };
        CameraSettings settings = CameraSettings.of("cam-1", "scene:scripted").withSampleFps(30);
        try (CameraCapture cam = capture(settings, got::add, opener)) {
            cam.start();
            Await.until("frames after three failed opens", Duration.ofSeconds(10), () -> got.size() >= 3, cam::stats);
            CameraStats s = cam.stats();
            assertEquals(3, s.restarts());
            assertEquals("streaming", s.state());
            assertTrue(s.lastError().contains("connection refused"), s::toString);
        }
        long first = TimeUnit.NANOSECONDS.toMillis(attempts.get(1) - attempts.get(0));
        long third = TimeUnit.NANOSECONDS.toMillis(attempts.get(3) - attempts.get(2));
        assertTrue(first >= 90 && third >= 380, "back-off 100, 200, 400 ms: waited " + first + " then " + third);
    }

    @Test
    void credentialsInAnErrorNeverReachTheStats() throws Exception {
        CameraSettings settings = CameraSettings.of("cam-1", "scene:scripted");
        try (CameraCapture cam = capture(settings, f -> { }, () -> {
            throw new java.io.IOException("avformat_open_input() error -111: Could not open input "
                    + "\"rtsp://admin:s3cret@10.0.0.9:554/stream1\"");
        })) {
            cam.start();
            Await.until("a failed open", Duration.ofSeconds(5), () -> cam.stats().lastError() != null, cam::stats);
            String error = cam.stats().lastError();
            assertTrue(!error.contains("s3cret") && !error.contains("admin") && error.contains("rtsp://***@10.0.0.9"), error);
        }
    }

    @Test
    void closeStopsBothThreadsAndClosesTheSource() throws Exception {
        List<ScriptedSource> sources = new CopyOnWriteArrayList<>();
        CameraSettings settings = CameraSettings.of("cam-1", "scene:scripted").withSampleFps(30);
        CameraCapture cam = capture(settings, f -> { }, () -> {
            ScriptedSource s = new ScriptedSource(10);
            sources.add(s);
            return s;
        });
        cam.start();
        Await.until("frames", Duration.ofSeconds(5), () -> cam.stats().framesOut() > 2, cam::stats);
        cam.close();
        assertEquals("closed", cam.stats().state());
        assertTrue(sources.get(0).closed);
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("camera-cam-1-")),
                "no camera thread left");
    }

    /**
     * A camera that states 25 fps and sends 3 (low light, a variable rate): sampled at 2 fps it still
     * gives about 2. Deciding before each grab whether the frame may be due, from the stated rate
     * alone, passed over the due frame and gave about 1.
     */
    @Test
    void aCameraSlowerThanItsStatedRateStillGivesTheSampleRate() throws Exception {
        List<Frame> got = new CopyOnWriteArrayList<>();
        CameraSettings settings = CameraSettings.of("cam-1", "scene:scripted").withSampleFps(2);
        CameraCapture.SourceOpener opener = () -> new ScriptedSource(333) {
            @Override
            public double fps() {
                return 25;
            }
        };
        try (CameraCapture cam = capture(settings, got::add, opener)) {
            cam.start();
            Thread.sleep(5_000);
        }
        assertTrue(got.size() >= 8, "about 10 frames in 5 s at 2 fps, got " + got.size());
    }

    /**
     * The clock steps back a minute (an NTP step; a stream clock taking over from the wall clock):
     * frames keep coming at the sample rate, stamped strictly increasing. Sampling by the frames' own
     * times waited for the clock to catch up, a minute without a frame.
     */
    @Test
    void aClockSteppingBackDoesNotStopTheSampler() throws Exception {
        List<Frame> got = new CopyOnWriteArrayList<>();
        CameraSettings settings = CameraSettings.of("cam-1", "scene:scripted").withSampleFps(5);
        java.util.concurrent.atomic.AtomicBoolean stepped = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.function.LongSupplier clock = () -> System.currentTimeMillis() - (stepped.get() ? 60_000 : 0);
        AtomicInteger afterStep = new AtomicInteger();
        Consumer<Frame> sink = f -> {
            got.add(f);
            if (stepped.get()) {
                afterStep.incrementAndGet();
            } else if (got.size() == 3) {
                stepped.set(true); // a minute back once three frames are out
            }
        };
        try (CameraCapture cam = new CameraCapture("site-1", "boot-1", settings, sink, () -> new ScriptedSource(40), FAST,
                CameraCapture.DEFAULT_QUEUE_CAPACITY, clock)) {
            cam.start();
            Await.until("three frames before the step", Duration.ofSeconds(10), stepped::get, cam::stats);
            Thread.sleep(3_000);
        }
        assertTrue(afterStep.get() >= 10, "frames in the 3 s after the step (5 fps): " + afterStep + " of " + got.size());
        for (int i = 1; i < got.size(); i++) {
            assertTrue(got.get(i).timestampMs() > got.get(i - 1).timestampMs(), "strictly increasing");
        }
    }
}
