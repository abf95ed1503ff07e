package org.nce.detectors.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.nce.detectors.Detector;
import org.nce.detectors.FrameMeta;
import org.nce.detectors.eval.DetectorSuite;
import org.nce.detectors.eval.DetectorSuites;
import org.nce.detectors.video.ClipReader;
import org.nce.model.Detection;
import org.nce.model.EventType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One detector of the configured suite fed a pre-decoded 640x360 clip in order, frame after
 * frame with consecutive sequence numbers and timestamps, wrapping around at the end, like a live
 * stream. One operation = one frame, so the score is the amortized cost per frame including the
 * frames a motion gate lets through cheaply.
 */
@State(Scope.Thread)
public class DetectorBenchmark {

    static final String CAMERA = "bench-cam";

    @Param({"open_burning"})
    public String event;

    private BenchFrames frames;
    private Detector detector;
    private long seq;
    private int index;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        // Per-core figures: OpenCV must not spread one frame over several cores.
        opencv_core.setNumThreads(1);
        ClipReader.quietFfmpegLogs();
        BenchConfig config = BenchConfig.fromSystemProperties();
        EventType type = EventType.fromWire(event);
        frames = BenchFrames.load(type, config.testdata(), config.frameCount(), config.synthetic());
        detector = pick(DetectorSuites.load(config.suiteClass()), type);
    }

    static Detector pick(DetectorSuite suite, EventType type) {
        Detector chosen = null;
        for (Detector d : suite.create(CAMERA)) {
            if (chosen == null && d.type() == type) {
                chosen = d;
            } else {
                d.close();
            }
        }
        if (chosen == null) {
            throw new IllegalStateException("suite " + suite.describe() + " has no detector for " + type.wireName());
        }
        return chosen;
    }

    @Benchmark
    public List<Detection> detect() {
        FrameMeta meta = FrameMeta.ofIndex(CAMERA, seq++, frames.fps());
        List<Detection> out = detector.detect(frames.get(index), meta);
        if (++index == frames.size()) {
            index = 0;
        }
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        // State after the whole run, so growth (tracks, buffers) shows; reported to the parent
        // process through a file because this may be a forked JVM.
        long bytes = detector.stateBytes();
        BenchConfig config = BenchConfig.fromSystemProperties();
        if (config.stateDir() != null) {
            try {
                Files.createDirectories(config.stateDir());
                Files.writeString(config.stateDir().resolve(event + ".state"), bytes + "\n" + frames.source() + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        detector.close();
        frames.close();
    }
}
