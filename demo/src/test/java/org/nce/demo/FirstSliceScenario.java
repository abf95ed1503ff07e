package org.nce.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.gateway.Gateway;
import org.nce.gateway.GatewayConfig;
import org.nce.model.Json;
import org.nce.model.SensorKind;
import org.nce.model.SensorReading;
import org.nce.model.Topics;
import org.nce.pipeline.NceJob;
import org.nce.pipeline.config.PipelineConfig;
import org.nce.pipeline.config.PipelineConfig.CameraConfig;
import org.nce.pipeline.config.PipelineConfig.DetectorSpec;
import org.nce.pipeline.config.PipelineConfig.SensorConfig;

/**
 * The first slice end to end on real servers: a gateway publishes the synthetic open-fire scene as
 * JPEG frames and a noise meter publishes readings over MQTT (QoS 1); the Flink job detects the fire,
 * writes an MP4 clip with pre- and post-event frames to the bucket with its SHA-256, and opens a
 * draft case; the noise exceedance opens its own case; a malformed reading lands in the dead letters.
 * The test reads the cases back from nce-cases, fetches the clip from the bucket, checks its hash
 * against the case, the object's metadata and the first record in nce-evidence, and decodes it.
 * (The console, its own process, has its own tests.)
 */
abstract class FirstSliceScenario {
    static final ObjectMapper JSON = new ObjectMapper();

    abstract Servers servers();

