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
}
