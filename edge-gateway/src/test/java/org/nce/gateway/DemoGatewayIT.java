package org.nce.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.gateway.mqtt.MosquittoBroker;
import org.nce.gateway.mqtt.MqttTestClient;

/**
 * The demo's own gateway configuration, run for real against a Mosquitto of the test's: both
 * simulated HJ 212 monitors deliver readings, both cameras deliver frames, and the device records
 * (with their audit records) are published. A noise meter without a factor map once stopped
 * silently (a scheduled task died on its first run).
 */
class DemoGatewayIT {
    @TempDir
    Path dir;

    @Test
    void everyDeviceOfTheDemoDelivers() throws Exception {
        MosquittoBroker.assumeInstalled();
        try (MosquittoBroker broker = MosquittoBroker.on(dir)) {
            broker.start(broker.loopbackConf(Map.of("site-demo", "gw", "nce-admin", "admin"), ""));
            GatewayConfig demo = GatewayConfig.load(MosquittoBroker.deployDir().resolveSibling("demo/src/main/resources/demo-gateway.yaml"));
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            GatewayConfig.Mqtt m = demo.mqtt();
            GatewayConfig config = new GatewayConfig(demo.site(), demo.timezone(),
                    new GatewayConfig.Mqtt("tcp://127.0.0.1:" + broker.port(), m.username(), m.passwordEnv(), null, null, null),
                    new GatewayConfig.Outbox(dir.resolve("outbox.db"), null, null), 1, demo.cameras(),
                    new GatewayConfig.Hj212("127.0.0.1:" + port, null, demo.hj212().devices(), demo.hj212().simulate(), true));
            Map<String, AtomicInteger> byTopic = new ConcurrentHashMap<>();
            Map<String, JsonNode> devices = new ConcurrentHashMap<>();
            ObjectMapper json = new ObjectMapper();
            MqttTestClient sub = MqttTestClient.connect("tcp://127.0.0.1:" + broker.port(), "nce-admin", "admin");
            sub.subscribe("nce/site-demo/#");
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        String msg = sub.received().take();
                        String topic = msg.substring(0, msg.indexOf(' '));
                        byTopic.computeIfAbsent(topic, t -> new AtomicInteger()).incrementAndGet();
                        if (topic.contains("/device/")) {
                            devices.put(topic.substring(topic.lastIndexOf('/') + 1), json.readTree(msg.substring(msg.indexOf(' ') + 1)));
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            reader.setDaemon(true);
            reader.start();
            try (Gateway gw = new Gateway(config, name -> name.equals(m.passwordEnv()) ? "gw" : name.startsWith("NCE_HJ212") ? "pw" : null,
                    null).start()) {
                GatewayOutageIT.awaitUntil(() -> count(byTopic, "noise-boundary-1/reading") >= 3 && count(byTopic, "fume-kitchen-1/reading") >= 3
                        && count(byTopic, "cam-yard-1/frame") >= 5 && count(byTopic, "cam-gate-2/frame") >= 5 && devices.size() == 4,
                        30_000, "readings, frames and device records of every demo device: " + byTopic);
            } finally {
                reader.interrupt();
                sub.close();
            }
            assertEquals("2026-01-05", devices.get("cam-yard-1").path("audit").path("review_date").asText());
            assertTrue(devices.get("cam-gate-2").path("audit").isMissingNode(), "a camera without a review has no audit record");
            assertEquals("DEMO0000NOISE00000000001", devices.get("noise-boundary-1").path("mn").asText());
        }
    }

    private static int count(Map<String, AtomicInteger> byTopic, String suffix) {
        return byTopic.entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).mapToInt(e -> e.getValue().get()).sum();
    }
}
