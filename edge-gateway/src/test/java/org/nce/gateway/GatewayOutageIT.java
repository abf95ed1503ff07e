package org.nce.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.gateway.hj212.Hj212Simulator;
import org.nce.gateway.mqtt.MosquittoBroker;
import org.nce.model.SensorKind;
import org.nce.model.SensorReading;

/**
 * Issue #9's outage test: 10,000 readings flow from ten simulated HJ 212 monitors through the
 * gateway while Mosquitto is stopped for 60 s and started again; every reading reaches a subscriber
 * exactly once by message id, in order per sensor. Then the same with the gateway (its own JVM)
 * killed with {@code kill -9} in the middle of the outage and started again on the same outbox.
 *
 * <p>Each monitor holds a reading until the gateway acknowledges it (9014), as a real one does; the
 * gateway acknowledges only what its outbox has stored. During the outage the monitors empty their
 * queues into the gateway, so what reaches the subscriber after it was stored only in the outbox —
 * and, in the second test, only in the outbox file of a process that was killed.
 */
class GatewayOutageIT {
    static final String SITE = "site-out";
    static final int SENSORS = 10;
    static final int PER_SENSOR = 1_000;
    static final long OUTAGE_MS = Long.getLong("nce.outageSeconds", 60) * 1000;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    MosquittoBroker broker;
    String conf;
    int hj212Port;

