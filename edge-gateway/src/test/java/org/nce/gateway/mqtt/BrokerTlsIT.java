package org.nce.gateway.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.gateway.mqtt.tls.BrokerTls;

/**
 * A gateway reaches Mosquitto over TLS with {@link BrokerTls}, with certificates this test issues
 * and Mosquitto configured by deploy/mosquitto/mosquitto.conf itself (paths and port replaced).
 * Skipped where Mosquitto is not installed.
 */
class BrokerTlsIT {
    private static final Map<String, String> PASSWORDS = Map.of("site-a", "gateway-a", "nce-admin", "admin-pw");

    @TempDir
    static Path dir;
    private static TestPki.Issued ca;
    private static MosquittoBroker broker;

    @BeforeAll
    static void start() throws Exception {
        MosquittoBroker.assumeInstalled();
        ca = TestPki.ca(dir.resolve("pki"), "nce-test-ca");
        broker = startSample(dir.resolve("main"), TestPki.server(dir.resolve("pki"), ca, "server", "127.0.0.1", "localhost"), false);
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aGatewayTrustingTheCaPublishesAndTheAdminReceives() throws Exception {
        BrokerTls tls = BrokerTls.trusting(ca.certificatePem());
        try (MqttTestClient admin = MqttTestClient.connect(ssl("localhost", broker), "nce-admin", "admin-pw", tls.applyTo(new MqttConnectionOptions()));
             MqttTestClient siteA = MqttTestClient.connect(ssl("127.0.0.1", broker), "site-a", "gateway-a", tls.applyTo(new MqttConnectionOptions()))) {
            assertEquals(1, admin.subscribe("nce/#"));
            assertEquals(0, siteA.publish("nce/site-a/reading/noise-1", "55.0"));
            assertEquals("nce/site-a/reading/noise-1 55.0", admin.received().poll(10, TimeUnit.SECONDS));
        }
    }

    /** The whole gateway as GatewayMain builds it from its config (ssl://, tls.ca_file): a reading through TLS. */
    @Test
    void theGatewayFromItsConfigPublishesOverTls() throws Exception {
        int hj212;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            hj212 = s.getLocalPort();
        }
        org.nce.gateway.GatewayConfig config = org.nce.gateway.GatewayConfig.parse("site: site-a\n"
                + "mqtt: {server_uri: \"" + ssl("localhost", broker) + "\", password_env: GW, tls: {ca_file: \"" + ca.certificatePem() + "\"}}\n"
                + "outbox: {path: \"" + dir.resolve("tls-outbox.db") + "\"}\n"
                + "hj212: {listen: \"127.0.0.1:" + hj212 + "\", devices: [{id: n1, mn: MNTLS1, kind: noise, password_env: PW}]}\n");
        assertEquals(java.util.List.of(), config.problems());
        BrokerTls tls = BrokerTls.trusting(ca.certificatePem());
        try (MqttTestClient admin = MqttTestClient.connect(ssl("localhost", broker), "nce-admin", "admin-pw", tls.applyTo(new MqttConnectionOptions()));
             org.nce.gateway.Gateway gw = new org.nce.gateway.Gateway(config, Map.of("GW", "gateway-a", "PW", "pw")::get,
                     org.nce.gateway.Tls.socketFactory(config.mqtt().tls())).start();
             org.nce.gateway.hj212.Hj212Simulator monitor = new org.nce.gateway.hj212.Hj212Simulator("127.0.0.1", hj212,
                     new org.nce.gateway.hj212.Hj212Simulator.Device("MNTLS1", "pw", org.nce.model.SensorKind.NOISE, Map.of()),
                     java.time.ZoneId.of("Asia/Shanghai"), 1, 3_000, 10).start()) {
            assertEquals(1, admin.subscribe("nce/site-a/sensor/+/reading"));
            monitor.offer(new org.nce.model.SensorReading("site-a", "n1", org.nce.model.SensorKind.NOISE,
                    System.currentTimeMillis() / 1000 * 1000, 55.5, null, null));
            String got = admin.received().poll(20, TimeUnit.SECONDS);
            assertEquals("nce/site-a/sensor/n1/reading", got == null ? null : got.substring(0, got.indexOf(' ')));
        }
    }

    @Test
    void aClientTrustingAnotherCaIsRefused() throws Exception {
        TestPki.Issued other = TestPki.ca(dir.resolve("other"), "some-other-ca");
        MqttException e = assertThrows(MqttException.class, () -> MqttTestClient.connect(ssl("127.0.0.1", broker), "site-a", "gateway-a",
                BrokerTls.trusting(other.certificatePem()).applyTo(new MqttConnectionOptions())).close());
        assertInstanceOf(SSLException.class, e.getCause(), "a TLS failure: " + e);
    }

