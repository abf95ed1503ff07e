package org.nce.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real NCE job jar on a real standalone cluster (one JobManager, two TaskManagers, separate JVMs) against
 * the loopback servers: it runs with parallelism 2, survives {@code kill -9} of a TaskManager that runs part
 * of it, and comes back RUNNING from its checkpoint once a new TaskManager has registered; a malformed reading
 * sent before the kill and one sent after the restart both end up in nce-deadletter (the job works, not just runs).
 * Skipped only when the cluster cannot be built here (no classpath, job jar or curl).
 */
class FlinkClusterIT {
    private static final Path ROOT = Path.of(System.getProperty("nce.root", "..")).toAbsolutePath().normalize();
    private static final Path JOB_JAR = Path.of(System.getProperty("nce.job.jar", ROOT + "/pipeline-job/target/nce-job.jar"));

    @Test
    @Timeout(240)
    void jobSurvivesTheLossOfATaskManager() throws Exception {
        String missing = FlinkCluster.missingPrerequisite(ROOT);
        Assumptions.assumeTrue(missing == null, () -> "cluster cannot be built here: " + missing);
        Assumptions.assumeTrue(Files.isRegularFile(JOB_JAR), () -> "no job jar " + JOB_JAR + " (./nce build)");

        String run = "it-" + UUID.randomUUID().toString().substring(0, 8);
        Path home = ROOT.resolve("cluster/target/flink-it");
        Path config = Files.createDirectories(home).resolve(run + ".yaml");
        Files.writeString(config, pipelineConfig(run));

        FlinkCluster cluster = FlinkCluster.builder(ROOT).home(home).freeBasePort().build();
        try {
            long t0 = System.nanoTime();
            cluster.start();
            log("cluster up in %.1f s (%s)", seconds(t0), cluster.restUrl());

            long t1 = System.nanoTime();
            String job = cluster.submit(JOB_JAR, "org.nce.pipeline.NceJob", List.of("--config", config.toString()));
            JsonNode running = cluster.awaitJob(job, Duration.ofSeconds(90), FlinkCluster::allRunning);
            log("job %s RUNNING %.1f s after submit", job, seconds(t1));
            assertFalse(running.path("vertices").isEmpty());
            for (JsonNode v : running.path("vertices")) {
                assertEquals(2, v.path("parallelism").asInt(), "parallelism of " + v.path("name").asText());
            }
            cluster.await("/jobs/" + job + "/checkpoints", Duration.ofSeconds(60), c -> c.path("counts").path("completed").asInt() >= 1);
            String before = publishMalformedReading(run, "before");
            awaitDeadLetter(before);

            List<Integer> hosts = cluster.taskManagersOf(job);
            assertFalse(hosts.isEmpty(), "no TaskManager runs a task of the job");
            int victim = hosts.get(0);
            long t2 = System.nanoTime();
            cluster.killTaskManager(victim);
            log("killed tm-%d (job on %s)", victim, hosts);
            cluster.startTaskManager(victim);
            log("tm-%d started again %.1f s after the kill", victim, seconds(t2));

            JsonNode restored = cluster.await("/jobs/" + job + "/checkpoints", Duration.ofSeconds(120),
                    c -> c.path("counts").path("restored").asInt() >= 1 && c.path("latest").path("restored").isObject());
            JsonNode back = cluster.awaitJob(job, Duration.ofSeconds(120), FlinkCluster::allRunning);
            log("job RUNNING again %.1f s after the kill, restored from checkpoint %s (%s)", seconds(t2),
                    restored.path("latest").path("restored").path("id").asText(),
                    restored.path("latest").path("restored").path("external_path").asText());
            assertTrue(restored.path("latest").path("restored").path("external_path").asText().startsWith("file:" + home),
                    "restored from a checkpoint under NCE_HOME: " + restored.path("latest").path("restored"));
            for (JsonNode v : back.path("vertices")) {
                assertEquals(2, v.path("parallelism").asInt(), "parallelism after the restart of " + v.path("name").asText());
            }

            awaitDeadLetter(publishMalformedReading(run, "after"));
            log("dead letters of the readings sent before the kill and after the restart are in nce-deadletter");

            cluster.cancel(job);
            cluster.awaitJob(job, Duration.ofSeconds(60), j -> "CANCELED".equals(j.path("state").asText()));
        } finally {
            cluster.stop();
        }
    }

    /** Publishes a reading the decoder must refuse (truncated JSON) to this run's sensor; returns its SHA-256. */
    private static String publishMalformedReading(String run, String tag) throws Exception {
        byte[] payload = ("{\"site_id\": \"" + run + "\", \"tag\": \"" + tag + "\", \"value\": ").getBytes(StandardCharsets.UTF_8);
        MqttClient client = new MqttClient(env("NCE_MQTT_URL", "tcp://127.0.0.1:1883"), "nce-it-pub-" + run + "-" + tag, null);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName("nce-admin");
        options.setPassword(env("NCE_MQTT_ADMIN_PASSWORD", "nce-dev-admin").getBytes(StandardCharsets.UTF_8));
        client.connect(options);
        try {
            client.publish("nce/" + run + "/sensor/noise-" + run + "/reading", payload, 1, false);
        } finally {
            client.disconnect();
            client.close();
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
    }

    private static void awaitDeadLetter(String sha256) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String query = "{\"query\":{\"term\":{\"payload_sha256\":\"" + sha256 + "\"}}}";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(env("NCE_ES_URL", "http://127.0.0.1:9200")
                            + "/nce-deadletter/_search")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(query)).build(), HttpResponse.BodyHandlers.ofString());
            last = r.body();
            if (r.statusCode() == 200 && new ObjectMapper().readTree(last).path("hits").path("total").path("value").asInt() >= 1) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no dead letter with payload_sha256 " + sha256 + " in nce-deadletter after 60 s: " + last);
    }

    /** The job against the loopback servers, reading only this run's topics (a site of its own). */
    private static String pipelineConfig(String run) {
        return """
                mqtt:
                  server_uri: %s
                  username: nce-pipeline
                  password_env: NCE_MQTT_PASSWORD
                  client_id: nce-%s
                  topics: ["nce/%s/camera/+/frame", "nce/%s/sensor/+/reading"]
                  session_expiry_seconds: 60
                s3:
                  endpoint: %s
                elasticsearch:
                  url: %s
                job:
                  checkpoint_interval_ms: 1000
                  parallelism: 2
                cameras:
                  - id: cam-%s
                    site: %s
                    detectors:
                      - type: open_burning
                sensors:
                  - id: noise-%s
                    site: %s
                    kind: noise
                    standard: gb3096
                    zone_class: "2"
                    sustain_seconds: 30
                """.formatted(env("NCE_MQTT_URL", "tcp://127.0.0.1:1883"), run, run, run,
                env("NCE_S3_ENDPOINT", "http://127.0.0.1:9000"), env("NCE_ES_URL", "http://127.0.0.1:9200"),
                run, run, run, run);
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.printf("[FlinkClusterIT] " + format + "%n", args);
    }
}
