package org.nce.gateway.camera;

import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.nce.model.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one camera, paces it to the configured frame rate, encodes JPEG and publishes the frame
 * envelope. Runs on its own thread; the publisher never blocks it (full queue: drop and count).
 */
public final class CameraPublisher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(CameraPublisher.class);

    private final String siteId;
    private final String cameraId;
    private final FrameSource source;
    private final java.util.function.Consumer<Frame> publisher;
    private final double fps;
    private final int jpegQuality;
    private final Integer width;
    private final String bootId;
    private final AtomicLong frames = new AtomicLong();
    private volatile boolean running = true;

    public CameraPublisher(String siteId, String cameraId, String bootId, FrameSource source, java.util.function.Consumer<Frame> publisher, double fps,
                           int jpegQuality, Integer width) {
        this.siteId = siteId;
        this.cameraId = cameraId;
        this.bootId = bootId;
        this.source = source;
        this.publisher = publisher;
        this.fps = fps;
        this.jpegQuality = jpegQuality;
        this.width = width;
    }

    @Override
    public void run() {
        long periodNanos = (long) (1e9 / fps);
        long next = System.nanoTime();
        long seq = 0;
        try (IntPointer params = new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, jpegQuality)) {
            while (running) {
                try (Mat frame = source.next()) {
                    if (frame == null) {
                        LOG.info("camera {}: source ended after {} frames", cameraId, seq);
                        break;
                    }
                    Mat out = frame;
                    if (width != null && frame.cols() != width) {
                        out = new Mat();
                        opencv_imgproc.resize(frame, out, new Size(width, (int) Math.round(frame.rows() * (double) width / frame.cols())));
                    }
                    byte[] jpeg;
                    try (BytePointer buf = new BytePointer()) {
                        opencv_imgcodecs.imencode(".jpg", out, buf, params);
                        jpeg = new byte[(int) buf.limit()];
                        buf.get(jpeg);
                    }
                    Frame f = new Frame(siteId, cameraId, bootId, seq++, System.currentTimeMillis(), out.cols(), out.rows(), jpeg);
                    if (out != frame) {
                        out.close();
                    }
                    publisher.accept(f);
                    frames.incrementAndGet();
                } catch (Exception e) {
                    LOG.warn("camera {}: {}", cameraId, e.toString());
                }
                next += periodNanos;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } else {
                    next = System.nanoTime(); // behind: do not burst to catch up
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            source.close();
        }
    }

    public long frames() {
        return frames.get();
    }

    public void stop() {
        running = false;
    }
}
