package org.nce.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.gateway.hj212.Hj212Simulator;
import org.nce.gateway.mqtt.MosquittoBroker;
import org.nce.gateway.mqtt.MqttTestClient;
import org.nce.gateway.outbox.Outbox;
import org.nce.model.SensorKind;
import org.nce.model.SensorReading;

/**
 * Readings never wait behind frames: with more than 100 frames of 500 KB queued in the outbox, a
 * monitor's next ten readings (one at a time, as a real monitor sends them) arrive before half of
 * that backlog has — they have their own file, writer, commits and broker connection. With one
 * queue they would arrive after all of it. (Structural: the order of arrival, not a timing figure.)
 */
class ReadingsBeforeFramesIT {
    @TempDir
    Path dir;

    @Test
    void aBurstOfFramesDoesNotHoldUpReadings() throws Exception {
        MosquittoBroker.assumeInstalled();
        try (MosquittoBroker broker = MosquittoBroker.on(dir)) {
            broker.start(broker.loopbackConf(Map.of("site-b", "gw", "nce-admin", "admin"), "max_queued_messages 0"));
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            GatewayConfig config = GatewayConfig.parse("site: site-b\n"
                    + "mqtt: {server_uri: \"tcp://127.0.0.1:" + broker.port() + "\", password_env: GW}\n"
                    + "outbox: {path: \"" + dir.resolve("outbox.db") + "\", max_bytes: 1073741824}\n"
                    + "hj212: {listen: \"127.0.0.1:" + port + "\", devices: [{id: n1, mn: MNB1, kind: noise, password_env: PW}]}\n");
            int burst = 300;
            // The backlog is put in the outbox before the gateway starts (a site that was offline
            // with its frames queued): racing a live writer against the forwarder made the backlog
            // depend on the machine (a 2-core CI runner forwarded as fast as it wrote).
            byte[] big = new byte[500_000];
            new java.util.Random(1).nextBytes(big);
            try (Outbox prefill = Outbox.open(config.outbox().path(), config.outbox().maxBytes(), Outbox.Durability.OS)) {
                java.util.ArrayDeque<java.util.concurrent.CompletableFuture<Void>> stored = new java.util.ArrayDeque<>();
                for (int i = 0; i < burst; i++) {
                    stored.add(prefill.append(Outbox.Lane.FRAMES, "nce/site-b/camera/cam-" + (i % 4) + "/frame", big));
                    if (stored.size() >= 32) {
                        stored.poll().get(); // the writer takes 64 frames at most in its queue: keep it fed, never refused
                    }
                }
                for (var f : stored) {
                    f.get();
                }
                assertTrue(prefill.rows(Outbox.Lane.FRAMES) == burst, "the backlog is stored: " + prefill.rows(Outbox.Lane.FRAMES));
            }
            try (MqttTestClient frames = MqttTestClient.connect("tcp://127.0.0.1:" + broker.port(), "nce-admin", "admin");
                 MqttTestClient readings = MqttTestClient.connect("tcp://127.0.0.1:" + broker.port(), "nce-admin", "admin")) {
                frames.subscribe("nce/site-b/camera/+/frame");
                readings.subscribe("nce/site-b/sensor/+/reading");
                try (Gateway gw = new Gateway(config, Map.of("GW", "gw", "PW", "pw")::get, null).start();
                     Hj212Simulator monitor = new Hj212Simulator("127.0.0.1", port, new Hj212Simulator.Device("MNB1", "pw", SensorKind.NOISE, Map.of()),
                             ZoneId.of("Asia/Shanghai"), 1, 5_000, 100).start()) {
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (frames.received().size() < 5 && System.nanoTime() < until) {
                        Thread.sleep(5); // the readings come once the backlog is flowing, not before its connection is up
                    }
                    int atOffer = frames.received().size();
                    assertTrue(atOffer >= 5, "the backlog is flowing: " + atOffer + " frames");
                    assertTrue(burst - atOffer >= 100, "a real backlog when the readings come: " + (burst - atOffer) + " frames");
                    long t0 = System.currentTimeMillis() / 1000 * 1000 - 60_000;
                    for (int i = 0; i < 10; i++) {
                        monitor.offer(new SensorReading("site-b", "n1", SensorKind.NOISE, t0 + i * 1000L, 50, null, null));
                    }
                    for (int i = 0; i < 10; i++) {
                        assertTrue(readings.received().poll(30, TimeUnit.SECONDS) != null, "reading " + i + " arrived");
                    }
                    int framesBy = frames.received().size();
                    System.out.println("readings before frames: " + (burst - atOffer) + " frames queued when the readings came; the ten readings "
                            + "arrived after " + (framesBy - atOffer) + " of them");
                    assertTrue(framesBy - atOffer < (burst - atOffer) / 2, "the ten readings arrived while " + (burst - framesBy) + " of the "
                            + (burst - atOffer) + " queued frames were still on their way (they did not wait behind them)");
                }
            }
        }
    }
}
