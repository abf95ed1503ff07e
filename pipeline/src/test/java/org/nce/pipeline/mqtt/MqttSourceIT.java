package org.nce.pipeline.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;

/**
 * Proves the source's guarantee on a real Mosquitto: messages are acknowledged only after a
 * completed checkpoint. A job without checkpoints receives messages but never acknowledges them, so
 * the next job with the same session gets them all again; once a checkpoint has completed, a third
 * job gets none of them.
 */
class MqttSourceIT {
    static final ConcurrentHashMap<String, ConcurrentLinkedQueue<String>> RECEIVED = new ConcurrentHashMap<>();

    static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    static final String URL = env("NCE_MQTT_URL", "tcp://127.0.0.1:" + env("NCE_MQTT_PORT", "1883"));
    static final String PASSWORD = env("NCE_MQTT_PASSWORD", "nce-dev-mqtt");
    /** The site gateways' password (site-test publishes), not the pipeline's. */
    static final String GATEWAY_PASSWORD = env("NCE_MQTT_GATEWAY_PASSWORD", "nce-dev-gateway");

    /** Records payloads per run in this JVM (the MiniCluster runs here). */
    static final class CollectSink implements Sink<MqttRecord> {
        private static final long serialVersionUID = 1L;
        private final String run;

        CollectSink(String run) {
            this.run = run;
        }

        @Override
        public SinkWriter<MqttRecord> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(MqttRecord r, Context c) {
                    RECEIVED.computeIfAbsent(run, k -> new ConcurrentLinkedQueue<>()).add(new String(r.payload(), StandardCharsets.UTF_8));
                }

                @Override
                public void flush(boolean endOfInput) {
                }

                @Override
                public void close() {
                }
            };
        }
    }

    JobClient start(String run, String topic, String clientId, long checkpointMs) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("taskmanager.memory.managed.size", "16m");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        if (checkpointMs > 0) {
            env.enableCheckpointing(checkpointMs);
        }
        MqttSource source = MqttSource.builder().serverUri(URL).credentials("nce-pipeline", PASSWORD)
                .clientIdPrefix(clientId).topics(topic).qos(1).sessionExpirySeconds(600).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "mqtt").sinkTo(new CollectSink(run));
        return env.executeAsync(run);
    }

    /** Subscribes once with a persistent session and leaves: the broker now queues for that client id. */
    static void createSession(String clientId, String topic) throws Exception {
        MqttClient c = new MqttClient(URL, clientId, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName("nce-pipeline");
        o.setPassword(PASSWORD.getBytes(StandardCharsets.UTF_8));
        o.setCleanStart(false);
        o.setSessionExpiryInterval(600L);
        c.connect(o);
        c.subscribe(topic, 1);
        c.disconnect();
        c.close();
    }

    static Set<String> awaitReceived(String run, int n, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            Set<String> got = new TreeSet<>(RECEIVED.getOrDefault(run, new ConcurrentLinkedQueue<>()));
            if (got.size() >= n) {
                return got;
            }
            Thread.sleep(200);
        }
        return new TreeSet<>(RECEIVED.getOrDefault(run, new ConcurrentLinkedQueue<>()));
    }

    @Test
    void unacknowledgedMessagesComeBackAndCheckpointedOnesDoNot() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "nce/site-test/camera/src-it-" + id + "/frame";
        String clientId = "nce-src-it-" + id;

        // The session exists before any job runs (as it does for a deployed pipeline), so no message
        // can slip past while the first job is still starting.
        createSession(clientId + "-0", topic);
        // First job: receives, never checkpoints.
        JobClient first = start("first-" + id, topic, clientId, 0);
        MqttClient gw = new MqttClient(URL, "gw-src-it-" + id, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName("site-test");
        o.setPassword(GATEWAY_PASSWORD.getBytes(StandardCharsets.UTF_8));
        gw.connect(o);
        for (int i = 0; i < 20; i++) {
            MqttMessage m = new MqttMessage(String.format("m%02d", i).getBytes(StandardCharsets.UTF_8));
            m.setQos(1);
            gw.publish(topic, m);
        }
        gw.disconnect();
        gw.close();
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < 20; i++) {
            expected.add(String.format("m%02d", i));
        }
        assertEquals(expected, awaitReceived("first-" + id, 20, 30_000));
        first.cancel().get();

        // Second job, same session: the broker redelivers everything, because nothing was acknowledged.
        JobClient second = start("second-" + id, topic, clientId, 500);
        assertEquals(expected, awaitReceived("second-" + id, 20, 30_000));
        Thread.sleep(3000); // several checkpoints complete: now the messages are acknowledged
        second.cancel().get();

        // Third job, same session: nothing is left to redeliver.
        JobClient third = start("third-" + id, topic, clientId, 500);
        Thread.sleep(6000);
        third.cancel().get();
        assertTrue(awaitReceived("third-" + id, 1, 100).isEmpty(), "acknowledged messages were delivered again");
    }
}
