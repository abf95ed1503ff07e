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
 * Readings never wait behind frames: with a burst of 150 MB of frames queued in the outbox, a
 * monitor's readings sent after the burst arrive while most of the burst is still on its way —
 * they take their own queue, their own commits and their own broker connection. (Structural, not
 * a timing figure: what is checked is the order of arrival.)
 */
class ReadingsBeforeFramesIT {
    @TempDir
    Path dir;

    @Test
    void aBurstOfFramesDoesNotHoldUpReadings() throws Exception {
        MosquittoBroker.assumeInstalled();
        try (MosquittoBroker broker = MosquittoBroker.on(dir)) {
            java.nio.file.Path passwd = broker.passwordFile(Map.of("site-b", "gw", "nce-admin", "admin"));
            broker.start("listener " + broker.port() + " 127.0.0.1\nallow_anonymous false\npassword_file " + passwd
                    + "\nacl_file " + MosquittoBroker.deployDir().resolve("mosquitto/acl") + "\nmax_queued_messages 0\n");
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            GatewayConfig config = GatewayConfig.parse("site: site-b\n"
                    + "mqtt: {server_uri: \"tcp://127.0.0.1:" + broker.port() + "\", password_env: GW}\n"
                    + "outbox: {path: \"" + dir.resolve("outbox.db") + "\", max_bytes: 1073741824}\n"
                    + "hj212: {listen: \"127.0.0.1:" + port + "\", devices: [{id: n1, mn: MNB1, kind: noise, password_env: PW}]}\n");
            int burst = 300;
            try (MqttTestClient frames = MqttTestClient.connect("tcp://127.0.0.1:" + broker.port(), "nce-admin", "admin");
                 MqttTestClient readings = MqttTestClient.connect("tcp://127.0.0.1:" + broker.port(), "nce-admin", "admin");
                 Gateway gw = new Gateway(config, Map.of("GW", "gw", "PW", "pw")::get, null).start();
                 Hj212Simulator monitor = new Hj212Simulator("127.0.0.1", port, new Hj212Simulator.Device("MNB1", "pw", SensorKind.NOISE, Map.of()),
                         ZoneId.of("Asia/Shanghai"), 1, 5_000, 100).start()) {
                frames.subscribe("nce/site-b/camera/+/frame");
                readings.subscribe("nce/site-b/sensor/+/reading");
                byte[] big = new byte[500_000];
                new java.util.Random(1).nextBytes(big);
                for (int i = 0; i < burst; i++) {
                    gw.outbox().append(Outbox.Lane.FRAMES, "nce/site-b/camera/cam-" + (i % 4) + "/frame", big);
                    while (gw.outbox().rows(Outbox.Lane.FRAMES) + frames.received().size() < i - 40) {
                        Thread.sleep(1); // the writer takes 64 frames at most in its queue: keep it fed, never refused
                    }
                }
                long t0 = System.currentTimeMillis() / 1000 * 1000 - 60_000;
                for (int i = 0; i < 10; i++) {
                    monitor.offer(new SensorReading("site-b", "n1", SensorKind.NOISE, t0 + i * 1000L, 50, null, null));
                }
                for (int i = 0; i < 10; i++) {
                    assertTrue(readings.received().poll(30, TimeUnit.SECONDS) != null, "reading " + i + " arrived");
                }
                int framesBy = frames.received().size();
                System.out.println("readings before frames: the ten readings arrived after " + framesBy + " of " + burst + " frames");
                assertTrue(framesBy < burst / 2, "the ten readings arrived while " + (burst - framesBy) + " of " + burst
                        + " frames were still on their way (they did not wait behind them)");
            }
        }
    }
}
