package org.nce.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nce.detectors.synthetic.FireScene;
import org.nce.model.Frame;
import org.nce.model.FrameCodec;
import org.nce.model.Hashes;
import org.nce.model.StoreLayout;
import org.nce.model.Topics;

/**
 * Issue #7's failure scenarios, on the real standalone cluster (one JobManager, two TaskManagers,
 * separate JVMs) running the real job jar with parallelism 2 against the loopback servers that
 * {@code ./nce test} starts. Each scenario publishes 10,000 readings (100 noise meters, one
 * exceedance each) and a fire on each of 20 cameras while its fault strikes mid-stream:
 * <ol>
 * <li>{@code kill -9} of a TaskManager running the job, then a new one;</li>
 * <li>{@code kill -9} of Mosquitto, started again with its persistence;</li>
 * <li>Elasticsearch stopped for 30 s;</li>
 * <li>the S3 server stopped for 30 s;</li>
 * <li>the gateway restarted (its frame counters start again at 0): a second fire on every camera;</li>
 * <li>poison pills of every kind a hostile reviewer found, between the good messages.</li>
 * </ol>
 * After each: every alert exactly once (one per camera and fire, one per meter), each in exactly one
 * case, every evidence object's bytes match the hash recorded when it was first written (in the
 * object's metadata and in nce-evidence), the dead letters name each poison pill, and the job is
 * RUNNING. A table of what each scenario checked and found is printed.
 *
 * <p>Publishing goes through the admin user under a site of this run's own, so earlier runs' cases
 * cannot absorb this run's alerts. Skipped only when the cluster cannot be built here.
 */
class PipelineFailuresIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path ROOT = Path.of(System.getProperty("nce.root", "..")).toAbsolutePath().normalize();
    static final Path JOB_JAR = Path.of(System.getProperty("nce.job.jar", ROOT + "/pipeline-job/target/nce-job.jar"));
    static final String MQTT = env("NCE_MQTT_URL", "tcp://127.0.0.1:" + env("NCE_MQTT_PORT", "1883"));
    static final String ES = env("NCE_ES_URL", "http://127.0.0.1:" + env("NCE_ES_PORT", "9200"));
    static final String S3 = env("NCE_S3_ENDPOINT", "http://127.0.0.1:" + env("NCE_S3_PORT", "9000"));
    static final String MQTT_PASSWORD = env("NCE_MQTT_PASSWORD", "nce-dev-mqtt");
    static final String ADMIN_PASSWORD = env("NCE_MQTT_ADMIN_PASSWORD", "nce-dev-admin");
    static final String S3_KEY = env("NCE_S3_ACCESS_KEY", "nce-dev-access");
    static final String S3_SECRET = env("NCE_S3_SECRET_KEY", "nce-dev-secret");

    static final int CAMERAS = 20;
    /**
     * 100 meters × 100 readings (one a second of sensor time, published about 13 a second each): a
     * broker killed with {@code kill -9} loses what it acknowledged since its last save (Mosquitto
     * saves every second here, not per message), about 13 readings per meter, which must not and does
     * not wipe out a 60-reading exceedance. With 20 meters × 500 it would have (67 a meter a second).
     */
    static final int METERS = 100;
    static final int READINGS_PER_METER = 100;
    /**
     * Frames per fire (flames from frame 60): long enough that a broker kill -9, which loses the ~1 s
     * Mosquitto acknowledged since its last save (about 20 frames a camera at this pace), still leaves
     * a fire to confirm.
     */
    static final int FRAMES_PER_FIRE = 220;
    static final List<String> SCENARIOS = List.of("taskmanager kill -9", "mosquitto kill -9", "elasticsearch 30 s down",
            "s3 30 s down", "gateway restart", "poison pills");

    static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    record Result(String scenario, int fireExpected, int fireFound, int noiseExpected, int noiseFound, int inOneCase,
                  int evidenceVerified, int evidenceBad, int writeOnceRefusals, List<String> pillsMissing, String job,
                  List<String> problems) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    final String run = "f" + UUID.randomUUID().toString().substring(0, 6);
    final String site = "site-" + run;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    List<byte[]> fireJpegs;
    int width;
    int height;

    static String camera(int scenario, int i) {
        return String.format(Locale.ROOT, "cam-s%d-%02d", scenario, i);
    }

    static String meter(int scenario, int i) {
        return String.format(Locale.ROOT, "noise-s%d-%02d", scenario, i);
    }

    String pipelineConfig() {
        // receive_maximum 200, not the default 1000: a window well under what a restore finds waiting, so
        // the source's full-queue rounds (Mosquitto 2.0.11 overruns Receive Maximum) happen in every run,
        // not only on a loaded machine. Their reordering lost 3 of 20 fires and 17 of 100 exceedances
        // after a TaskManager kill at this setting, and intermittently at 1000 inside ./nce test.
        StringBuilder y = new StringBuilder();
        y.append("mqtt:\n  server_uri: ").append(MQTT).append("\n  username: nce-pipeline\n  client_id: nce-").append(run)
                .append("\n  topics: [\"nce/").append(site).append("/camera/+/frame\", \"nce/").append(site)
                .append("/sensor/+/reading\"]\n  session_expiry_seconds: 900\n  receive_maximum: 200\n");
        y.append("s3:\n  endpoint: ").append(S3).append("\nelasticsearch:\n  url: ").append(ES).append('\n');
        y.append("job:\n  parallelism: 2\n  checkpoint_interval_ms: 1000\n");
        y.append("evidence:\n  pre_event_frames: 10\n  post_event_frames: 10\n  flush_after_ms: 5000\n");
        y.append("cameras:\n");
        for (int s = 0; s < SCENARIOS.size(); s++) {
            for (int i = 0; i < CAMERAS; i++) {
                // The gateway-restart cameras re-arm after 3 s quiet, so the second run's fire (after 6 s
                // without flames) is a new episode; the others keep the default 30 s, so that a gap in
                // frames (the second a broker kill -9 loses) does not split one fire into two.
                y.append("  - {id: ").append(camera(s, i)).append(", site: ").append(site)
                        .append(", detectors: [{type: open_burning").append(SCENARIOS.get(s).equals("gateway restart")
                                ? ", params: {quiet_seconds: 3}" : "").append("}]}\n");
            }
        }
        y.append("sensors:\n");
        for (int s = 0; s < SCENARIOS.size(); s++) {
            for (int i = 0; i < METERS; i++) {
                y.append("  - {id: ").append(meter(s, i)).append(", site: ").append(site)
                        .append(", kind: noise, standard: gb3096, zone_class: \"2\", sustain_seconds: 10}\n");
            }
        }
        return y.toString();
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.MINUTES)
    void nothingIsLostDoubledOrOverwrittenThroughFailures() throws Exception {
        // Part of every ./nce test (about 10 min); -Dnce.failureTests=false leaves it out while working on something else.
        Assumptions.assumeTrue(Boolean.parseBoolean(System.getProperty("nce.failureTests", "true")),
                "the failure scenarios were switched off (-Dnce.failureTests=false)");
        String missing = FlinkCluster.missingPrerequisite(ROOT);
        Assumptions.assumeTrue(missing == null, () -> "cluster cannot be built here: " + missing);
        Assumptions.assumeTrue(Files.isRegularFile(JOB_JAR), () -> "no job jar " + JOB_JAR + " (./nce build)");
        renderFire();
        Path home = ROOT.resolve("cluster/target/flink-failures");
        Path config = Files.createDirectories(home).resolve(run + ".yaml");
        Files.writeString(config, pipelineConfig());
        List<Result> results = new ArrayList<>();
        try (FlinkCluster cluster = FlinkCluster.builder(ROOT).home(home).freeBasePort().build().start()) {
            String job = cluster.submit(JOB_JAR, "org.nce.pipeline.NceJob", List.of("--config", config.toString()));
            cluster.awaitJob(job, Duration.ofSeconds(120), FlinkCluster::allRunning);
            // -Dnce.failures=1,4 runs only those scenarios (while working on one); every one by default.
            String only = System.getProperty("nce.failures", "");
            for (int s = 0; s < SCENARIOS.size(); s++) {
                if (!only.isBlank() && !List.of(only.split(",")).contains(Integer.toString(s))) {
                    continue;
                }
                results.add(scenario(cluster, job, s));
                printTable(results);
            }
            cluster.cancel(job);
        }
        printTable(results);
        for (Result r : results) {
            assertTrue(r.ok(), r.scenario() + ": " + r.problems());
        }
    }

    // ------------------------------------------------------------------ one scenario

    Result scenario(FlinkCluster cluster, String job, int s) throws Exception {
        String name = SCENARIOS.get(s);
        log("scenario %d: %s", s, name);
        long startedAt = System.currentTimeMillis();
        boolean secondFire = name.equals("gateway restart");
        List<String> pills = new ArrayList<>();
        try (Publisher pub = new Publisher(MQTT, "fail-" + run + "-" + s, "nce-admin", ADMIN_PASSWORD)) {
            long frameT0 = System.currentTimeMillis() - 20_000;
            long readingT0 = System.currentTimeMillis() - (READINGS_PER_METER + 60) * 1000L;
            int rounds = FRAMES_PER_FIRE * (secondFire ? 2 : 1);
            int readingsPerRound = (int) Math.ceil(METERS * READINGS_PER_METER / (double) rounds);
            int nextReading = 0;
            Thread fault = null;
            for (int r = 0; r < rounds; r++) {
                if (secondFire && r == FRAMES_PER_FIRE) {
                    // The gateway is down a few seconds before it starts again (as a real restart is),
                    // and its first run's frames have all been taken in by then.
                    pub.awaitAcknowledged(Duration.ofMinutes(3));
                    awaitCount("open_burning", String.format(Locale.ROOT, "cam-s%d-", s), CAMERAS, Duration.ofMinutes(3));
                    Thread.sleep(5_000);
                }
                long roundStart = System.nanoTime();
                boolean restarted = secondFire && r >= FRAMES_PER_FIRE;
                int frame = restarted ? r - FRAMES_PER_FIRE : r;
                String boot = run + "-s" + s + (restarted ? "-b2" : "-b1");
                long ts = frameT0 + r * 100L;
                for (int c = 0; c < CAMERAS; c++) {
                    pub.publish(Topics.frame(site, camera(s, c)), FrameCodec.encode(new Frame(site, camera(s, c), boot, frame, ts,
                            width, height, fireJpegs.get(frame))));
                }
                for (int k = 0; k < readingsPerRound && nextReading < METERS * READINGS_PER_METER; k++, nextReading++) {
                    int m = nextReading % METERS;
                    int j = nextReading / METERS;
                    double db = j >= 30 && j < 90 ? 75.0 : 40.0;
                    pub.publish(Topics.reading(site, meter(s, m)), reading(meter(s, m), readingT0 + j * 1000L, db));
                }
                if (r == FRAMES_PER_FIRE / 2) {
                    if (name.equals("poison pills")) {
                        pills.addAll(sendPoison(pub, s));
                    } else {
                        fault = startFault(cluster, job, name);
                    }
                }
                // About 2x real time: 400 frames/s at most, so the fault meets a stream in flight.
                long wait = 50 - (System.nanoTime() - roundStart) / 1_000_000;
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
            pub.awaitAcknowledged(Duration.ofMinutes(3));
            if (fault != null) {
                fault.join(TimeUnit.MINUTES.toMillis(3));
            }
        }
        cluster.awaitJob(job, Duration.ofMinutes(3), FlinkCluster::allRunning);
        return check(cluster, job, s, name, startedAt, secondFire ? 2 : 1, pills);
    }

    Thread startFault(FlinkCluster cluster, String job, String name) {
        Thread t = new Thread(() -> {
            try {
                switch (name) {
                    case "taskmanager kill -9" -> {
                        int tm = cluster.taskManagersOf(job).get(0);
                        cluster.killTaskManager(tm);
                        Thread.sleep(2_000);
                        cluster.startTaskManager(tm);
                    }
                    case "mosquitto kill -9" -> {
                        Path pidFile = Path.of(env("NCE_HOME", ROOT + "/.nce"), "run", "mqtt.pid");
                        long pid = Long.parseLong(Files.readString(pidFile).trim());
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                        Thread.sleep(2_000);
                        services("start", "mqtt");
                    }
                    case "elasticsearch 30 s down" -> {
                        services("stop", "es");
                        Thread.sleep(30_000);
                        services("start", "es");
                    }
                    case "s3 30 s down" -> {
                        services("stop", "s3");
                        Thread.sleep(30_000);
                        services("start", "s3");
                    }
                    default -> {
                        // the gateway restart is in the frames themselves
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException("fault " + name + " failed: " + e, e);
            }
        }, "fault");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static void services(String verb, String service) throws Exception {
        Process p = new ProcessBuilder(ROOT.resolve("scripts/services.sh").toString(), verb, service)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("scripts/services.sh " + verb + " " + service + " failed");
        }
    }

    /** Each pill a hostile reviewer fed the job, and the words its dead letter must carry. */
    List<String> sendPoison(Publisher pub, int s) throws Exception {
        String cam = camera(s, 0);
        long now = System.currentTimeMillis();
        List<String> expect = new ArrayList<>();
        pub.publish(Topics.frame(site, cam), FrameCodec.encode(new Frame(site, cam, "pill", 1, now, 16, 16, lyingJpeg(40000, 40000))));
        expect.add("40000x40000");
        pub.publish(Topics.frame(site, cam), FrameCodec.encode(new Frame(site, cam, "pill", 2, now, 16, 16, lyingJpeg(16000, 16000))));
        expect.add("16000x16000");
        pub.publish(Topics.frame(site, cam), FrameCodec.encode(new Frame(site, cam, "pill", 3, now, 4, 4, jpeg(4, 4))));
        expect.add("too small to analyse");
        pub.publish(Topics.frame(site, cam), FrameCodec.encode(new Frame(site, cam, "pill", 4, now, 64, 64,
                new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9})));
        expect.add("marker");
        pub.publish("nce/" + site + "/camera/" + "x".repeat(33_000) + "/frame", new byte[] {1, 2, 3});
        expect.add("cut to 512");
        String m = meter(s, 0);
        String head = "{\"site_id\":\"" + site + "\",\"sensor_id\":\"" + m + "\",\"kind\":\"noise\",\"timestamp_ms\":" + now + ",";
        pub.publish(Topics.reading(site, m), (head + "\"value\":1e308}").getBytes(StandardCharsets.UTF_8));
        expect.add("outside what a noise sensor can report");
        pub.publish(Topics.reading(site, m), (head + "\"value\":\"55.0\"}").getBytes(StandardCharsets.UTF_8));
        expect.add("value");
        pub.publish(Topics.reading(site, m), (head + "\"value\":50,\"value\":90}").getBytes(StandardCharsets.UTF_8));
        expect.add("Duplicate field");
        pub.publish(Topics.reading(site, cam), (head.replace(m, cam) + "\"value\":50}").getBytes(StandardCharsets.UTF_8));
        expect.add("is a camera but published on a sensor topic");
        // A forged frame with a huge counter and a timestamp just inside the skew limit: no dead letter,
        // but it must not silence the camera (its fire is still counted below).
        pub.publish(Topics.frame(site, cam), FrameCodec.encode(new Frame(site, cam, run + "-s" + s + "-b1", Long.MAX_VALUE - 1,
                now + 55_000, width, height, fireJpegs.get(0))));
        return expect;
    }

    // ------------------------------------------------------------------ checks

    Result check(FlinkCluster cluster, String job, int s, String name, long startedAt, int firesPerCamera, List<String> pills)
            throws Exception {
        List<String> problems = new ArrayList<>();
        int fireExpected = CAMERAS * firesPerCamera;
        String camPrefix = String.format(Locale.ROOT, "cam-s%d-", s);
        String meterPrefix = String.format(Locale.ROOT, "noise-s%d-", s);
        // Wait for what should come, then a little longer: a duplicate arriving late must be seen.
        awaitCount("open_burning", camPrefix, fireExpected, Duration.ofMinutes(4));
        awaitCount("noise_exceedance", meterPrefix, METERS, Duration.ofMinutes(2));
        Thread.sleep(8_000);
        refresh();
        List<JsonNode> fires = alerts("open_burning", camPrefix);
        List<JsonNode> noise = alerts("noise_exceedance", meterPrefix);

        Map<String, Integer> perCamera = new HashMap<>();
        for (JsonNode a : fires) {
            perCamera.merge(a.path("source_id").asText(), 1, Integer::sum);
        }
        for (int c = 0; c < CAMERAS; c++) {
            int n = perCamera.getOrDefault(camera(s, c), 0);
            if (n != firesPerCamera) {
                problems.add(camera(s, c) + " has " + n + " fire alerts, expected " + firesPerCamera);
            }
        }
        Set<String> meters = new HashSet<>();
        for (JsonNode a : noise) {
            if (!meters.add(a.path("source_id").asText())) {
                problems.add(a.path("source_id").asText() + " alerted twice");
            }
        }
        if (noise.size() != METERS) {
            problems.add(noise.size() + " noise alerts, expected " + METERS);
        }

        // Every alert in exactly one case. After an Elasticsearch outage the case sink works through its
        // backlog (case updates are read-modify-writes, one after another): wait for it, then count.
        List<String> ids = new ArrayList<>();
        fires.forEach(a -> ids.add(a.path("alert_id").asText()));
        noise.forEach(a -> ids.add(a.path("alert_id").asText()));
        long casesDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < casesDeadline && inCases(ids).size() < new HashSet<>(ids).size()) {
            Thread.sleep(2_000);
        }
        Thread.sleep(3_000);
        refresh();
        Map<String, Integer> inCases = new HashMap<>();
        for (JsonNode c : search(StoreLayout.CASES, Map.of("size", 1000, "query", Map.of("terms", Map.of("alert_ids", ids))))) {
            List<String> caseAlerts = new ArrayList<>();
            c.path("_source").path("alert_ids").forEach(x -> caseAlerts.add(x.asText()));
            if (caseAlerts.size() != new HashSet<>(caseAlerts).size()) {
                problems.add("case " + c.path("_id").asText() + " lists an alert twice");
            }
            for (String a : caseAlerts) {
                inCases.merge(a, 1, Integer::sum);
            }
        }
        int inOne = 0;
        for (String a : ids) {
            int n = inCases.getOrDefault(a, 0);
            if (n == 1) {
                inOne++;
            } else {
                problems.add("alert " + a + " is in " + n + " cases");
            }
        }

        // Every evidence object: bytes, object metadata and the first recorded hash agree.
        MinioClient minio = MinioClient.builder().endpoint(S3).credentials(S3_KEY, S3_SECRET).region("us-east-1").build();
        int verified = 0;
        int bad = 0;
        List<JsonNode> all = new ArrayList<>(fires);
        all.addAll(noise);
        for (JsonNode a : all) {
            if (a.path("evidence").isEmpty()) {
                problems.add("alert " + a.path("alert_id").asText() + " has no evidence");
            }
            for (JsonNode e : a.path("evidence")) {
                String key = e.path("key").asText();
                String sha = e.path("sha256").asText();
                byte[] bytes;
                try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(StoreLayout.BUCKET).object(key).build())) {
                    bytes = in.readAllBytes();
                }
                String meta = minio.statObject(StatObjectArgs.builder().bucket(StoreLayout.BUCKET).object(key).build())
                        .userMetadata().get("sha256");
                JsonNode recorded = get(StoreLayout.EVIDENCE, key).path("_source").path("sha256");
                if (sha.equals(Hashes.sha256(bytes)) && sha.equals(meta) && sha.equals(recorded.asText())) {
                    verified++;
                } else {
                    bad++;
                    problems.add("evidence " + key + " does not match its first recorded hash");
                }
            }
        }

        List<String> reasons = deadLetterReasons(startedAt);
        int refusals = (int) reasons.stream().filter(r -> r.contains("write-once")).count();
        List<String> pillsMissing = new ArrayList<>();
        for (String p : pills) {
            if (reasons.stream().noneMatch(r -> r.contains(p))) {
                pillsMissing.add(p);
            }
        }
        if (!pillsMissing.isEmpty()) {
            problems.add("no dead letter names: " + pillsMissing);
        }
        String state = cluster.jobStatus(job);
        if (!"RUNNING".equals(state)) {
            problems.add("job is " + state);
        }
        if (!problems.isEmpty()) {
            keepEvidence(cluster, job, s, problems);
        }
        return new Result(name, fireExpected, fires.size(), METERS, noise.size(), inOne, verified, bad, refusals, pillsMissing,
                state, problems);
    }

    /**
     * A failed scenario's evidence, kept where the next run cannot overwrite it: the cluster's and the
     * broker's logs copied to {@code flink-failures/failed/<run>-s<N>/}, and each source subtask's
     * MQTT counters (sessions, received, redelivered, acked, overflows, reconnects) printed. The
     * losses seen once in CI (every message of one shared-subscription session) are told apart by these.
     */
    void keepEvidence(FlinkCluster cluster, String job, int s, List<String> problems) {
        try {
            Path dir = Files.createDirectories(cluster.home().resolve("failed").resolve(run + "-s" + s));
            Files.writeString(dir.resolve("problems.txt"), String.join("\n", problems) + "\n");
            Path logs = cluster.home().resolve("logs");
            if (Files.isDirectory(logs)) {
                try (var files = Files.list(logs)) {
                    for (Path f : files.toList()) {
                        Files.copy(f, dir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Path mqttLog = Path.of(env("NCE_HOME", ROOT + "/.nce"), "logs", "mqtt.log");
            if (Files.isRegularFile(mqttLog)) {
                Files.copy(mqttLog, dir.resolve("mqtt.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            StringBuilder metrics = new StringBuilder();
            for (JsonNode v : cluster.job(job).path("vertices")) {
                if (!v.path("name").asText().toLowerCase(Locale.ROOT).contains("mqtt")) {
                    continue;
                }
                for (int i = 0; i < v.path("parallelism").asInt(); i++) {
                    String base = "/jobs/" + job + "/vertices/" + v.path("id").asText() + "/subtasks/" + i + "/metrics";
                    List<String> names = new ArrayList<>();
                    cluster.get(base).forEach(m -> {
                        String id = m.path("id").asText();
                        if (id.contains("mqtt")) {
                            names.add(id);
                        }
                    });
                    if (!names.isEmpty()) {
                        metrics.append("subtask ").append(i).append(": ")
                                .append(cluster.get(base + "?get=" + URLEncoder.encode(String.join(",", names), StandardCharsets.UTF_8)))
                                .append('\n');
                    }
                }
            }
            Files.writeString(dir.resolve("source-metrics.txt"), metrics.toString());
            log("scenario %d failed: logs and source metrics kept in %s%n%s", s, dir, metrics);
        } catch (Exception e) {
            log("scenario %d failed; keeping its evidence failed too: %s", s, e);
        }
    }

    /** The alert ids (of those given) that some case lists. */
    Set<String> inCases(List<String> ids) throws Exception {
        refresh();
        Set<String> found = new HashSet<>();
        for (JsonNode c : search(StoreLayout.CASES, Map.of("size", 1000, "query", Map.of("terms", Map.of("alert_ids", ids))))) {
            c.path("_source").path("alert_ids").forEach(x -> found.add(x.asText()));
        }
        found.retainAll(ids);
        return found;
    }

    void awaitCount(String type, String sourcePrefix, int expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                refresh();
                if (alerts(type, sourcePrefix).size() >= expected) {
                    return;
                }
            } catch (Exception e) {
                // Elasticsearch may still be coming back
            }
            Thread.sleep(2_000);
        }
    }

    List<JsonNode> alerts(String type, String sourcePrefix) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode h : search(StoreLayout.ALERTS, Map.of("size", 1000, "query", Map.of("bool", Map.of("filter", List.of(
                Map.of("term", Map.of("site_id", site)), Map.of("term", Map.of("type", type)),
                Map.of("prefix", Map.of("source_id", sourcePrefix)))))))) {
            out.add(h.path("_source"));
        }
        return out;
    }

    List<String> deadLetterReasons(long since) throws Exception {
        refresh();
        List<String> out = new ArrayList<>();
        for (JsonNode h : search(StoreLayout.DEADLETTER, Map.of("size", 1000, "query", Map.of("bool", Map.of("filter", List.of(
                Map.of("prefix", Map.of("topic", "nce/" + site + "/")),
                Map.of("range", Map.of("received_at", Map.of("gte", since))))))))) {
            out.add(h.path("_source").path("reason").asText());
        }
        return out;
    }

    List<JsonNode> search(String index, Map<String, Object> body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ES + "/" + index + "/_search"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(index + " search: " + r.statusCode() + " " + r.body());
        }
        List<JsonNode> hits = new ArrayList<>();
        JSON.readTree(r.body()).path("hits").path("hits").forEach(hits::add);
        return hits;
    }

    JsonNode get(String index, String id) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ES + "/" + index + "/_doc/"
                + URLEncoder.encode(id, StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    void refresh() throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(ES + "/nce-*/_refresh")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    // ------------------------------------------------------------------ material

    void renderFire() {
        // 320x180, not the gateway's 640x360: a store outage holds the stream back in the broker, and
        // Mosquitto rewrites its whole database every second (autosave_interval 1); at 640x360 the
        // backlog of one scenario (~90 MB) stalled it for minutes (see docs/guarantees.md, limits).
        FireScene scene = new FireScene(7, 320, 180, FireScene.DEFAULT_FPS, FRAMES_PER_FIRE, FireScene.DEFAULT_FIRE_START);
        fireJpegs = new ArrayList<>();
        for (int i = 0; i < FRAMES_PER_FIRE; i++) {
            try (Mat m = scene.render(i); BytePointer buf = new BytePointer()) {
                opencv_imgcodecs.imencode(".jpg", m, buf);
                byte[] b = new byte[(int) buf.limit()];
                buf.get(b);
                fireJpegs.add(b);
                width = m.cols();
                height = m.rows();
            }
        }
    }

    byte[] reading(String meter, long ts, double db) {
        return ("{\"site_id\":\"" + site + "\",\"sensor_id\":\"" + meter + "\",\"kind\":\"noise\",\"timestamp_ms\":" + ts
                + ",\"value\":" + db + "}").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] jpeg(int w, int h) {
        try (Mat m = new Mat(h, w, org.bytedeco.opencv.global.opencv_core.CV_8UC3,
                new org.bytedeco.opencv.opencv_core.Scalar(90, 90, 90, 0)); BytePointer buf = new BytePointer()) {
            opencv_imgcodecs.imencode(".jpg", m, buf);
            byte[] b = new byte[(int) buf.limit()];
            buf.get(b);
            return b;
        }
    }

    /** A small JPEG whose frame header (SOF0) claims {@code w}x{@code h}. */
    static byte[] lyingJpeg(int w, int h) {
        byte[] b = jpeg(16, 16);
        for (int i = 2; i + 8 < b.length; i++) {
            if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0xC0) {
                b[i + 5] = (byte) (h >> 8);
                b[i + 6] = (byte) h;
                b[i + 7] = (byte) (w >> 8);
                b[i + 8] = (byte) w;
                return b;
            }
        }
        throw new AssertionError("no SOF0");
    }

    /**
     * A QoS 1 publisher that rides out a broker restart: persistent session, automatic reconnect, and
     * a publish that waits for the connection and for room in the in-flight window instead of
     * dropping. {@link #awaitAcknowledged} waits until the broker has acknowledged every message.
     */
    static final class Publisher implements AutoCloseable {
        record Sent(String topic, byte[] payload, IMqttToken token) {
        }

        final MqttAsyncClient client;
        final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();

        Publisher(String url, String clientId, String user, String password) throws Exception {
            client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setUserName(user);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
            // A clean session on every (re)connect: Paho 1.2.5 resends its whole in-flight window on a resumed
            // session, which Mosquitto 2.0.11 answers with "protocol error" again and again. What was in flight
            // fails instead, and awaitAcknowledged publishes it again (at least once, as a gateway would).
            o.setCleanStart(true);
            o.setAutomaticReconnect(true);
            o.setAutomaticReconnectDelay(1, 2);
            client.connect(o).waitForCompletion(30_000);
        }

        /** Publishes at QoS 1, waiting for the connection and for room in the window; never drops. */
        void publish(String topic, byte[] payload) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (true) {
                try {
                    if (client.isConnected()) {
                        sent.add(new Sent(topic, payload, client.publish(topic, payload, 1, false)));
                        return;
                    }
                } catch (MqttException e) {
                    // The window is full, or the broker went away under us: wait and try again.
                    if (client.isConnected() && e.getReasonCode() != org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                        throw e;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not publish to " + topic + " for 3 minutes");
                }
                Thread.sleep(2);
            }
        }

        /**
         * Waits until the broker has acknowledged every message; one whose publish failed with the
         * connection (the broker was killed) is published again: at least once, as a gateway would.
         */
        void awaitAcknowledged(Duration timeout) throws Exception {
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            for (int round = 0; round < 5 && !sent.isEmpty(); round++) {
                List<Sent> failed = new ArrayList<>();
                for (Sent s = sent.poll(); s != null; s = sent.poll()) {
                    try {
                        s.token().waitForCompletion(Math.max(1, deadline - System.currentTimeMillis()));
                        if (s.token().getException() != null) {
                            failed.add(s);
                        }
                    } catch (MqttException e) {
                        failed.add(s);
                    }
                }
                for (Sent s : failed) {
                    publish(s.topic(), s.payload());
                }
            }
            if (!sent.isEmpty()) {
                throw new IllegalStateException(sent.size() + " messages not acknowledged by the broker");
            }
        }

        @Override
        public void close() throws Exception {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(10_000);
            }
            client.close();
        }
    }

    static void printTable(List<Result> results) {
        StringBuilder t = new StringBuilder("\n| scenario | fire alerts (expected/found) | noise alerts | each in one case | evidence verified "
                + "| write-once refusals | pills named | job | result |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            t.append(String.format(Locale.ROOT, "| %s | %d/%d | %d/%d | %d/%d | %d (bad %d) | %d | %s | %s | %s |%n", r.scenario(),
                    r.fireExpected(), r.fireFound(), r.noiseExpected(), r.noiseFound(), r.inOneCase(),
                    r.fireFound() + r.noiseFound(), r.evidenceVerified(), r.evidenceBad(), r.writeOnceRefusals(),
                    r.scenario().equals("poison pills") ? (r.pillsMissing().isEmpty() ? "all" : "missing " + r.pillsMissing()) : "–",
                    r.job(), r.ok() ? "ok" : "FAILED: " + String.join("; ", r.problems())));
        }
        System.out.println(t);
    }

    static void log(String fmt, Object... args) {
        System.out.printf(Locale.ROOT, "[failures] " + fmt + "%n", args);
    }
}
