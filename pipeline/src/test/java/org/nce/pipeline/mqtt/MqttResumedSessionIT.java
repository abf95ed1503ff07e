package org.nce.pipeline.mqtt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A job started again resumes its readers' persistent sessions, and must still be subscribed,
 * whichever form of subscription it uses. Before, a reader without shared subscriptions (the demo's
 * embedded broker) unsubscribed its own plain filters on every resumed session (meant for a stale
 * pre-sharing session), so every restart of the demo read nothing at all, silently.
 */
class MqttResumedSessionIT {

    @ParameterizedTest(name = "shared subscriptions {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(180)
    void aRestartedJobStillReadsOnItsResumedSession(boolean shared) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "nce/site-test/camera/resume-" + id + "/frame";
        String prefix = "nce-resume-" + id;
        MqttClient gw = MqttTestSupport.publisher(MqttSourceIT.URL, "gw-resume-" + id, "site-test", MqttSourceIT.GATEWAY_PASSWORD);
        try {
            for (int run = 1; run <= 2; run++) {
                String name = "resume-" + id + "-" + run;
                StreamExecutionEnvironment env = MqttTestSupport.miniCluster(1, 500);
                MqttSource source = MqttSource.builder().serverUri(MqttSourceIT.URL).credentials("nce-pipeline", MqttSourceIT.PASSWORD)
                        .clientIdPrefix(prefix).sharedSubscriptions(shared).topics(topic).qos(1).sessionExpirySeconds(600).build();
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "mqtt").sinkTo(new MqttTestSupport.RecordingSink(name, 0));
                JobClient job = env.executeAsync(name);
                try {
                    String probe = "probe-" + run + "-";
                    assertTrue(MqttTestSupport.probeUntil(gw, topic, name, probe,
                                    got -> got.stream().anyMatch(r -> MqttTestSupport.isProbe(r, probe)), 60_000),
                            "run " + run + (run == 2 ? " (session resumed)" : " (new session)") + " received nothing");
                    // The first probes may have waited in the session from before; what is published now
                    // arrives only if the reader is subscribed now.
                    Thread.sleep(2_000);
                    for (int i = 0; i < 5; i++) {
                        MqttTestSupport.publish(gw, topic, "after-" + run + "-" + i);
                    }
                    String after = "after-" + run + "-";
                    assertTrue(MqttTestSupport.await(() -> MqttTestSupport.received(name).stream()
                                    .filter(r -> r.payload().startsWith(after)).count() == 5, 30_000),
                            "run " + run + (run == 2 ? " (session resumed)" : " (new session)") + " stopped reading once subscribed");
                } finally {
                    job.cancel().get();
                }
            }
        } finally {
            MqttTestSupport.close(gw);
        }
    }
}
