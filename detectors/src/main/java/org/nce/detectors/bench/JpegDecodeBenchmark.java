package org.nce.detectors.bench;

import java.io.IOException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nce.detectors.video.ClipReader;
import org.nce.model.EventType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The floor every camera pays before any analysis: decoding one 640x360 JPEG (quality 80) of a
 * real frame, as frames arrive in the pipeline. Detector costs are reported as multiples of it.
 */
@State(Scope.Thread)
public class JpegDecodeBenchmark {

    static final int QUALITY = 80;

    private Mat jpeg;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        opencv_core.setNumThreads(1);
        ClipReader.quietFfmpegLogs();
        BenchConfig config = BenchConfig.fromSystemProperties();
        try (BenchFrames frames = BenchFrames.load(EventType.OPEN_BURNING, config.testdata(), 1, config.synthetic());
             BytePointer buf = new BytePointer();
             IntPointer params = new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, QUALITY)) {
            if (!opencv_imgcodecs.imencode(".jpg", frames.get(0), buf, params)) {
                throw new IllegalStateException("JPEG encoding failed");
            }
            jpeg = new Mat(1, (int) buf.limit(), opencv_core.CV_8UC1);
            jpeg.data().put(buf.position(0).limit(buf.limit()));
        }
    }

    @Benchmark
    public int decode() {
        try (Mat decoded = opencv_imgcodecs.imdecode(jpeg, opencv_imgcodecs.IMREAD_COLOR)) {
            return decoded.cols();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        jpeg.close();
    }
}
