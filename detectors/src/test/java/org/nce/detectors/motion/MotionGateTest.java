package org.nce.detectors.motion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.nce.detectors.motion.MotionGate.Verdict;

/** The shared motion gate on scenes with exact truth: what it must let through, and what it may pass over. */
class MotionGateTest {
    static final int W = 640;
    static final int H = 360;
    static final long STEP = 500; // the pipeline's default 2 fps

    /** A textured still scene (so noise and brightness act on real structure, not a flat grey). */
    static Mat scene(long seed) {
        Mat m = new Mat(H, W, opencv_core.CV_8UC3, new Scalar(90, 110, 120, 0));
        Random r = new Random(seed);
        for (int i = 0; i < 60; i++) {
            int x = r.nextInt(W - 40);
            int y = r.nextInt(H - 40);
            opencv_imgproc.rectangle(m, new Rect(x, y, 10 + r.nextInt(60), 10 + r.nextInt(40)),
                    new Scalar(r.nextInt(256), r.nextInt(256), r.nextInt(256), 0), -1, 8, 0);
        }
        return m;
    }

    /** The scene with sensor noise (sigma 3) and a brightness gain, as a quiet camera sends it. */
    static Mat noisy(Mat base, double gain, long seed) {
        Mat f16 = new Mat();
        base.convertTo(f16, opencv_core.CV_16SC3, gain, 0);
        Mat noise = new Mat(base.size(), opencv_core.CV_16SC3);
        opencv_core.setRNGSeed((int) seed);
        opencv_core.randn(noise, new Mat(1, 1, opencv_core.CV_64FC1, new Scalar(0)), new Mat(1, 1, opencv_core.CV_64FC1, new Scalar(3)));
        opencv_core.add(f16, noise, f16);
        Mat out = new Mat();
        f16.convertTo(out, opencv_core.CV_8UC3);
        return out;
    }

