package org.nce.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real NCE job jar on a real standalone cluster (one JobManager, two TaskManagers, separate JVMs) against
 * the loopback servers: it runs with parallelism 2, survives {@code kill -9} of a TaskManager that runs part
 * of it, and comes back RUNNING from its checkpoint once a new TaskManager has registered.
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

        FlinkCluster cluster = FlinkCluster.builder(ROOT).home(home).basePort(18000).build();
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

            cluster.cancel(job);
            cluster.awaitJob(job, Duration.ofSeconds(60), j -> "CANCELED".equals(j.path("state").asText()));
        } finally {
            cluster.stop();
        }
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
