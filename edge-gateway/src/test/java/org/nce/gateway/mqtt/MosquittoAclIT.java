package org.nce.gateway.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample ACL in deploy/mosquitto/acl, in a Mosquitto of the test's own: a gateway publishes
 * under its own site and nowhere else, the pipeline reads (also through a shared subscription) and
 * writes nothing. Skipped where Mosquitto is not installed.
 */
class MosquittoAclIT {
    private static final int NOT_AUTHORIZED = 0x87;

    @TempDir
    static Path dir;
    private static MosquittoBroker broker;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        MosquittoBroker.assumeInstalled();
        broker = MosquittoBroker.on(dir);
        Path passwd = broker.passwordFile(Map.of("site-a", "gateway-a", "site-b", "gateway-b",
                "nce-pipeline", "pipeline-pw", "nce-admin", "admin-pw"));
        broker.start("per_listener_settings true\n"
                + "listener " + broker.port() + " 127.0.0.1\n"
                + "allow_anonymous false\n"
                + "password_file " + passwd + "\n"
                + "acl_file " + MosquittoBroker.deployDir().resolve("mosquitto/acl"));
        url = "tcp://127.0.0.1:" + broker.port();
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aGatewayPublishesUnderItsOwnSiteButNotUnderAnother() throws Exception {
        try (MqttTestClient admin = MqttTestClient.connect(url, "nce-admin", "admin-pw");
             MqttTestClient siteA = MqttTestClient.connect(url, "site-a", "gateway-a")) {
            assertEquals(1, admin.subscribe("nce/#"));
            // Mosquitto 2.0.11 answers a refused QoS 1 publish of an MQTT 5 client with PUBACK 0x87 (later
            // versions too); what matters is that nobody gets the message.
            assertEquals(NOT_AUTHORIZED, siteA.publish("nce/site-b/reading/noise-1", "forged"), "PUBACK of site-a's forged reading");
            assertEquals(0, siteA.publish("nce/site-a/reading/noise-1", "own"), "PUBACK of site-a's own reading");
            // One client's publishes are routed in order: had the forged one gone out, it would be first.
            assertEquals("nce/site-a/reading/noise-1 own", admin.received().poll(10, TimeUnit.SECONDS));
            assertNull(admin.received().poll(500, TimeUnit.MILLISECONDS), "nothing else reaches nce-admin");
        }
    }

    @Test
    void aGatewayCannotReadOtherSites() throws Exception {
        try (MqttTestClient admin = MqttTestClient.connect(url, "nce-admin", "admin-pw");
             MqttTestClient siteA = MqttTestClient.connect(url, "site-a", "gateway-a");
             MqttTestClient siteB = MqttTestClient.connect(url, "site-b", "gateway-b")) {
            // Mosquitto 2.0 grants the subscription and checks read access per message it would deliver.
            siteA.subscribe("nce/#");
            assertEquals(1, admin.subscribe("nce/#"));
            assertEquals(0, siteB.publish("nce/site-b/reading/noise-1", "55.0"));
            assertEquals("nce/site-b/reading/noise-1 55.0", admin.received().poll(10, TimeUnit.SECONDS));
            assertNull(siteA.received().poll(500, TimeUnit.MILLISECONDS), "site-a reads nothing of site-b");
        }
    }

    @Test
    void thePipelineReadsThroughASharedSubscriptionAndCannotPublish() throws Exception {
        try (MqttTestClient pipeline = MqttTestClient.connect(url, "nce-pipeline", "pipeline-pw");
             MqttTestClient siteB = MqttTestClient.connect(url, "site-b", "gateway-b")) {
            assertEquals(1, pipeline.subscribe("$share/nce-it/nce/+/reading/#"));
            assertEquals(NOT_AUTHORIZED, pipeline.publish("nce/site-b/reading/noise-1", "forged"));
            assertEquals(0, siteB.publish("nce/site-b/reading/noise-1", "55.0"));
            assertEquals("nce/site-b/reading/noise-1 55.0", pipeline.received().poll(10, TimeUnit.SECONDS));
            assertNull(pipeline.received().poll(500, TimeUnit.MILLISECONDS), "the pipeline's own publish went nowhere");
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        MqttException e = assertThrows(MqttException.class, () -> MqttTestClient.connect(url, "site-a", "gateway-b").close());
        // Mosquitto 2.0.11 says 0x87 (not authorized) where MQTT 5 would have 0x86 (bad user name or password).
        assertTrue(e.getReasonCode() == 0x86 || e.getReasonCode() == NOT_AUTHORIZED, "CONNACK refusal, got " + e.getReasonCode());
    }
}
