package org.nce.pipeline.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
 * Issue #7.1: a broker that comes back without the session (restarted without persistence, or an
 * outage longer than the session expiry) must not leave the job RUNNING with no input. The source
 * must subscribe again when it reconnects.
 */
class MqttSessionLossIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void messagesPublishedAfterABrokerRestartWithoutTheSessionArrive() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String run = "session-loss-" + id;
        String topic = "nce/site-test/camera/loss-" + id + "/frame";
        try (MosquittoProcess broker = MosquittoProcess.start(dir)) {
            StreamExecutionEnvironment env = MqttTestSupport.miniCluster(1, 500);
            MqttSource source = MqttSource.builder().serverUri(broker.url()).clientIdPrefix("nce-loss-" + id)
                    .topics(topic).qos(1).sessionExpirySeconds(600).build();
            env.fromSource(source, WatermarkStrategy.noWatermarks(), "mqtt").sinkTo(new MqttTestSupport.RecordingSink(run, 0));
            JobClient job = env.executeAsync(run);
            try {
                MqttClient gw = MqttTestSupport.publisher(broker.url(), "gw-loss-" + id, null, null);
                assertTrue(MqttTestSupport.probeUntil(gw, topic, run, "probe-before-",
                        got -> got.stream().anyMatch(r -> MqttTestSupport.isProbe(r, "probe-before-")), 60_000),
                        "the source never subscribed");
                MqttTestSupport.close(gw);

                broker.kill(); // kill -9: the broker forgets every session (persistence false)
                broker.startAgain();

                gw = MqttTestSupport.publisher(broker.url(), "gw-loss-" + id, null, null);
                assertTrue(MqttTestSupport.probeUntil(gw, topic, run, "probe-after-",
                        got -> got.stream().anyMatch(r -> MqttTestSupport.isProbe(r, "probe-after-")), 60_000),
                        "nothing arrived after the broker came back without the session: the source did not subscribe again");
                Set<String> expected = new TreeSet<>();
                for (int i = 0; i < 20; i++) {
                    String p = String.format("after-%02d", i);
                    expected.add(p);
                    MqttTestSupport.publish(gw, topic, p);
                }
                MqttTestSupport.close(gw);
                MqttTestSupport.await(() -> received(run).containsAll(expected), 30_000);
                assertEquals(expected, received(run));
            } finally {
                job.cancel().get();
            }
        }
    }

    private static Set<String> received(String run) {
        return MqttTestSupport.received(run).stream().map(MqttTestSupport.Received::payload)
                .filter(p -> p.startsWith("after-")).collect(Collectors.toCollection(TreeSet::new));
    }
}