    @Test
    void fireAndNoiseBecomeDraftCasesWithVerifiableEvidence(@TempDir Path tmp) throws Exception {
        Servers s = servers();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String camera = "cam-it-" + run;
        String noise = "noise-it-" + run;
        System.setProperty("NCE_IT_MQTT_PASSWORD", s.mqttPassword());
        System.setProperty("NCE_IT_S3_ACCESS_KEY", s.s3AccessKey());
        System.setProperty("NCE_IT_S3_SECRET_KEY", s.s3SecretKey());

        PipelineConfig config = new PipelineConfig(
                new PipelineConfig.MqttConfig(s.mqttUrl(), s.pipelineUser(), "NCE_IT_MQTT_PASSWORD", "nce-it-" + run,
                        List.of(Topics.ROOT + "/" + Servers.SITE + "/camera/+/frame", Topics.ROOT + "/" + Servers.SITE + "/sensor/+/reading",
                                Topics.ROOT + "/" + Servers.SITE + "/gateway/heartbeat"),
                        1, 600L),
                new PipelineConfig.S3Config(s.s3Url(), "nce-evidence", "NCE_IT_S3_ACCESS_KEY", "NCE_IT_S3_SECRET_KEY"),
                new PipelineConfig.EsConfig(s.esUrl()),
                PipelineConfig.JobConfig.of(1000, 1),
                new PipelineConfig.EvidenceConfig(10, 10, 5000L),
                null,
                List.of(new CameraConfig(camera, Servers.SITE, List.of(new DetectorSpec("open_burning", null)))),
                List.of(new SensorConfig(noise, Servers.SITE, "noise", "gb3096", "2", null, 10)));
        NceJob.prepareStores(config);
        // Create the job's persistent sessions first, as a deployed pipeline has them: what the gateway
        // and the meter publish while the job is still starting is queued, not lost.
        // The source's first reader resumes this session (client id <prefix>-0, a member of the shared
        // subscription group <prefix>); messages for the group queue in it until the job is up.
        createSession(s, config.mqtt().clientId() + "-0", config.mqtt().topics().stream()
                .map(t -> "$share/" + config.mqtt().clientId() + "/" + t).toList());

        Configuration flink = new Configuration();
        flink.setString("taskmanager.memory.managed.size", "32m");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(flink);
        org.nce.pipeline.NativeLibraries.ensureLoaded(); // before the gateway's camera threads: see DemoMain
        NceJob.build(env, config);
        JobClient job = env.executeAsync("nce-first-slice-" + run);
        try {
            GatewayConfig gw = new GatewayConfig(Servers.SITE, null,
                    new GatewayConfig.Mqtt(s.mqttUrl(), s.siteUser(), "NCE_IT_GATEWAY_PASSWORD", null, null, null),
                    new GatewayConfig.Outbox(tmp.resolve("outbox.db"), null, "os"), null,
                    List.of(new GatewayConfig.Camera(camera, "scene:open-fire", 10.0, null, 80, true, null, null)), null);
            try (Gateway gateway = new Gateway(gw, name -> "NCE_IT_GATEWAY_PASSWORD".equals(name) ? s.gatewayPassword() : null, null).start();
                 RawPublisher meter = new RawPublisher(s.mqttUrl(), "meter-" + run, s.siteUser(), s.gatewayPassword())) {
                long now = System.currentTimeMillis();
                for (int i = 30; i >= 0; i--) {
                    // 75 dB(A) exceeds both the day (60) and night (50) limit of a GB 3096 class 2 area.
                    meter.publish(Topics.reading(Servers.SITE, noise), Json.write(
                            new SensorReading(Servers.SITE, noise, SensorKind.NOISE, now - i * 1000L, 75.0, null, null)));
                }
                meter.publish(Topics.reading(Servers.SITE, noise), "{\"site_id\": \"site-test\", \"value\": ".getBytes(StandardCharsets.UTF_8));

                // A case is written when its alert is raised, and its evidence joins it once stored (the
                // clip after its post-roll): wait for both.
                JsonNode fire = awaitCase(s.esUrl(), "open_burning", camera, 150, "clip");
                JsonNode noiseCase = awaitCase(s.esUrl(), "noise_exceedance", noise, 60, "readings", "chart");

                assertEquals("draft", fire.get("status").asText());
                assertEquals(Servers.SITE, fire.get("subject").asText());
                assertTrue(fire.get("opened_at").asLong() > 0);
                JsonNode clip = evidenceOfKind(fire, "clip");
                String sha = clip.get("sha256").asText();

                MinioClient minio = MinioClient.builder().endpoint(s.s3Url()).credentials(s.s3AccessKey(), s.s3SecretKey()).region("us-east-1").build();
                byte[] mp4;
                try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket("nce-evidence").object(clip.get("key").asText()).build())) {
                    mp4 = in.readAllBytes();
                }
                assertEquals(sha, sha256(mp4), "clip bytes match the hash in the case");
                assertEquals(sha, minio.statObject(StatObjectArgs.builder().bucket("nce-evidence").object(clip.get("key").asText()).build())
                        .userMetadata().get("sha256"), "hash is in the object metadata");

                JsonNode recorded = awaitJson(s.esUrl() + "/nce-evidence/_doc/" + java.net.URLEncoder.encode(clip.get("key").asText(),
                        StandardCharsets.UTF_8), n -> n.path("found").asBoolean(), 30);
                assertEquals(sha, recorded.path("_source").path("sha256").asText(), "the first record of the clip's hash matches");

                Path file = tmp.resolve("clip.mp4");
                Files.write(file, mp4);
                try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
                    g.start();
                    assertEquals("h264", g.getVideoCodecName());
                    int frames = 0;
                    while (g.grabImage() != null) {
                        frames++;
                    }
                    assertTrue(frames >= 15, "clip holds pre- and post-event frames, got " + frames);
                }

                assertFalse(evidenceOfKind(noiseCase, "readings").get("sha256").asText().isEmpty());
                evidenceOfKind(noiseCase, "chart");
                // 综合查一次: the site's fire and its noise are one inspection, one case (no subjects named: the site).
                assertEquals(fire.get("id").asText(), noiseCase.get("id").asText(), "one case for the site's fire and noise");
                String noiseAlert = null;
                for (JsonNode a : noiseCase.get("alert_ids")) {
                    noiseAlert = a.asText().startsWith(noise + ":") ? a.asText() : noiseAlert;
                }
                String reason = awaitJson(s.esUrl() + "/nce-alerts/_doc/" + java.net.URLEncoder.encode(noiseAlert, StandardCharsets.UTF_8),
                        n -> n.path("found").asBoolean(), 30).path("_source").path("reason").asText();
                assertTrue(reason.contains("night") || reason.contains("day"), reason);