    static List<Verdict> run(MotionGate gate, List<Mat> frames) {
        List<Verdict> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            out.add(gate.offer(frames.get(i), i * STEP));
        }
        return out;
    }

    @Test
    void aStillCameraWithNoiseAndDriftPassesOnlyItsHeartbeat() {
        Mat base = scene(1);
        List<Mat> frames = new ArrayList<>();
        for (int i = 0; i < 80; i++) { // 40 s; brightness ±10 % (a cloud, auto exposure)
            frames.add(noisy(base, 1 + 0.10 * Math.sin(2 * Math.PI * i / 40), i));
        }
        try (MotionGate gate = new MotionGate(MotionGateConfig.defaults())) {
            List<Verdict> v = run(gate, frames);
            assertEquals(Verdict.FIRST, v.get(0));
            assertTrue(!v.contains(Verdict.MOTION) && !v.contains(Verdict.HOLD), "noise and a brightness drift are not motion: " + v);
            long passed = v.stream().filter(Verdict::passes).count();
            // 40 s at a 2 s heartbeat: the first frame and one every 2 s
            assertEquals(1 + 79 * STEP / MotionGateConfig.defaults().heartbeatMs(), passed, v.toString());
            assertEquals(frames.size() - passed, gate.still());
        }
    }

    @Test
    void aSmallObjectMovingIsMotion() {
        Mat base = scene(2);
        List<Mat> frames = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Mat f = noisy(base, 1, i);
            if (i >= 10) { // a 16x16 px bag (0.1 % of the frame) moving 12 px a frame
                opencv_imgproc.rectangle(f, new Rect(100 + 12 * (i - 10), 200, 16, 16), new Scalar(240, 240, 240, 0), -1, 8, 0);
            }
            frames.add(f);
        }
        try (MotionGate gate = new MotionGate(MotionGateConfig.defaults())) {
            List<Verdict> v = run(gate, frames);
            for (int i = 10; i < 20; i++) {
                assertTrue(v.get(i).passes(), "frame " + i + " with the moving bag: " + v);
            }
            assertEquals(Verdict.MOTION, v.get(10));
        }
    }

    @Test
    void aThinSlowChangeAddsUpUntilItPasses() {
        // Thin smoke thickening by 1 grey level a frame over a 80x60 patch: under the per-pixel delta in
        // every frame, but the gate compares with the last frame it let through.
        Mat base = scene(3);
        MotionGateConfig c = MotionGateConfig.defaults().withHeartbeatMs(5_000);
        List<Mat> frames = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Mat f = noisy(base, 1, i);
            try (Mat patch = f.apply(new Rect(300, 100, 80, 60))) {
                patch.convertTo(patch, -1, 1, i); // i grey levels brighter
            }
            frames.add(f);
        }
        try (MotionGate gate = new MotionGate(c)) {
            List<Verdict> v = run(gate, frames);
            assertTrue(v.subList(1, 6).contains(Verdict.MOTION), "a change of 1 level a frame passes within 5 frames: " + v);
        }
    }

    /** A reviewer's case: smoke drifting over a sky whose blue channel is clipped is still a change. */
    @Test
    void smokeOverASkyClippedInOneChannelIsMotion() {
        Mat sky = new Mat(H, W, opencv_core.CV_8UC3, new Scalar(255, 210, 160, 0));
        try (MotionGate gate = new MotionGate(MotionGateConfig.defaults().withHeartbeatMs(5_000))) {
            assertEquals(Verdict.FIRST, gate.offer(noisy(sky, 1, 1), 0));
            assertEquals(Verdict.STILL, gate.offer(noisy(sky, 1, 2), STEP));
            Mat smoke = noisy(sky, 1, 3);
            opencv_imgproc.rectangle(smoke, new Rect(200, 50, 120, 80), new Scalar(252, 246, 240, 0), -1, 8, 0);
            assertEquals(Verdict.MOTION, gate.offer(smoke, 2 * STEP));
        }
    }

    /** A narrow, tall frame is never enlarged: its image fits the gate's box (a reviewer's 32x65535 frame). */
    @Test
    void aNarrowTallFrameIsShrunkIntoTheBoxNeverEnlarged() {
        Mat tall = new Mat(8000, 32, opencv_core.CV_8UC3, new Scalar(90, 90, 90, 0));
        try (MotionGate gate = new MotionGate(MotionGateConfig.defaults())) {
            assertEquals(Verdict.FIRST, gate.offer(tall, 0));
            assertTrue(gate.stateBytes() <= 160L * 160 * 30, "state " + gate.stateBytes());
            gate.reset();
            assertEquals(Verdict.FIRST, gate.offer(tall, STEP), "after reset the next frame passes as the first");
        }
    }

    @Test
    void afterMotionFramesPassForTheHoldTime() {
        Mat base = scene(4);
        List<Mat> frames = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Mat f = noisy(base, 1, i);
            if (i == 2) {
                opencv_imgproc.circle(f, new Point(320, 180), 30, new Scalar(0, 0, 255, 0), -1, 8, 0);
            }
            frames.add(f);
        }
        MotionGateConfig c = MotionGateConfig.defaults().withHeartbeatMs(5_000);
        try (MotionGate gate = new MotionGate(c)) {
            List<Verdict> v = run(gate, frames);
            assertEquals(Verdict.MOTION, v.get(2));
            assertEquals(Verdict.MOTION, v.get(3), "the object gone is a change too");
            long holdFrames = c.holdMs() / STEP;
            for (int i = 4; i < 3 + holdFrames; i++) {
                assertEquals(Verdict.HOLD, v.get(i), "frame " + i + ": " + v);
            }
            assertEquals(Verdict.STILL, v.get(11), v.toString());
        }
    }

    @Test
    void aClockSteppingBackOrANewFrameSizeStartsAfresh() {
        Mat base = scene(5);
        try (MotionGate gate = new MotionGate(MotionGateConfig.defaults())) {
            assertEquals(Verdict.FIRST, gate.offer(noisy(base, 1, 1), 10_000));
            assertEquals(Verdict.STILL, gate.offer(noisy(base, 1, 2), 10_500));
            assertEquals(Verdict.FIRST, gate.offer(noisy(base, 1, 3), 9_000));
            Mat smaller = new Mat();
            opencv_imgproc.resize(base, smaller, new org.bytedeco.opencv.opencv_core.Size(320, 240));
            assertEquals(Verdict.FIRST, gate.offer(smaller, 9_500));
        }
    }

    @Test
    void theGreyJpegDecodeAtAQuarterGivesTheSameVerdictsAsTheFullFrame() {
        Mat base = scene(6);
        List<Mat> frames = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Mat f = noisy(base, 1 + 0.05 * Math.sin(i / 5.0), i);
            if (i >= 12 && i < 18) {
                opencv_imgproc.rectangle(f, new Rect(50 + 20 * i, 150, 24, 24), new Scalar(20, 20, 20, 0), -1, 8, 0);
            }
            frames.add(f);
        }
        try (MotionGate full = new MotionGate(MotionGateConfig.defaults());
             MotionGate reduced = new MotionGate(MotionGateConfig.defaults())) {
            assertEquals(opencv_imgcodecs.IMREAD_REDUCED_COLOR_4, reduced.decodeFlag(W));
            List<Verdict> a = new ArrayList<>();
            List<Verdict> b = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                BytePointer buf = new BytePointer();
                opencv_imgcodecs.imencode(".jpg", frames.get(i), buf);
                byte[] jpeg = new byte[(int) buf.limit()];
                buf.get(jpeg);
                try (Mat enc = new Mat(new BytePointer(jpeg));
                     Mat bgr = opencv_imgcodecs.imdecode(enc, opencv_imgcodecs.IMREAD_COLOR);
                     Mat grey = opencv_imgcodecs.imdecode(enc, reduced.decodeFlag(W))) {
                    assertEquals(W / 4, grey.cols());
                    a.add(full.offer(bgr, i * STEP));
                    b.add(reduced.offer(grey, i * STEP));
                }
            }
            assertEquals(a, b);
            assertTrue(a.contains(Verdict.MOTION) && a.contains(Verdict.STILL), a.toString());
        }
    }

    @Test
    void offPassesEveryFrameAndBadSettingsAreNamed() {
        try (MotionGate gate = new MotionGate(MotionGateConfig.defaults().withEnabled(false))) {
            Mat base = scene(7);
            for (int i = 0; i < 5; i++) {
                assertEquals(Verdict.OFF, gate.offer(base, i * STEP));
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> org.nce.detectors.DetectorFactory.motionGate(java.util.Map.of("heartbeat_ms", 0)));
        assertTrue(e.getMessage().contains("heartbeat_ms"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> org.nce.detectors.DetectorFactory.motionGate(java.util.Map.of("hartbeat_ms", 100)));
        assertTrue(e.getMessage().contains("hartbeat_ms"), e.getMessage());
    }
}
