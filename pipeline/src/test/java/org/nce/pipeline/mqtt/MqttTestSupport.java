package org.nce.pipeline.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/** What the MQTT source's integration tests share: a sink that records per subtask, a publisher, bounded waits. */
final class MqttTestSupport {
    /** run -> payloads received, with the index of the subtask that received each. */
    static final Map<String, ConcurrentLinkedQueue<Received>> RECEIVED = new ConcurrentHashMap<>();

    record Received(String payload, int subtask) {
    }

    private MqttTestSupport() {
    }

    static List<Received> received(String run) {
        return List.copyOf(RECEIVED.getOrDefault(run, new ConcurrentLinkedQueue<>()));
    }

    static StreamExecutionEnvironment miniCluster(int parallelism, long checkpointMs) {
        Configuration conf = new Configuration();
        conf.setString("taskmanager.memory.managed.size", "16m");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        env.enableCheckpointing(checkpointMs);
        return env;
    }

    /**
     * Records what each subtask receives. Chained to the source (same parallelism, forward), so the
     * sink's subtask index is the source reader's.
     */
    static final class RecordingSink implements Sink<MqttRecord> {
        private static final long serialVersionUID = 1L;
        private final String run;
        private final long workMsPerRecord;
        private final int stallAtRecord;
        private final long stallMs;

        RecordingSink(String run, long workMsPerRecord) {
            this(run, workMsPerRecord, -1, 0);
        }

        /** Also stalls once, for {@code stallMs}, at the writer's {@code stallAtRecord}-th record (a store retrying with back-off). */
        RecordingSink(String run, long workMsPerRecord, int stallAtRecord, long stallMs) {
            this.run = run;
            this.workMsPerRecord = workMsPerRecord;
            this.stallAtRecord = stallAtRecord;
            this.stallMs = stallMs;
        }

        @Override
        public SinkWriter<MqttRecord> createWriter(WriterInitContext context) {
            int subtask = context.getTaskInfo().getIndexOfThisSubtask();
            return new SinkWriter<>() {
                private int written;

                @Override
                public void write(MqttRecord r, Context c) throws InterruptedException {
                    if (++written == stallAtRecord) {
                        Thread.sleep(stallMs);
                    }
                    RECEIVED.computeIfAbsent(run, k -> new ConcurrentLinkedQueue<>())
                            .add(new Received(new String(r.payload(), StandardCharsets.UTF_8), subtask));
                    if (workMsPerRecord > 0) {
                        Thread.sleep(workMsPerRecord); // stands for a slow operator (a detector on a busy core)
                    }
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

    /** A QoS 1 publisher (a gateway). */
    static MqttClient publisher(String url, String clientId, String user, String password) throws MqttException {
        MqttClient c = new MqttClient(url, clientId, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        c.connect(o);
        return c;
    }

    static void publish(MqttClient c, String topic, String payload) throws MqttException {
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                c.publish(topic, m);
                return;
            } catch (MqttException e) {
                // Paho 1.2.5's blocking publish can return before its in-flight count drops (seen once
                // with the broker busy resending to a slow source): wait for the window, as a gateway would.
                if (e.getReasonCode() != org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT
                        || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    static void close(MqttClient c) throws MqttException {
        if (c.isConnected()) {
            c.disconnect();
        }
        c.close();
    }

    /** Waits for a condition, bounded; false when the deadline passed first. */
    static boolean await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    /**
     * Publishes a probe every 250 ms until {@code arrived} holds for what was received, bounded. A
     * subscription's existence cannot be observed from outside the broker, so a probe that arrives is
     * the proof that the source is subscribed (the broker drops messages nobody subscribes to).
     */
    static boolean probeUntil(MqttClient pub, String topic, String run, String probePrefix,
                              java.util.function.Predicate<List<Received>> arrived, long timeoutMs)
            throws MqttException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (int n = 0; System.currentTimeMillis() < deadline; n++) {
            if (pub.isConnected()) {
                publish(pub, topic, probePrefix + n);
            }
            if (await(() -> arrived.test(received(run)), 250)) {
                return true;
            }
        }
        return false;
    }

    static boolean isProbe(Received r, String probePrefix) {
        return r.payload().startsWith(probePrefix);
    }
}
