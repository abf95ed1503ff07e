package org.nce.gateway;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.SocketFactory;
import org.nce.gateway.camera.CameraCapture;
import org.nce.gateway.camera.CameraStats;
import org.nce.gateway.hj212.Hj212Device;
import org.nce.gateway.hj212.Hj212Listener;
import org.nce.gateway.hj212.Hj212Simulator;
import org.nce.gateway.hj212.ReadingMapper;
import org.nce.gateway.hj212.ReadingSink;
import org.nce.gateway.hj212.Refusal;
import org.nce.gateway.mqtt.BrokerConnection;
import org.nce.gateway.mqtt.Forwarder;
import org.nce.gateway.outbox.Outbox;
import org.nce.gateway.sensor.SensorSimulator;
import org.nce.model.Frame;
import org.nce.model.FrameCodec;
import org.nce.model.Json;
import org.nce.model.SensorReading;
import org.nce.model.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An edge gateway: cameras and HJ 212 monitors in, MQTT out, through an on-disk outbox, until
 * {@link #close()}.
 *
 * <p>Two broker connections: one for readings, dead letters, device records, status and heartbeat
 * (it carries the Last Will {@code offline}), one for frames, so a burst of frames never holds up a
 * reading on the wire either. Both send from the outbox and delete only what the broker acknowledged.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final Function<String, String> env;
    private final SocketFactory socketFactory;
    /**
     * Names this run of the gateway. Frame counters start again at 0 on every start, so the
     * pipeline identifies a frame (and the alert and evidence built on it) by boot id and counter.
     * Time first (readable, ordered), then randomness (two starts in one millisecond differ).
     */
    private final String bootId = Long.toString(System.currentTimeMillis(), 36) + "-"
            + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    private final long startedMs = System.currentTimeMillis();
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "gateway-clock");
        t.setDaemon(true);
        return t;
    });
    private final List<CameraCapture> cameras = new ArrayList<>();
    private final List<Hj212Simulator> simulators = new ArrayList<>();
    private Outbox outbox;
    private BrokerConnection control;
    private BrokerConnection frames;
    private Forwarder readingForwarder;
    private Forwarder frameForwarder;
    private Hj212Listener listener;
    private java.util.function.Consumer<Throwable> outboxFailure = t -> { };

    /**
     * @param env           resolves the environment variables the config names (System::getenv in production)
     * @param socketFactory for {@code ssl://} brokers (see BrokerTls), or null
     */
    public Gateway(GatewayConfig config, Function<String, String> env, SocketFactory socketFactory) {
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid gateway config: " + String.join("; ", problems));
        }
        this.config = config;
        this.env = env;
        this.socketFactory = socketFactory;
    }

    public String bootId() {
        return bootId;
    }

    public Gateway start() throws Exception {
        String site = config.site();
        LOG.info("gateway {} boot id {}", site, bootId);
        GatewayConfig.Outbox ob = config.outbox();
        outbox = Outbox.open(ob.path(), ob.maxBytes(), "os".equals(ob.durability()) ? Outbox.Durability.OS : Outbox.Durability.FSYNC);
        outbox.onWriterFailure(t -> outboxFailure.accept(t));

        // The listener binds first: a port in use fails the start before anything is announced.
        if (config.hj212().enabled()) {
            startListener(site);
        }
        GatewayConfig.Mqtt m = config.mqtt();
        String user = m.username() == null ? site : m.username();
        String password = env.apply(m.passwordEnv());
        control = new BrokerConnection(new BrokerConnection.Settings(m.serverUri(), "gw-" + site, user, password, socketFactory,
                Topics.gatewayStatus(site), "offline", m.keepaliveSeconds()));
        frames = new BrokerConnection(new BrokerConnection.Settings(m.serverUri(), "gw-" + site + "-frames", user, password,
                socketFactory, null, null, m.keepaliveSeconds()));
        control.onConnect(() -> clock.execute(this::announce));
        readingForwarder = new Forwarder(outbox, Outbox.Lane.READINGS, control, m.window()).start();
        frameForwarder = new Forwarder(outbox, Outbox.Lane.FRAMES, frames, Math.min(m.window(), 16)).start();
        control.start();
        frames.start();

        for (GatewayConfig.Camera c : config.cameras()) {
            String topic = Topics.frame(site, c.id());
            cameras.add(new CameraCapture(site, bootId, c.settings(), f -> publishFrame(topic, f)).start());
        }
        clock.scheduleAtFixedRate(guarded("heartbeat", this::heartbeat), config.heartbeatSeconds(), config.heartbeatSeconds(),
                TimeUnit.SECONDS);
        LOG.info("gateway {} started: {} cameras, {} HJ 212 devices{}", site, cameras.size(), config.hj212().devices().size(),
                listener == null ? "" : " on port " + listener.port());
        return this;
    }

    private void startListener(String site) throws InterruptedException {
        Map<String, Hj212Device> byMn = new HashMap<>();
        Map<String, String> pw = new HashMap<>();
        for (GatewayConfig.Device d : config.hj212().devices()) {
            byMn.put(d.mn(), d.device());
            String value = env.apply(d.passwordEnv());
            if (value == null) {
                LOG.error("HJ 212 device {}: environment variable {} (its PW) is not set; its packets will be refused", d.id(), d.passwordEnv());
            } else {
                pw.put(d.id(), value);
            }
        }
        ReadingMapper mapper = new ReadingMapper(site, ZoneId.of(config.timezone()));
        listener = new Hj212Listener(byMn, pw::get, mapper, new OutboxSink(site), config.hj212().idleSeconds());
        listener.start(config.hj212().host(), config.hj212().port()); // a failed bind: close() still shuts its threads
        long seed = 1;
        for (GatewayConfig.Simulated s : config.hj212().simulate()) {
            GatewayConfig.Device d = config.hj212().devices().stream().filter(x -> x.id().equals(s.device())).findFirst().orElseThrow();
            String host = "0.0.0.0".equals(config.hj212().host()) ? "127.0.0.1" : config.hj212().host();
            Hj212Simulator sim = new Hj212Simulator(host, listener.port(),
                    new Hj212Simulator.Device(d.mn(), pw.get(d.id()), d.device().sensorKind(), d.factors()),
                    ZoneId.of(config.timezone()), 1, 5_000, 100_000).start();
            simulators.add(sim);
            SensorSimulator values = new SensorSimulator(site, d.id(), SensorSimulator.Profile.parse(d.kind(), s.profile()),
                    System.currentTimeMillis(), seed++);
            clock.scheduleAtFixedRate(guarded("simulated monitor " + d.id(), () -> {
                // HJ 212 data times are whole seconds.
                long now = System.currentTimeMillis() / 1000 * 1000;
                if (!sim.offer(values.readingAt(now))) {
                    LOG.warn("simulated monitor {}: its own queue is full", d.id());
                }
            }), 0, s.intervalMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** A periodic task that logs what it throws: an uncaught throw would cancel every later run, silently. */
    private static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("{}: {}", what, e.toString(), e);
            }
        };
    }

    /** Readings and refusals into the outbox; stored for good when the future completes. */
    private final class OutboxSink implements ReadingSink {
        private final String site;

        OutboxSink(String site) {
            this.site = site;
        }

        @Override
        public CompletableFuture<Void> reading(SensorReading r) {
            return outbox.append(Outbox.Lane.READINGS, Topics.reading(site, r.sensorId()), Json.write(r));
        }

        @Override
        public CompletableFuture<Void> refused(Refusal refusal) {
            return outbox.append(Outbox.Lane.READINGS, Topics.gatewayDeadLetter(site), Json.write(refusal));
        }

        @Override
        public CompletableFuture<Void> status(Hj212Device device, org.nce.gateway.hj212.Hj212Packet p) {
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("site_id", site);
            rec.put("sensor_id", device.id());
            rec.put("mn", p.mn());
            rec.put("data_time", p.dataTime());
            rec.put("message_id", p.mn() + "-" + p.cn() + "-" + p.dataTime());
            rec.put("factors", p.factors());
            return outbox.append(Outbox.Lane.READINGS, Topics.sensorStatus(site, device.id()), Json.write(rec));
        }

        @Override
        public boolean busy() {
            return outbox.pendingReadings() > 5_000;
        }
    }

    private void publishFrame(String topic, Frame f) {
        // A refused frame (writer behind, outbox full of readings) is counted by the outbox.
        outbox.append(Outbox.Lane.FRAMES, topic, FrameCodec.encode(f));
    }

    /** On every connect of the control connection: {@code online}, and each device's record, retained. */
    private void announce() {
        String site = config.site();
        try {
            control.publishRetained(Topics.gatewayStatus(site), "online", 10_000);
            for (GatewayConfig.Camera c : config.cameras()) {
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("site_id", site);
                rec.put("device_id", c.id());
                rec.put("kind", "camera");
                rec.put("audit", c.audit() == null ? null : c.audit().toRecord());
                control.publishRetained(Topics.device(site, c.id()), new String(Json.write(rec), StandardCharsets.UTF_8), 10_000);
            }
            for (GatewayConfig.Device d : config.hj212().devices()) {
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("site_id", site);
                rec.put("device_id", d.id());
                rec.put("kind", d.kind());
                rec.put("mn", d.mn());
                rec.put("zone_class", d.zoneClass());
                rec.put("subject", d.subject());
                rec.put("audit", d.audit() == null ? null : d.audit().toRecord());
                control.publishRetained(Topics.device(site, d.id()), new String(Json.write(rec), StandardCharsets.UTF_8), 10_000);
            }
        } catch (Exception e) {
            LOG.warn("gateway {}: announcing status and device records failed: {}", site, e.toString());
        }
    }

    /** The heartbeat's content (also what GatewayMain prints). */
    public Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("site_id", config.site());
        h.put("boot_id", bootId);
        h.put("time_ms", System.currentTimeMillis());
        h.put("uptime_s", (System.currentTimeMillis() - startedMs) / 1000);
        h.put("mqtt", Map.of("connected", control.connected() && frames.connected(),
                "reconnects", control.reconnects() + frames.reconnects(),
                "readings_published", readingForwarder.published(), "frames_published", frameForwarder.published(),
                "refused_by_broker", readingForwarder.refusedByBroker() + frameForwarder.refusedByBroker(),
                "frames_dropped_unsendable", frameForwarder.poisonDropped()));
        h.put("outbox", Map.of("readings", outbox.rows(Outbox.Lane.READINGS), "frames", outbox.rows(Outbox.Lane.FRAMES),
                "bytes", outbox.bytes(), "max_bytes", outbox.maxBytes(),
                "frames_dropped_full", outbox.framesDroppedFull(), "readings_dropped_full", outbox.readingsDroppedFull(),
                "frames_refused_busy", outbox.framesRefusedBusy(), "frames_refused_full", outbox.framesRefusedFull(),
                "writer_alive", outbox.writerAlive()));
        List<Map<String, Object>> cams = new ArrayList<>();
        for (CameraCapture c : cameras) {
            CameraStats st = c.stats();
            Map<String, Object> cam = new LinkedHashMap<>();
            cam.put("id", st.cameraId());
            cam.put("state", st.state());
            cam.put("fps", Math.round(st.fps() * 100) / 100.0);
            cam.put("frames", st.framesOut());
            cam.put("dropped", st.dropped());
            cam.put("corrupt", st.corrupt());
            cam.put("restarts", st.restarts());
            cam.put("last_frame_ms", st.lastFrameMs());
            cam.put("last_error", st.lastError());
            cams.add(cam);
        }
        h.put("cameras", cams);
        List<Map<String, Object>> sensors = new ArrayList<>();
        Map<String, Hj212Listener.DeviceSeen> seen = listener == null ? Map.of() : listener.devicesSeen();
        for (GatewayConfig.Device d : config.hj212().devices()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("id", d.id());
            s.put("mn", d.mn());
            Hj212Listener.DeviceSeen x = seen.get(d.id());
            s.put("last_seen_ms", x == null ? null : x.lastSeenMs());
            s.put("last_flag", x == null ? null : x.lastFlag());
            s.put("readings", x == null ? 0 : x.readings());
            sensors.add(s);
        }
        h.put("sensors", sensors);
        if (listener != null) {
            h.put("hj212", Map.of("packets", listener.packets(), "readings", listener.readings(), "acks", listener.acks(),
                    "refused", listener.refusedByKind(), "refusals_not_stored", listener.refusalsNotStored(),
                    "store_failures", listener.storeFailures(), "lost_unacknowledged", listener.lostUnacknowledged()));
        }
        return h;
    }

    private void heartbeat() {
        if (!control.connected()) {
            return; // a live signal: nothing to keep for later
        }
        try {
            control.publish(Topics.gatewayHeartbeat(config.site()), Json.write(health()), 0, true, null);
        } catch (Exception e) {
            LOG.debug("heartbeat: {}", e.toString());
        }
    }

    /** Called if the outbox can no longer store (a writer died): see {@link Outbox#onWriterFailure}. */
    public void onOutboxFailure(java.util.function.Consumer<Throwable> handler) {
        this.outboxFailure = handler;
    }

    public Hj212Listener listener() {
        return listener;
    }

    public Outbox outbox() {
        return outbox;
    }

    public long framesPublished() {
        return frameForwarder.published();
    }

    public long readingsPublished() {
        return readingForwarder.published();
    }

    @Override
    public void close() throws InterruptedException {
        for (Hj212Simulator s : simulators) {
            s.close();
        }
        for (CameraCapture c : cameras) {
            c.close();
        }
        clock.shutdownNow();
        if (listener != null) {
            listener.close();
        }
        // Forwarders first: their in-flight window would otherwise leave no room for the status.
        // (Each part may be missing when start() failed half-way.)
        if (readingForwarder != null) {
            readingForwarder.close();
        }
        if (frameForwarder != null) {
            frameForwarder.close();
        }
        if (control != null && control.connected()) {
            try {
                control.publishRetained(Topics.gatewayStatus(config.site()), "offline", 3_000);
            } catch (Exception e) {
                LOG.warn("gateway {}: could not publish offline: {}", config.site(), e.toString());
            }
        }
        if (control != null) {
            control.close();
        }
        if (frames != null) {
            frames.close();
        }
        if (outbox != null) {
            outbox.close();
        }
    }
}
