package org.nce.detectors.video;

import java.nio.file.Path;
import java.util.function.IntFunction;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Writes small clips for tests: frame i is a solid BGR colour chosen by a function of i. */
public final class TestClips {

    public static final Scalar GRAY = new Scalar(90, 90, 90, 0);
    public static final Scalar RED = new Scalar(0, 0, 255, 0);
    public static final Scalar GREEN = new Scalar(0, 255, 0, 0);
    public static final Scalar BLUE = new Scalar(255, 0, 0, 0);

    private TestClips() {
    }

    /**
     * Writes {@code frames} frames of {@code width x height} at {@code fps}; the container follows
     * the extension (.mp4 and .avi as MPEG-4 Part 2, .gif as GIF).
     */
    public static void write(Path file, int width, int height, double fps, int frames, IntFunction<Scalar> colour)
            throws FrameRecorder.Exception {
        String name = file.getFileName().toString();
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            rec.setFrameRate(fps);
            if (name.endsWith(".gif")) {
                rec.setFormat("gif");
                rec.setVideoCodec(avcodec.AV_CODEC_ID_GIF);
                rec.setPixelFormat(avutil.AV_PIX_FMT_RGB8);
            } else {
                rec.setFormat(name.endsWith(".avi") ? "avi" : "mp4");
                rec.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
                rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                rec.setVideoQuality(2); // near-lossless qscale: solid colours survive exactly enough
            }
            rec.start();
            for (int i = 0; i < frames; i++) {
                try (Mat m = new Mat(height, width, org.bytedeco.opencv.global.opencv_core.CV_8UC3, colour.apply(i))) {
                    rec.record(converter.convert(m), avutil.AV_PIX_FMT_BGR24);
                }
            }
            rec.stop();
        }
    }
}
