package org.nce.gateway;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.nce.detectors.synthetic.Scenes;
import org.nce.gateway.camera.CameraPublisher;
import org.nce.gateway.camera.FrameSource;
import org.nce.gateway.camera.GrabberFrameSource;
import org.nce.gateway.camera.SceneFrameSource;
import org.nce.gateway.mqtt.MqttPublisher;
import org.nce.gateway.sensor.SensorSimulator;
import org.nce.model.Json;
import org.nce.model.SensorReading;
import org.nce.model.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An edge gateway: its cameras and sensors publishing to the broker until {@link #close()}. */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final MqttPublisher publisher;
    private final List<CameraPublisher> cameras = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService sensorClock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-sensors");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong readings = new AtomicLong();
    /**
     * Names this run of the gateway. Frame counters start again at 0 on every start, so the
     * pipeline identifies a frame (and the alert and evidence built on it) by boot id and counter.
     * Time first (readable, ordered), then randomness (two starts in one millisecond differ).
     */
    private final String bootId = Long.toString(System.currentTimeMillis(), 36) + "-"
            + Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1, 36);

    public Gateway(GatewayConfig config, String password) throws Exception {
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid gateway config: " + String.join("; ", problems));
        }
        this.config = config;
        String user = config.mqtt().username() == null ? config.site() : config.mqtt().username();
        this.publisher = new MqttPublisher(config.mqtt().serverUri(), "gw-" + config.site(), user, password);
    }

    public String bootId() {
        return bootId;
    }

    public Gateway start() throws Exception {
        LOG.info("gateway {} boot id {}", config.site(), bootId);
        for (GatewayConfig.Camera c : config.cameras()) {
            CameraPublisher cam = new CameraPublisher(config.site(), c.id(), bootId, open(c), publisher, c.fps(), c.jpegQuality(), c.width());
            cameras.add(cam);
            Thread t = new Thread(cam, "camera-" + c.id());
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        long start = System.currentTimeMillis();
        long seed = 1;
        for (GatewayConfig.Sensor s : config.sensors()) {
            SensorSimulator sim = new SensorSimulator(config.site(), s.id(),
                    SensorSimulator.Profile.parse(s.kind(), s.profile()), start, seed++);
            String topic = Topics.reading(config.site(), s.id());
            sensorClock.scheduleAtFixedRate(() -> {
                SensorReading r = sim.readingAt(System.currentTimeMillis());
                if (publisher.publish(topic, Json.write(r))) {
                    readings.incrementAndGet();
                }
            }, 0, s.intervalMs(), TimeUnit.MILLISECONDS);
        }
        LOG.info("gateway {} started: {} cameras, {} sensors", config.site(), cameras.size(), config.sensors().size());
        return this;
    }

    private static FrameSource open(GatewayConfig.Camera c) throws Exception {
        String src = c.source();
        if (src.startsWith("scene:")) {
            return new SceneFrameSource(Scenes.byName(src.substring("scene:".length())), c.loop());
        }
        if (!src.startsWith("rtsp://") && !Path.of(src).toFile().isFile()) {
            throw new IllegalArgumentException("camera " + c.id() + ": no such file " + src);
        }
        return new GrabberFrameSource(src, c.loop());
    }

    public long framesPublished() {
        return cameras.stream().mapToLong(CameraPublisher::frames).sum();
    }

    public long readingsPublished() {
        return readings.get();
    }

    public long dropped() {
        return publisher.dropped();
    }

    @Override
    public void close() throws InterruptedException {
        cameras.forEach(CameraPublisher::stop);
        sensorClock.shutdownNow();
        for (Thread t : threads) {
            t.join(5_000);
        }
        publisher.close();
    }
}
