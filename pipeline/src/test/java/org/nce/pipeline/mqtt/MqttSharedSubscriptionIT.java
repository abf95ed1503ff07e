package org.nce.pipeline.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #7.2: every subtask carries part of the input (one client per reader on a shared
 * subscription), and a slow task never blocks Paho's callback thread, so keepalive holds.
 */
class MqttSharedSubscriptionIT {
    private static final java.util.regex.Pattern CONNECTED = java.util.regex.Pattern.compile("New client connected from \\S+ as (\\S+) ");

    @TempDir
    Path dir;

    /** On the shared broker, with the pipeline's real credentials and ACL (it must allow $share/...). */
    @Test
    @Timeout(180)
    void messagesAreSpreadOverBothSubtasksAndNoneIsLost() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String run = "spread-" + id;
        String topic = "nce/site-test/camera/spread-" + id + "/frame";
        StreamExecutionEnvironment env = MqttTestSupport.miniCluster(2, 500);
        MqttSource source = MqttSource.builder().serverUri(MqttSourceIT.URL).credentials("nce-pipeline", MqttSourceIT.PASSWORD)
                .clientIdPrefix("nce-spread-" + id).topics(topic).qos(1).sessionExpirySeconds(600).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "mqtt").sinkTo(new MqttTestSupport.RecordingSink(run, 0));
        JobClient job = env.executeAsync(run);
        try {
            MqttClient gw = MqttTestSupport.publisher(MqttSourceIT.URL, "gw-spread-" + id, "site-test", MqttSourceIT.GATEWAY_PASSWORD);
            // Both readers are subscribed once each has received a probe.
            assertTrue(MqttTestSupport.probeUntil(gw, topic, run, "probe-",
                    got -> got.stream().filter(r -> MqttTestSupport.isProbe(r, "probe-")).map(MqttTestSupport.Received::subtask)
                            .distinct().count() == 2, 60_000),
                    "probes never reached both subtasks: " + perSubtask(MqttTestSupport.received(run)));
            Set<String> expected = new TreeSet<>();
            for (int i = 0; i < 200; i++) {
                String p = String.format("m%03d", i);
                expected.add(p);
                MqttTestSupport.publish(gw, topic, p);
            }
            MqttTestSupport.close(gw);
            MqttTestSupport.await(() -> payloads(run).containsAll(expected), 60_000);
            assertEquals(expected, payloads(run), "messages lost");
            Map<Integer, Long> counts = perSubtask(MqttTestSupport.received(run).stream()
                    .filter(r -> r.payload().startsWith("m")).toList());
            assertEquals(Set.of(0, 1), counts.keySet(), "not spread over both subtasks: " + counts);
            System.out.println("[spread] messages per subtask: " + counts);
        } finally {
            job.cancel().get();
        }
    }

    /**
     * Two topic filters at parallelism 1 (NceJob's default topics), Receive Maximum 50, keepalive 2 s,
     * a task that takes 40 ms a record and once stalls for 6 s (a store retrying with back-off). If
     * Paho's callback thread blocked on a full queue during the stall, its receiver would stop
     * reading, PINGRESP would go unread and the client would drop the connection after about 1.5x
     * keepalive; the broker's log counts each client's connections.
     */
    @Test
    @Timeout(180)
    void aSlowTaskDoesNotBlockTheCallbackThreadSoTheConnectionHolds() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String run = "slow-" + id;
        String frames = "nce/site-test/camera/slow-" + id + "/frame";
        String readings = "nce/site-test/sensor/slow-" + id + "/reading";
        String prefix = "nce-slow-" + id;
        try (MosquittoProcess broker = MosquittoProcess.start(dir)) {
            StreamExecutionEnvironment env = MqttTestSupport.miniCluster(1, 500);
            MqttSource source = MqttSource.builder().serverUri(broker.url()).clientIdPrefix(prefix)
                    .topics(frames, readings).qos(1).sessionExpirySeconds(600)
                    .receiveMaximum(50).queueCapacity(50).keepAliveSeconds(2).build();
            env.fromSource(source, WatermarkStrategy.noWatermarks(), "mqtt").sinkTo(new MqttTestSupport.RecordingSink(run, 40, 30, 6_000));
            JobClient job = env.executeAsync(run);
            try {
                MqttClient gw = MqttTestSupport.publisher(broker.url(), "gw-slow-" + id, null, null);
                // Subscribed to both filters once a probe on each has arrived.
                assertTrue(MqttTestSupport.probeUntil(gw, frames, run, "probe-f-",
                        got -> got.stream().anyMatch(r -> MqttTestSupport.isProbe(r, "probe-f-")), 60_000), "frames never subscribed");
                assertTrue(MqttTestSupport.probeUntil(gw, readings, run, "probe-r-",
                        got -> got.stream().anyMatch(r -> MqttTestSupport.isProbe(r, "probe-r-")), 60_000), "readings never subscribed");
                Set<String> expected = new TreeSet<>();
                for (int i = 0; i < 120; i++) {
                    String f = String.format("f%03d", i);
                    String r = String.format("r%03d", i);
                    expected.add(f);
                    expected.add(r);
                    MqttTestSupport.publish(gw, frames, f);
                    MqttTestSupport.publish(gw, readings, r);
                }
                MqttTestSupport.close(gw);
                long started = System.currentTimeMillis();
                MqttTestSupport.await(() -> payloads(run).containsAll(expected), 90_000);
                System.out.println("[slow] 240 messages through a 40 ms/record task in "
                        + (System.currentTimeMillis() - started) + " ms");
                assertEquals(expected, payloads(run), "messages lost");
                // In order, too: the camera and sensor stages judge a source's data in its order and pass
                // over what arrives behind newer data, so a reconnect round must not put later messages
                // ahead of the ones it left out (a TaskManager kill once lost whole fires that way).
                assertEquals(List.of(), reordered(MqttTestSupport.received(run), "f"), "frames overtaken on the way");
                assertEquals(List.of(), reordered(MqttTestSupport.received(run), "r"), "readings overtaken on the way");
                String log = broker.log();
                // A keepalive failure shows as the broker timing the client out, or as the client closing
                // its socket without a DISCONNECT. A DISCONNECT the source sends itself is its recovery
                // from a full queue (Mosquitto 2.0.11 sends more than Receive Maximum): counted, allowed.
                List<String> drops = log.lines().filter(l -> l.contains(prefix)
                        && (l.contains("exceeded timeout") || l.contains("closed its connection"))).toList();
                long ownDisconnects = log.lines().filter(l -> l.contains("Received DISCONNECT from " + prefix)).count();
                System.out.println("[slow] connection drops: " + drops.size() + ", the source's own reconnects after a full queue: "
                        + ownDisconnects);
                Map<String, Long> connectionsPerClient = log.lines()
                        .map(CONNECTED::matcher).filter(java.util.regex.Matcher::find).map(m -> m.group(1))
                        .filter(c -> c.startsWith(prefix))
                        .collect(Collectors.groupingBy(c -> c, java.util.TreeMap::new, Collectors.counting()));
                System.out.println("[slow] connections per client id: " + connectionsPerClient);
                assertEquals(List.of(), drops, "the source's connection dropped while the task was slow");
                assertTrue(ownDisconnects > 0, "the queue never filled, so the order checks above proved nothing about it");
                long connections = connectionsPerClient.values().stream().mapToLong(Long::longValue).sum();
                assertTrue(!connectionsPerClient.isEmpty() && connections == connectionsPerClient.size() + ownDisconnects,
                        "source clients connected more often than their own reconnects explain: " + connectionsPerClient);
            } finally {
                job.cancel().get();
            }
        }
    }

    /**
     * The messages (payloads {@code <prefix>NNN}, published in order) whose first arrival came after a
     * later one's: redeliveries of what already arrived are fine, overtaking is not.
     */
    static List<String> reordered(List<MqttTestSupport.Received> arrivals, String prefix) {
        Set<String> seen = new java.util.HashSet<>();
        List<String> out = new java.util.ArrayList<>();
        int newest = -1;
        for (MqttTestSupport.Received r : arrivals) {
            String p = r.payload();
            if (!p.matches(java.util.regex.Pattern.quote(prefix) + "\\d{3}") || !seen.add(p)) {
                continue;
            }
            int n = Integer.parseInt(p.substring(prefix.length()));
            if (n < newest) {
                out.add(p + " after " + prefix + String.format("%03d", newest));
            }
            newest = Math.max(newest, n);
        }
        return out;
    }

    private static Set<String> payloads(String run) {
        return MqttTestSupport.received(run).stream().map(MqttTestSupport.Received::payload)
                .filter(p -> !p.startsWith("probe-")).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<Integer, Long> perSubtask(List<MqttTestSupport.Received> rs) {
        return rs.stream().collect(Collectors.groupingBy(MqttTestSupport.Received::subtask, java.util.TreeMap::new, Collectors.counting()));
    }
}
