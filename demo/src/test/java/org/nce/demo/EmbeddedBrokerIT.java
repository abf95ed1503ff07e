package org.nce.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker refuses strangers and keeps each user to its topics, as the project's
 * Mosquitto does: one broker on a free loopback port for the class, real MQTT 5 clients (Paho).
 */
class EmbeddedBrokerIT {
    private static final int NOT_AUTHORIZED = 0x87;
    private static final int BAD_USER_NAME_OR_PASSWORD = 0x86;
    private static final Map<String, String> PASSWORDS = Map.of(
            "nce-pipeline", "pipeline-pw", "nce-admin", "admin-pw", "site-a", "gateway-pw", "site-b", "gateway-pw");

    @TempDir
    static Path home;
    private static EmbeddedBroker broker;
    private static String url;

    @BeforeAll
    static void start() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        url = "tcp://127.0.0.1:" + port;
        broker = new EmbeddedBroker(home, port, PASSWORDS, Set.of("site-a", "site-b"));
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    @Test
    void aWrongPasswordIsRefused() {
        MqttException e = assertThrows(MqttException.class, () -> connect("site-a", "not-the-password").close());
        assertEquals(BAD_USER_NAME_OR_PASSWORD, e.getReasonCode());
    }

    @Test
    void anUnknownUserIsRefused() {
        MqttException e = assertThrows(MqttException.class, () -> connect("site-x", "gateway-pw").close());
        assertEquals(BAD_USER_NAME_OR_PASSWORD, e.getReasonCode());
    }

    @Test
    void aClientWithoutUserNameIsRefused() {
        MqttException e = assertThrows(MqttException.class, () -> connect(null, null).close());
        assertEquals(NOT_AUTHORIZED, e.getReasonCode());
    }

    @Test
    void aSiteCannotPublishUnderAnotherSite() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (Client admin = connect("nce-admin", "admin-pw")) {
            subscribe(admin, "nce/#", seen);
            try (Client siteA = connect("site-a", "gateway-pw")) {
                assertEquals(NOT_AUTHORIZED, refusalOf(siteA, "nce/site-b/reading/noise-1"), "site-a publishing as site-b");
            }
            try (Client siteA = connect("site-a", "gateway-pw")) {
                assertArrayEquals(new int[] {0}, publish(siteA, "nce/site-a/reading/noise-1", "own").getReasonCodes(),
                        "PUBACK of the site's own reading");
            }
            // The forged reading was refused before the own one was sent: had it been routed, it would be in first.
            assertEquals("nce/site-a/reading/noise-1 own", seen.poll(10, TimeUnit.SECONDS));
            assertNull(seen.poll(500, TimeUnit.MILLISECONDS), "nothing else reaches nce-admin");
        }
    }

    @Test
    void aSiteCannotSubscribeToOtherSites() throws Exception {
        try (Client siteA = connect("site-a", "gateway-pw")) {
            assertEquals(NOT_AUTHORIZED, subscribeCode(siteA, "nce/#"));
            assertEquals(NOT_AUTHORIZED, subscribeCode(siteA, "nce/site-b/#"));
            assertEquals(NOT_AUTHORIZED, subscribeCode(siteA, "nce/+/reading/#"));
            assertEquals(1, subscribeCode(siteA, "nce/site-a/#"));
        }
    }

    @Test
    void thePipelineCannotPublish() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (Client admin = connect("nce-admin", "admin-pw")) {
            subscribe(admin, "nce/#", seen);
            for (String topic : List.of("nce/site-a/reading/noise-1", "nce/nce-pipeline/reading/noise-1")) {
                try (Client pipeline = connect("nce-pipeline", "pipeline-pw")) {
                    assertEquals(NOT_AUTHORIZED, refusalOf(pipeline, topic), "nce-pipeline publishing to " + topic);
                }
            }
            assertNull(seen.poll(1, TimeUnit.SECONDS), "nothing reaches nce-admin");
        }
    }

    @Test
    void thePipelineReadsThroughASharedSubscription() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (Client pipeline = connect("nce-pipeline", "pipeline-pw"); Client siteB = connect("site-b", "gateway-pw")) {
            assertEquals(NOT_AUTHORIZED, subscribeCode(pipeline, "$share/nce/#"), "a shared subscription to $share's own level");
            assertEquals(NOT_AUTHORIZED, subscribeCode(pipeline, "$share/nce-it/#"), "a shared subscription beyond nce/");
            subscribe(pipeline, "$share/nce-it/nce/+/reading/#", seen);
            publish(siteB, "nce/site-b/reading/noise-1", "55.0");
            assertEquals("nce/site-b/reading/noise-1 55.0", seen.poll(10, TimeUnit.SECONDS));
        }
    }

    /**
     * The reason code a QoS 1 publish is refused with. HiveMQ answers a refused publish with PUBACK 0x87 and then
     * disconnects the client with 0x87 (Mosquitto keeps it connected); which of the two Paho reports first varies.
     */
    private static int refusalOf(Client c, String topic) {
        try {
            int[] codes = publish(c, topic, "forged").getReasonCodes();
            assertEquals(1, codes.length, "one PUBACK reason code");
            return codes[0];
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    private static Client connect(String user, String password) throws MqttException {
        MqttClient c = new MqttClient(url, "it-" + (user == null ? "anonymous" : user) + "-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setConnectionTimeout(15);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        try {
            c.connect(o);
        } catch (MqttException e) {
            c.close(true);
            throw e;
        }
        return new Client(c);
    }

    /** A connected Paho client that try-with-resources disconnects and closes. */
    private record Client(MqttClient mqtt) implements AutoCloseable {
        @Override
        public void close() throws MqttException {
            try {
                if (mqtt.isConnected()) {
                    // Bounded: a plain disconnect waits for ever when the broker drops the connection at
                    // the same moment (HiveMQ does after a refused publish); seen hanging a CI run.
                    mqtt.disconnectForcibly(0, 5_000, true);
                }
            } catch (MqttException e) {
                // already being disconnected by the broker (a refused publish)
            }
            mqtt.close(true);
        }
    }

    private static IMqttToken publish(Client c, String topic, String payload) throws MqttException {
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        IMqttToken t = c.mqtt().getTopic(topic).publish(m);
        t.waitForCompletion(10_000);
        return t;
    }

    /**
     * Subscribes at QoS 1 and puts "topic payload" of every message the client gets into {@code seen}. Through the
     * client's callback, not a per-subscription listener: Paho 1.2.5 matches a listener's filter against the topic
     * literally, so one on {@code $share/...} never fires.
     */
    private static void subscribe(Client c, String filter, BlockingQueue<String> seen) throws MqttException {
        c.mqtt().setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage m) {
                seen.add(topic + " " + new String(m.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        assertEquals(1, subscribeCode(c, filter), "SUBACK for " + filter);
    }

    private static int subscribeCode(Client c, String filter) throws MqttException {
        IMqttToken t = c.mqtt().subscribe(new MqttSubscription[] {new MqttSubscription(filter, 1)});
        t.waitForCompletion(10_000);
        int[] codes = t.getReasonCodes();
        assertEquals(1, codes.length, "one reason code per filter");
        return codes[0];
    }
}
