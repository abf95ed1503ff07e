package org.nce.demo;

import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * The real servers an integration test talks to. {@link #local()} is the loopback set that
 * {@code ./nce test} starts (Mosquitto with its password file and ACL, Elasticsearch, S3Proxy);
 * {@link ContainerServers} starts the same kinds in Docker where Docker exists.
 */
public record Servers(String mqttUrl, String pipelineUser, String siteUser, String mqttPassword, String gatewayPassword, String esUrl,
                      String s3Url, String s3AccessKey, String s3SecretKey) {

    static final String SITE = "site-test";

    /** The loopback servers; fails with the command to run when one is not there. */
    public static Servers local() {
        Servers s = new Servers(
                env("NCE_MQTT_URL", "tcp://127.0.0.1:" + env("NCE_MQTT_PORT", "1883")), "nce-pipeline", SITE,
                env("NCE_MQTT_PASSWORD", "nce-dev-mqtt"), env("NCE_MQTT_GATEWAY_PASSWORD", "nce-dev-gateway"),
                env("NCE_ES_URL", "http://127.0.0.1:" + env("NCE_ES_PORT", "9200")),
                env("NCE_S3_ENDPOINT", "http://127.0.0.1:" + env("NCE_S3_PORT", "9000")),
                env("NCE_S3_ACCESS_KEY", "nce-dev-access"), env("NCE_S3_SECRET_KEY", "nce-dev-secret"));
        s.awaitReady(120_000);
        return s;
    }

    void awaitReady(long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        URI mqtt = URI.create(mqttUrl);
        await(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(mqtt.getHost(), mqtt.getPort()), 1000);
                return true;
            }
        }, deadline, "MQTT broker at " + mqttUrl);
        await(() -> http(esUrl + "/_cluster/health") == 200, deadline, "Elasticsearch at " + esUrl);
        await(() -> http(s3Url) > 0, deadline, "S3 endpoint at " + s3Url);
    }

    interface Probe {
        boolean ok() throws Exception;
    }

    private static void await(Probe p, long deadline, String what) {
        while (true) {
            try {
                if (p.ok()) {
                    return;
                }
            } catch (Exception e) {
                // not up yet
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(what + " is not reachable. Integration tests run against real servers: "
                        + "use ./nce test, or start them with scripts/services.sh start");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static int http(String url) throws java.io.IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(5000);
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }
}