                // Asked of the index itself, by topic: other pipelines on the same broker may be refusing
                // this run's frames (they do not know its camera), and the console lists only the newest.
                String topic = Topics.reading(Servers.SITE, noise);
                JsonNode dead = awaitJson(s.esUrl() + "/nce-deadletter/_search?size=20&q=" + java.net.URLEncoder.encode(
                        "topic:\"" + topic + "\"", StandardCharsets.UTF_8), n -> {
                    for (JsonNode d : n.path("hits").path("hits")) {
                        if (d.path("_source").path("reason").asText().startsWith("bad SensorReading JSON")) {
                            return true;
                        }
                    }
                    return false;
                }, 60).path("hits").path("hits");
                assertTrue(dead.size() > 0);

                // The gateway's heartbeat went through the job into the store the console reads device health from.
                JsonNode health = awaitJson(s.esUrl() + "/" + org.nce.model.StoreLayout.GATEWAY_HEALTH + "/_search?size=5&q="
                        + java.net.URLEncoder.encode("boot_id:\"" + gateway.bootId() + "\"", StandardCharsets.UTF_8),
                        n -> n.path("hits").path("hits").size() > 0, 60).path("hits").path("hits");
                assertTrue(health.size() > 0, "a heartbeat of this gateway run in " + org.nce.model.StoreLayout.GATEWAY_HEALTH);
                assertEquals(camera, health.get(0).path("_source").path("cameras").get(0).path("id").asText());
            }
        } finally {
            job.cancel().get();
        }
    }

    static void createSession(Servers s, String clientId, List<String> topics) throws Exception {
        org.eclipse.paho.mqttv5.client.MqttClient c = new org.eclipse.paho.mqttv5.client.MqttClient(s.mqttUrl(), clientId,
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        org.eclipse.paho.mqttv5.client.MqttConnectionOptions o = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
        o.setUserName(s.pipelineUser());
        o.setPassword(s.mqttPassword().getBytes(StandardCharsets.UTF_8));
        o.setCleanStart(false);
        o.setSessionExpiryInterval(600L);
        c.connect(o);
        c.subscribe(topics.toArray(String[]::new), topics.stream().mapToInt(t -> 1).toArray());
        c.disconnect();
        c.close();
    }

    static JsonNode evidenceOfKind(JsonNode c, String kind) {
        for (JsonNode e : c.get("evidence")) {
            if (kind.equals(e.get("kind").asText())) {
                assertEquals(64, e.get("sha256").asText().length());
                return e;
            }
        }
        throw new AssertionError("case " + c.get("id") + " has no " + kind + " evidence: " + c.get("evidence"));
    }

    /**
     * Polls nce-cases for the case holding an alert of this type from this source, with evidence of these kinds
     * (its _source). Of any case type: under 综合查一次 a site's alerts of every type are one case.
     */
    static JsonNode awaitCase(String esUrl, String type, String source, int seconds, String... kinds) throws Exception {
        JsonNode cases = awaitJson(esUrl + "/nce-cases/_search?size=200&sort=opened_at:desc",
                n -> find(n, type, source) != null && hasEvidence(find(n, type, source), kinds), seconds);
        return find(cases, type, source);
    }

    static boolean hasEvidence(JsonNode c, String... kinds) {
        for (String kind : kinds) {
            boolean found = false;
            for (JsonNode e : c.path("evidence")) {
                found |= kind.equals(e.path("kind").asText());
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    static JsonNode find(JsonNode search, String type, String source) {
        for (JsonNode hit : search.path("hits").path("hits")) {
            JsonNode c = hit.path("_source");
            for (JsonNode a : c.path("alert_ids")) {
                if (a.asText().startsWith(source + ":" + type + ":")) {
                    return c;
                }
            }
        }
        return null;
    }

    interface Check {
        boolean ok(JsonNode n);
    }

    static JsonNode awaitJson(String url, Check check, int seconds) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                last = JSON.readTree(r.body());
                if (check.ok(last)) {
                    return last;
                }
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("timed out after " + seconds + " s waiting on " + url + "; last answer: " + last);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