    @Test
    void aPlainTcpClientCannotTalkToTheTlsPort() {
        assertThrows(MqttException.class,
                () -> MqttTestClient.connect("tcp://127.0.0.1:" + broker.port(), "site-a", "gateway-a").close());
    }

    @Test
    void aCertificateForAnotherHostIsRefused() throws Exception {
        TestPki.Issued elsewhere = TestPki.server(dir.resolve("pki"), ca, "elsewhere", "broker.elsewhere.example");
        try (MosquittoBroker wrongName = startSample(dir.resolve("wrong-name"), elsewhere, false)) {
            MqttException e = assertThrows(MqttException.class, () -> MqttTestClient.connect(ssl("127.0.0.1", wrongName), "site-a", "gateway-a",
                    BrokerTls.trusting(ca.certificatePem()).applyTo(new MqttConnectionOptions())).close());
            assertInstanceOf(SSLException.class, e.getCause(), "a TLS failure: " + e);
            // Also with Paho's own check switched off: BrokerTls's sockets check the name themselves.
            MqttConnectionOptions lax = BrokerTls.trusting(ca.certificatePem()).applyTo(new MqttConnectionOptions());
            lax.setHttpsHostnameVerificationEnabled(false);
            assertThrows(MqttException.class, () -> MqttTestClient.connect(ssl("127.0.0.1", wrongName), "site-a", "gateway-a", lax).close());
        }
    }

    @Test
    void aBrokerRequiringClientCertificatesAcceptsTheGatewaysOnly() throws Exception {
        TestPki.Issued gateway = TestPki.client(dir.resolve("pki"), ca, "gateway-site-a", "site-a");
        try (MosquittoBroker mutual = startSample(dir.resolve("mutual"), TestPki.server(dir.resolve("pki"), ca, "server-mutual", "127.0.0.1"), true)) {
            assertThrows(MqttException.class, () -> MqttTestClient.connect(ssl("127.0.0.1", mutual), "site-a", "gateway-a",
                    BrokerTls.trusting(ca.certificatePem()).applyTo(new MqttConnectionOptions())).close(), "no client certificate");
            BrokerTls withCert = BrokerTls.trusting(ca.certificatePem()).withClientCertificate(gateway.certificatePem(), gateway.keyPem());
            try (MqttTestClient siteA = MqttTestClient.connect(ssl("127.0.0.1", mutual), "site-a", "gateway-a", withCert.applyTo(new MqttConnectionOptions()))) {
                assertEquals(0x10, siteA.publish("nce/site-a/reading/noise-1", "55.0"), "accepted, nobody subscribed");
                assertNull(siteA.received().poll(10, TimeUnit.MILLISECONDS));
            }
        }
    }

    private static String ssl(String host, MosquittoBroker b) {
        return "ssl://" + host + ":" + b.port();
    }

    /** deploy/mosquitto/mosquitto.conf with its files in {@code brokerDir} and its listener on the broker's loopback port. */
    private static MosquittoBroker startSample(Path brokerDir, TestPki.Issued server, boolean requireCertificate) throws Exception {
        Path certs = Files.createDirectories(brokerDir.resolve("certs"));
        Files.copy(ca.certificatePem(), certs.resolve("ca.crt"));
        Files.copy(server.certificatePem(), certs.resolve("server.crt"));
        Files.copy(server.keyPem(), certs.resolve("server.key"));
        Files.copy(MosquittoBroker.deployDir().resolve("mosquitto/acl"), brokerDir.resolve("acl"));
        MosquittoBroker b = MosquittoBroker.on(brokerDir);
        b.passwordFile(PASSWORDS);
        String sample = Files.readString(MosquittoBroker.deployDir().resolve("mosquitto/mosquitto.conf"), StandardCharsets.UTF_8);
        String conf = replaceOnce(sample, "\nlistener 8883\n", "\nlistener " + b.port() + " 127.0.0.1\n").replace("/etc/mosquitto/", brokerDir + "/");
        if (requireCertificate) {
            conf = replaceOnce(conf, "\nrequire_certificate false\n", "\nrequire_certificate true\n");
        }
        return b.start(conf);
    }

    private static String replaceOnce(String s, String what, String with) {
        if (!s.contains(what)) {
            throw new IllegalStateException("deploy/mosquitto/mosquitto.conf no longer has '" + what.strip() + "'");
        }
        return s.replace(what, with);
    }
}
