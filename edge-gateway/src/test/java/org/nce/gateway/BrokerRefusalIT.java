package org.nce.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.gateway.hj212.Hj212Simulator;
import org.nce.gateway.mqtt.MosquittoBroker;
import org.nce.gateway.mqtt.MqttTestClient;
import org.nce.model.SensorKind;
import org.nce.model.SensorReading;

/**
 * The broker refuses a gateway's publishes (its user may not write under this site: an ACL
 * mistake). Mosquitto answers PUBACK 0x87, which Paho completes as a success: the readings were
 * deleted from the outbox and lost (the monitor had its 9014 long before). Now they stay, and
 * arrive once the ACL is put right.
 */
class BrokerRefusalIT {
    @TempDir
    Path dir;

    @Test
    void readingsTheBrokerRefusesStayInTheOutboxUntilItTakesThem() throws Exception {
        MosquittoBroker.assumeInstalled();
        try (MosquittoBroker broker = MosquittoBroker.on(dir)) {
            Path passwd = broker.passwordFile(Map.of("site-y", "gw", "nce-admin", "admin"));
            Path acl = dir.resolve("acl");
            Files.copy(MosquittoBroker.deployDir().resolve("mosquitto/acl"), acl);
            broker.start("listener " + broker.port() + " 127.0.0.1\nallow_anonymous false\npassword_file " + passwd + "\nacl_file " + acl);
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            // Site site-x, but logged in as site-y: the ACL lets it write only nce/site-y/#.
            GatewayConfig config = GatewayConfig.parse("site: site-x\n"
                    + "mqtt: {server_uri: \"tcp://127.0.0.1:" + broker.port() + "\", username: site-y, password_env: GW}\n"
                    + "outbox: {path: \"" + dir.resolve("outbox.db") + "\"}\n"
                    + "hj212: {listen: \"127.0.0.1:" + port + "\", devices: [{id: n1, mn: MN0001, kind: noise, password_env: PW}]}\n");
            try (MqttTestClient sub = MqttTestClient.connect("tcp://127.0.0.1:" + broker.port(), "nce-admin", "admin");
                 Gateway gw = new Gateway(config, Map.of("GW", "gw", "PW", "pw")::get, null).start();
                 Hj212Simulator monitor = new Hj212Simulator("127.0.0.1", port,
                         new Hj212Simulator.Device("MN0001", "pw", SensorKind.NOISE, Map.of()), ZoneId.of("Asia/Shanghai"), 1, 3_000, 100).start()) {
                sub.subscribe("nce/site-x/sensor/+/reading");
                long t0 = System.currentTimeMillis() / 1000 * 1000 - 60_000;
                for (int i = 0; i < 20; i++) {
                    monitor.offer(new SensorReading("site-x", "n1", SensorKind.NOISE, t0 + i * 1000L, 50, null, null));
                }
                assertTrue(monitor.awaitDrained(20_000), "the gateway acknowledged the monitor's readings (stored)");
                GatewayOutageIT.awaitUntil(() -> ((Map<?, ?>) gw.health().get("mqtt")).get("refused_by_broker") instanceof Long n && n > 0,
                        20_000, "the broker's refusal seen");
                Thread.sleep(1_000);
                assertEquals(20, gw.outbox().rows(org.nce.gateway.outbox.Outbox.Lane.READINGS), "refused readings are kept");
                assertTrue(sub.received().isEmpty());

                // The operator fixes the ACL and reloads the broker: the kept readings go out.
                Files.writeString(acl, Files.readString(acl) + "\nuser site-y\ntopic write nce/site-x/#\n");
                broker.reload();
                GatewayOutageIT.awaitUntil(() -> sub.received().size() >= 20, 30_000, "the kept readings after the ACL fix");
                GatewayOutageIT.awaitUntil(() -> gw.outbox().rows(org.nce.gateway.outbox.Outbox.Lane.READINGS) == 0, 10_000, "an empty outbox");
            }
        }
    }

    /**
     * A frame the broker can never take is dropped and counted, and the frames after it go on; kept,
     * it would be first after every reconnect and hold the frames lane back for good. Over
     * Mosquitto 2.0.11's message_size_limit or the Maximum Packet Size it announces, the connection
     * drops (Paho refuses to send it, or the broker closes); once the same oldest frame has outlived
     * five connections it is dropped. (A broker that answers PUBACK 0x95 instead has it dropped at
     * once; Mosquitto does not, so that path is not run here.)
     */
    @Test
    void aFrameOverTheBrokersMessageSizeLimitIsDroppedAndTheRestGoOn() throws Exception {
        framesAroundOneTooLarge("message_size_limit 100000", 90_000);
    }

    @Test
    void aFrameOverTheBrokersMaximumPacketSizeIsDroppedAfterFiveConnections() throws Exception {
        framesAroundOneTooLarge("max_packet_size 100000", 90_000);
    }

    private void framesAroundOneTooLarge(String limit, long timeoutMs) throws Exception {
        MosquittoBroker.assumeInstalled();
        try (MosquittoBroker broker = MosquittoBroker.on(dir)) {
            broker.start(broker.loopbackConf(Map.of("site-b", "gw", "nce-admin", "admin"), limit));
            GatewayConfig config = GatewayConfig.parse("site: site-b\n"
                    + "mqtt: {server_uri: \"tcp://127.0.0.1:" + broker.port() + "\", password_env: GW}\n"
                    + "outbox: {path: \"" + dir.resolve("outbox.db") + "\"}\n");
            try (MqttTestClient sub = MqttTestClient.connect("tcp://127.0.0.1:" + broker.port(), "nce-admin", "admin");
                 Gateway gw = new Gateway(config, Map.of("GW", "gw")::get, null).start()) {
                sub.subscribe("nce/site-b/camera/+/frame");
                java.util.List<String> sent = new java.util.ArrayList<>();
                for (int i = 0; i < 7; i++) {
                    byte[] payload = new byte[i == 3 ? 300_000 : 10_000];
                    java.util.Arrays.fill(payload, (byte) ' ');
                    byte[] name = ("frame-" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    System.arraycopy(name, 0, payload, 0, name.length);
                    gw.outbox().append(org.nce.gateway.outbox.Outbox.Lane.FRAMES, "nce/site-b/camera/cam-1/frame", payload).get();
                    if (i != 3) {
                        sent.add("frame-" + i);
                    }
                }
                GatewayOutageIT.awaitUntil(() -> sub.received().size() >= 6, timeoutMs, "the six frames the broker takes");
                try {
                    // The frames after the large one may arrive before it is dropped (they were in flight behind it).
                    GatewayOutageIT.awaitUntil(() -> gw.outbox().rows(org.nce.gateway.outbox.Outbox.Lane.FRAMES) == 0, timeoutMs,
                            "an empty frames lane");
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + ": " + gw.outbox().rows(org.nce.gateway.outbox.Outbox.Lane.FRAMES)
                            + " rows left; received " + sub.received().size() + "; health " + gw.health(), e);
                }
                // At least once: what was in flight behind the large frame is sent again after each reconnect.
                java.util.Set<String> firstArrivals = new java.util.LinkedHashSet<>();
                for (String m : sub.received()) {
                    firstArrivals.add(m.substring(m.indexOf(' ') + 1).strip()); // "topic payload"
                }
                assertEquals(sent, new java.util.ArrayList<>(firstArrivals), "the frames around the one too large, in order");
                assertEquals(1L, ((Map<?, ?>) gw.health().get("mqtt")).get("frames_dropped_unsendable"), gw.health().toString());
            }
        }
    }
}
