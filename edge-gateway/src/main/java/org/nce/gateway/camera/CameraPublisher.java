package org.nce.gateway.camera;

import java.util.concurrent.CountDownLatch;
import org.nce.gateway.mqtt.MqttPublisher;
import org.nce.model.FrameCodec;
import org.nce.model.Topics;

/**
 * The old entry point, kept only so the current {@code Gateway} compiles while it is rewritten:
 * it runs a {@link CameraCapture} whose sink publishes to MQTT. Delete it once the gateway builds
 * {@link CameraCapture} itself. {@code width} becomes the long edge (null: the default), an
 * {@code fps} above 30 is read as 30.
 */
public final class CameraPublisher implements Runnable {
    private final CameraCapture capture;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public CameraPublisher(String siteId, String cameraId, String bootId, FrameSource source, MqttPublisher publisher,
                           double fps, int jpegQuality, Integer width) {
        String location = source instanceof GrabberFrameSource g ? g.location() : "scene:given";
        boolean loop = !(source instanceof GrabberFrameSource g) || g.loop();
        CameraSettings settings = CameraSettings.of(cameraId, location).withSampleFps(Math.min(fps, 30))
                .withJpegQuality(jpegQuality)
                .withLongEdge(width == null ? CameraSettings.DEFAULT_LONG_EDGE : Math.max(32, Math.min(4096, width)))
                .withLoop(loop);
        String topic = Topics.frame(siteId, cameraId);
        FrameSource[] first = {source};
        this.capture = new CameraCapture(siteId, bootId, settings, f -> publisher.publish(topic, FrameCodec.encode(f)),
                () -> {
                    FrameSource s = first[0];
                    first[0] = null;
                    if (s != null) {
                        return s;
                    }
                    return source instanceof GrabberFrameSource ? CameraCapture.open(settings) : source;
                }, CameraCapture.Backoff.DEFAULT, CameraCapture.DEFAULT_QUEUE_CAPACITY, System::currentTimeMillis);
    }

    @Override
    public void run() {
        capture.start();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                capture.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public long frames() {
        return capture.stats().framesOut();
    }

    public CameraStats stats() {
        return capture.stats();
    }

    public void stop() {
        stopped.countDown();
    }
}
