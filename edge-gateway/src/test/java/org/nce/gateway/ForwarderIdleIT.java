package org.nce.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.gateway.mqtt.MosquittoBroker;
import org.nce.gateway.mqtt.MqttTestClient;
import org.nce.gateway.outbox.Outbox;

/**
 * After its lane has emptied and the connection has come back, a forwarder waits for new entries
 * instead of querying the outbox in a loop: with the cursor set back to 0 by the reconnect and every
 * id up to the highest already used, "anything after 0?" found nothing and "wait for an id after
 * 0" returned at once, and an idle gateway burnt a core per lane. Measured as the forwarder
 * threads' CPU time over 3 idle seconds (a spin takes about 3 s of it, waiting next to none).
 */
class ForwarderIdleIT {
    @TempDir
    Path dir;

    @Test
    void anEmptiedLaneWaitsForNewEntriesAfterAReconnect() throws Exception {
        MosquittoBroker.assumeInstalled();
        try (MosquittoBroker broker = MosquittoBroker.on(dir)) {
            String conf = broker.loopbackConf(Map.of("site-b", "gw", "nce-admin", "admin"), "");
            broker.start(conf);
            GatewayConfig config = GatewayConfig.parse("site: site-b\n"
                    + "mqtt: {server_uri: \"tcp://127.0.0.1:" + broker.port() + "\", password_env: GW}\n"
                    + "outbox: {path: \"" + dir.resolve("outbox.db") + "\"}\n");
            try (Gateway gw = new Gateway(config, Map.of("GW", "gw")::get, null).start()) {
                try (MqttTestClient sub = MqttTestClient.connect("tcp://127.0.0.1:" + broker.port(), "nce-admin", "admin")) {
                    sub.subscribe("nce/site-b/camera/+/frame");
                    sub.subscribe("nce/site-b/sensor/+/reading");
                    for (int i = 0; i < 20; i++) {
                        gw.outbox().append(Outbox.Lane.FRAMES, "nce/site-b/camera/cam-1/frame", new byte[1000]).get();
                        gw.outbox().append(Outbox.Lane.READINGS, "nce/site-b/sensor/n1/reading",
                                ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8)).get();
                    }
                    GatewayOutageIT.awaitUntil(() -> sub.received().size() >= 40, 30_000, "the 40 entries");
                }
                GatewayOutageIT.awaitUntil(() -> gw.outbox().rows(Outbox.Lane.FRAMES) == 0 && gw.outbox().rows(Outbox.Lane.READINGS) == 0,
                        10_000, "both lanes emptied");
                broker.stop();
                broker.start(conf);
                GatewayOutageIT.awaitUntil(() -> Boolean.TRUE.equals(((Map<?, ?>) gw.health().get("mqtt")).get("connected")), 30_000,
                        "the gateway reconnected");
                Thread.sleep(1_000);
                long before = forwarderCpuNanos();
                Thread.sleep(3_000);
                long used = (forwarderCpuNanos() - before) / 1_000_000;
                System.out.println("forwarders idle after a reconnect: " + used + " ms of CPU in 3 s");
                assertTrue(used < 300, "the forwarders used " + used + " ms of CPU in 3 idle seconds: they spin");
            }
        }
    }

    private static long forwarderCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("forward-")) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }
}
