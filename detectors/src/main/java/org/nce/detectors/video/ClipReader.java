package org.nce.detectors.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.nce.detectors.FrameMeta;

/**
 * Reads a video file (.mp4, .avi, .gif, anything FFmpeg opens) frame by frame as BGR
 * {@code CV_8UC3} Mats, with the clip's own frame rate, so that the evaluation harness, the
 * bench and the gateway's file sources decode clips the same way.
 *
 * <p>Frames returned by {@link #next()} are owned by the reader and stay valid only until the
 * next call or {@link #close()}: that is exactly the {@link org.nce.detectors.Detector} contract
 * (detectors must not keep frames), and it avoids a copy per frame. Callers that need to keep a
 * frame clone it. Not thread-safe; one reader per clip.
 */
public final class ClipReader implements AutoCloseable {

    /** Frame rate assumed when the container does not state a usable one. */
    public static final double DEFAULT_FPS = 25.0;

    private final Path path;
    private final FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private final double fps;
    private final boolean fpsKnown;
    private long index = -1;
    private boolean closed;

    private ClipReader(Path path, FFmpegFrameGrabber grabber, double containerFps) {
        this.path = path;
        this.grabber = grabber;
        // Some containers (GIF, broken headers) report 0, NaN or absurd rates; a rate above 240
        // is a timebase, not a frame rate.
        this.fpsKnown = containerFps > 0 && containerFps <= 240 && !Double.isNaN(containerFps);
        this.fps = fpsKnown ? containerFps : DEFAULT_FPS;
    }

    /**
     * Opens a clip. Fails with an {@link IOException} naming the file if it is missing or FFmpeg
     * cannot open it.
     */
    public static ClipReader open(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("no such clip file: " + path);
        }
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(path.toFile());
        // The default image mode (COLOR) converts every source format (GIF palettes, yuv, gray)
        // to BGR24, so every frame is CV_8UC3; setting the pixel format explicitly would only
        // make FFmpeg complain that the demuxer ignores the option.
        grabber.setImageMode(FrameGrabber.ImageMode.COLOR);
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(grabber);
            throw new IOException("cannot open clip " + path + ": " + e.getMessage(), e);
        }
        if (grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            closeQuietly(grabber);
            throw new IOException("clip " + path + " has no video stream");
        }
        return new ClipReader(path, grabber, grabber.getFrameRate());
    }

    /**
     * Makes FFmpeg print only errors (not per-stream warnings) process-wide. Meant for command
     * line tools whose own output would otherwise drown.
     */
    public static void quietFfmpegLogs() {
        // JavaCV prints "Info: ... rejected some options" to stderr for every clip unless its
        // logger goes through SLF4J (whose default configuration shows errors only). Must be set
        // before the grabber class initialises; an explicit choice by the user wins.
        if (System.getProperty("org.bytedeco.javacpp.logger") == null) {
            System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        }
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    /**
     * JavaCV 1.5.13 derives channels as stride / width, so a narrow frame whose padded row is
     * >= 4x its width (96 px: 288 bytes padded to 384) comes out as "4 channels" and a Mat over it
     * would read garbage. A grabber delivering BGR24 always has 3 channels; say so. For every
     * FFmpeg grabber of the project (clips here, cameras in the gateway).
     */
    public static void fixChannels(Frame frame, FFmpegFrameGrabber grabber) {
        if (frame.imageChannels != 3 && grabber.getPixelFormat() == avutil.AV_PIX_FMT_BGR24) {
            frame.imageChannels = 3;
        }
    }

    public Path path() {
        return path;
    }

    /** The clip's frame rate, or {@link #DEFAULT_FPS} if the container does not state one. */
    public double fps() {
        return fps;
    }

    /** Whether {@link #fps()} came from the container rather than the default. */
    public boolean fpsKnown() {
        return fpsKnown;
    }

    public int width() {
        return grabber.getImageWidth();
    }

    public int height() {
        return grabber.getImageHeight();
    }

    /** Frame count from the container header; an estimate, -1 if unknown. */
    public int frameCountHint() {
        int n = grabber.getLengthInVideoFrames();
        return n > 0 ? n : -1;
    }

    /** 0-based index of the frame last returned by {@link #next()}; -1 before the first. */
    public long index() {
        return index;
    }

    /**
     * Decodes the next frame. Returns a BGR {@code CV_8UC3} Mat owned by this reader (valid until
     * the next call), or {@code null} at the end of the clip.
     *
     * @throws IOException naming the file and frame when decoding fails mid-clip
     */
    public Mat next() throws IOException {
        if (closed) {
            throw new IllegalStateException("clip reader closed: " + path);
        }
        while (true) {
            Frame frame;
            try {
                frame = grabber.grabImage();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                throw new IOException("cannot decode frame " + (index + 1) + " of " + path + ": " + e.getMessage(), e);
            }
            if (frame == null) {
                return null;
            }
            if (frame.image == null) {
                continue; // defensive: grabImage should only return video frames
            }
            fixChannels(frame, grabber);
            Mat mat = converter.convert(frame);
            if (mat == null || mat.empty()) {
                continue;
            }
            index++;
            return mat;
        }
    }

    /** Metadata of the frame last returned by {@link #next()}: seq = index, time = index * 1000 / fps. */
    public FrameMeta meta(String cameraId) {
        if (index < 0) {
            throw new IllegalStateException("no frame read yet from " + path);
        }
        return FrameMeta.ofIndex(cameraId, index, fps);
    }

    /**
     * Decodes up to {@code maxFrames} frames into memory, each resized to {@code size} (or kept
     * as is when {@code size} is null). The caller owns the returned Mats and must close them.
     */
    public static List<Mat> readAll(Path path, int maxFrames, Size size) throws IOException {
        List<Mat> frames = new ArrayList<>();
        try (ClipReader reader = open(path)) {
            Mat frame;
            while (frames.size() < maxFrames && (frame = reader.next()) != null) {
                Mat copy = new Mat();
                if (size == null || (frame.cols() == size.width() && frame.rows() == size.height())) {
                    frame.copyTo(copy);
                } else {
                    // INTER_AREA: the right filter for downscaling (no aliasing shimmer that a
                    // motion-based detector would see as activity).
                    opencv_imgproc.resize(frame, copy, size, 0, 0, opencv_imgproc.INTER_AREA);
                }
                frames.add(copy);
            }
        } catch (IOException | RuntimeException e) {
            frames.forEach(Mat::close);
            throw e;
        }
        return frames;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        converter.close();
        closeQuietly(grabber);
    }

    private static void closeQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            // Nothing useful to do: the native context is released as far as FFmpeg allows.
        }
    }
}