    @BeforeEach
    void broker() throws Exception {
        MosquittoBroker.assumeInstalled();
        broker = MosquittoBroker.on(dir.resolve("broker"));
        Files.createDirectories(broker.dir());
        Path passwd = broker.passwordFile(Map.of(SITE, "gw-secret", "nce-admin", "admin-secret"));
        conf = "per_listener_settings true\nlistener " + broker.port() + " 127.0.0.1\nallow_anonymous false\n"
                + "password_file " + passwd + "\nacl_file " + MosquittoBroker.deployDir().resolve("mosquitto/acl") + "\n"
                + "max_queued_messages 0\n";
        broker.start(conf, true);
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            hj212Port = s.getLocalPort();
        }
    }

    @Test
    void brokerDownForAMinuteLosesNothingAndDoublesNothing() throws Exception {
        GatewayConfig config = GatewayConfig.parse(configYaml());
        try (Subscriber sub = new Subscriber(broker.port())) {
            try (Gateway gw = new Gateway(config, GatewayOutageIT::env, null).start()) {
                run(sub, () -> { }, () -> { });
                // The heartbeat says what happened: every monitor seen, its last flag, the reconnect.
                awaitUntil(() -> sub.heartbeat != null && sub.heartbeat.path("hj212").path("readings").asLong() >= SENSORS * PER_SENSOR,
                        30_000, "a heartbeat after the last reading");
                JsonNode hb = sub.heartbeat;
                assertEquals(SENSORS, hb.path("sensors").size());
                assertEquals("N", hb.path("sensors").get(0).path("last_flag").asText());
                assertTrue(hb.path("mqtt").path("reconnects").asLong() >= 1, hb.toString());
                assertEquals("online", sub.status);
            }
            awaitUntil(() -> "offline".equals(sub.status), 10_000, "offline status after the gateway stopped");
        } finally {
            broker.close();
        }
    }

    @Test
    void gatewayKilledDuringTheOutageSendsWhatItHadStoredWhenBack() throws Exception {
        Path yaml = dir.resolve("gateway.yaml");
        Files.writeString(yaml, configYaml());
        Process[] gw = {startGateway(yaml, "first")};
        try (Subscriber sub = new Subscriber(broker.port())) {
            run(sub, () -> {
                gw[0].destroyForcibly(); // SIGKILL: no shutdown hook, no last commit
                gw[0].waitFor(10, TimeUnit.SECONDS);
            }, () -> gw[0] = startGateway(yaml, "second"));
        } finally {
            gw[0].destroy();
            gw[0].waitFor(10, TimeUnit.SECONDS);
            broker.close();
        }
    }

    /** Readings flow; the broker stops for the outage; {@code midOutage} and {@code afterKill} run in its middle. */
    private void run(Subscriber sub, ThrowingRunnable midOutage, ThrowingRunnable afterKill) throws Exception {
        long base = (System.currentTimeMillis() - 3_600_000L) / 1000 * 1000; // data times an hour ago, one a second
        List<Hj212Simulator> sims = new ArrayList<>();
        for (int s = 0; s < SENSORS; s++) {
            sims.add(new Hj212Simulator("127.0.0.1", hj212Port, new Hj212Simulator.Device(mn(s), "pw-" + s, SensorKind.NOISE, Map.of()),
                    ZoneId.of("Asia/Shanghai"), 1, 3_000, PER_SENSOR).start());
        }
        long flowMs = OUTAGE_MS + 15_000; // the readings take longer to offer than the outage lasts
        long t0 = System.currentTimeMillis();
        Thread feeder = new Thread(() -> {
            try {
                for (int i = 0; i < PER_SENSOR; i++) {
                    for (int s = 0; s < SENSORS; s++) {
                        sims.get(s).offer(new SensorReading(SITE, "noise-" + s, SensorKind.NOISE, base + i * 1000L, 40 + (i % 300) / 10.0,
                                null, null));
                    }
                    long due = t0 + (i + 1) * flowMs / PER_SENSOR;
                    long wait = due - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "feeder");
        feeder.start();
        // Some readings through first, then the outage.
        awaitUntil(() -> sub.unique() >= 500, 60_000, "first readings through the broker");
        broker.stop();
        long stoppedAt = System.currentTimeMillis();
        long before = sub.unique();
        Thread.sleep(OUTAGE_MS / 2);
        midOutage.run();
        Thread.sleep(2_000);
        afterKill.run();
        Thread.sleep(Math.max(0, OUTAGE_MS - (System.currentTimeMillis() - stoppedAt)));
        long acceptedDuringOutage = sims.stream().mapToLong(Hj212Simulator::acked).sum();
        broker.start(conf, true);
        feeder.join();
        for (Hj212Simulator sim : sims) {
            assertTrue(sim.awaitDrained(120_000), "a monitor still holds unacknowledged readings");
        }
        awaitUntil(() -> sub.unique() >= SENSORS * PER_SENSOR, 180_000, "every reading at the subscriber");
        for (Hj212Simulator sim : sims) {
            sim.close();
        }
        assertTrue(acceptedDuringOutage > before + 1_000, "the gateway kept taking readings while the broker was down ("
                + acceptedDuringOutage + " acknowledged, " + before + " through before)");
        Set<String> expected = ConcurrentHashMap.newKeySet();
        for (int s = 0; s < SENSORS; s++) {
            for (int i = 0; i < PER_SENSOR; i++) {
                expected.add(mn(s) + "-2011-" + org.nce.gateway.hj212.Hj212Writer.DATA_TIME.format(
                        java.time.Instant.ofEpochMilli(base + i * 1000L).atZone(ZoneId.of("Asia/Shanghai"))) + "-LA");
            }
        }
        assertEquals(expected, sub.ids(), "exactly the readings sent, each once by message id");
        for (int s = 0; s < SENSORS; s++) {
            List<Long> times = sub.firstArrivals("noise-" + s);
            for (int i = 1; i < times.size(); i++) {
                assertTrue(times.get(i) > times.get(i - 1), "noise-" + s + " out of order at " + i);
            }
        }
        System.out.printf("outage test: %d readings, %d duplicates dropped by message id, %d acknowledged while the broker was down%n",
                sub.unique(), sub.duplicates(), acceptedDuringOutage);
    }

    private String configYaml() {
        StringBuilder y = new StringBuilder("site: " + SITE + "\n"
                + "mqtt: {server_uri: \"tcp://127.0.0.1:" + broker.port() + "\", password_env: OUT_GW_PW}\n"
                + "outbox: {path: \"" + dir.resolve("outbox.db") + "\", durability: fsync}\n"
                + "heartbeat_seconds: 2\n"
                + "hj212:\n  listen: \"127.0.0.1:" + hj212Port + "\"\n  devices:\n");
        for (int s = 0; s < SENSORS; s++) {
            y.append("    - {id: noise-").append(s).append(", mn: ").append(mn(s)).append(", kind: noise, password_env: OUT_PW_")
                    .append(s).append("}\n");
        }
        return y.toString();
    }

    static String env(String name) {
        return envs().get(name);
    }

    static Map<String, String> envs() {
        Map<String, String> m = new HashMap<>();
        m.put("OUT_GW_PW", "gw-secret");
        for (int s = 0; s < SENSORS; s++) {
            m.put("OUT_PW_" + s, "pw-" + s);
        }
        return m;
    }

    static String mn(int s) {
        return String.format("OUTAGE00000000000000%04d", s);
    }

    private Process startGateway(Path yaml, String name) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), GatewayMain.class.getName(), "--config", yaml.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("gateway-" + name + ".log").toFile());
        pb.environment().putAll(envs());
        Process p = pb.start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", hj212Port)) {
                return p;
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("gateway exited: " + Files.readString(dir.resolve("gateway-" + name + ".log")));
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        throw new IllegalStateException("gateway did not listen within 30 s");
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void awaitUntil(Condition c, long ms, String what) throws Exception {
        long end = System.currentTimeMillis() + ms;
        while (!c.holds()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** nce-admin with a persistent session: what arrives, first arrivals in order, duplicates counted. */
    static final class Subscriber implements AutoCloseable {
        final MqttAsyncClient client;
        final Set<String> ids = ConcurrentHashMap.newKeySet();
        final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
        final AtomicLong duplicates = new AtomicLong();
        volatile JsonNode heartbeat;
        volatile String status;

        Subscriber(int port) throws MqttException {
            client = new MqttAsyncClient("tcp://127.0.0.1:" + port, "outage-subscriber", new MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setUserName("nce-admin");
            o.setPassword("admin-secret".getBytes(StandardCharsets.UTF_8));
            o.setCleanStart(false);
            o.setSessionExpiryInterval(3_600L);
            o.setAutomaticReconnect(true);
            o.setAutomaticReconnectDelay(1, 2);
            client.setCallback(new MqttCallback() {
                @Override
                public void messageArrived(String topic, MqttMessage m) throws Exception {
                    if (topic.endsWith("/gateway/heartbeat")) {
                        heartbeat = JSON.readTree(m.getPayload());
                        return;
                    }
                    if (topic.endsWith("/gateway/status")) {
                        status = new String(m.getPayload(), StandardCharsets.UTF_8);
                        return;
                    }
                    JsonNode r = JSON.readTree(m.getPayload());
                    String id = r.path("message_id").asText();
                    if (ids.add(id)) {
                        arrivals.computeIfAbsent(r.path("sensor_id").asText(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                                .add(r.path("timestamp_ms").asLong());
                    } else {
                        duplicates.incrementAndGet();
                    }
                }

                @Override
                public void disconnected(MqttDisconnectResponse r) {
                }

                @Override
                public void mqttErrorOccurred(MqttException e) {
                }

                @Override
                public void deliveryComplete(IMqttToken t) {
                }

                @Override
                public void connectComplete(boolean reconnect, String uri) {
                }

                @Override
                public void authPacketArrived(int code, MqttProperties p) {
                }
            });
            client.connect(o).waitForCompletion(10_000);
            client.subscribe(new String[] {"nce/" + SITE + "/sensor/+/reading", "nce/" + SITE + "/gateway/+"}, new int[] {1, 1})
                    .waitForCompletion(10_000);
        }

        long unique() {
            return ids.size();
        }

        long duplicates() {
            return duplicates.get();
        }

        Set<String> ids() {
            return Set.copyOf(ids);
        }

        List<Long> firstArrivals(String sensor) {
            synchronized (arrivals.getOrDefault(sensor, List.of())) {
                return List.copyOf(arrivals.getOrDefault(sensor, List.of()));
            }
        }

        @Override
        public void close() throws MqttException {
            client.disconnect().waitForCompletion(5_000);
            client.close();
        }
    }
}
