package org.nce.pipeline.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pipeline's one YAML file, read into records with unknown keys rejected. Secrets are never in
 * the file: it names the environment variables that hold them. {@link #problems()} lists every
 * problem at once for {@code --validate-config}.
 */
public record PipelineConfig(MqttConfig mqtt, S3Config s3, EsConfig elasticsearch, JobConfig job,
                             EvidenceConfig evidence, CaseConfig cases, List<CameraConfig> cameras,
                             List<SensorConfig> sensors) implements Serializable {

    public PipelineConfig {
        mqtt = mqtt == null ? MqttConfig.defaults() : mqtt;
        s3 = s3 == null ? S3Config.defaults() : s3;
        elasticsearch = elasticsearch == null ? EsConfig.defaults() : elasticsearch;
        job = job == null ? JobConfig.defaults() : job;
        evidence = evidence == null ? EvidenceConfig.defaults() : evidence;
        cases = cases == null ? CaseConfig.defaults() : cases;
        cameras = cameras == null ? List.of() : List.copyOf(cameras);
        sensors = sensors == null ? List.of() : List.copyOf(sensors);
    }

    public record MqttConfig(String serverUri, String username, String passwordEnv, String clientId,
                             List<String> topics, Integer qos, long sessionExpirySeconds, Integer receiveMaximum,
                             Boolean sharedSubscriptions)
            implements Serializable {
        public MqttConfig {
            serverUri = serverUri == null ? "tcp://127.0.0.1:1883" : serverUri;
            username = username == null ? "nce-pipeline" : username;
            passwordEnv = passwordEnv == null ? "NCE_MQTT_PASSWORD" : passwordEnv;
            clientId = clientId == null ? "nce-pipeline" : clientId;
            topics = topics == null ? List.of(org.nce.model.Topics.ALL_FRAMES, org.nce.model.Topics.ALL_READINGS, org.nce.model.Topics.ALL_HEARTBEATS)
                    : List.copyOf(topics);
            qos = qos == null ? 1 : qos;
            sessionExpirySeconds = sessionExpirySeconds <= 0 ? 3600 : sessionExpirySeconds;
            receiveMaximum = receiveMaximum == null ? 1000 : receiveMaximum;
            sharedSubscriptions = sharedSubscriptions == null ? Boolean.TRUE : sharedSubscriptions;
        }

        public MqttConfig(String serverUri, String username, String passwordEnv, String clientId,
                          List<String> topics, Integer qos, long sessionExpirySeconds, Integer receiveMaximum) {
            this(serverUri, username, passwordEnv, clientId, topics, qos, sessionExpirySeconds, receiveMaximum, null);
        }

        /** Without receive_maximum (its default), as written before the key existed. */
        public MqttConfig(String serverUri, String username, String passwordEnv, String clientId,
                          List<String> topics, Integer qos, long sessionExpirySeconds) {
            this(serverUri, username, passwordEnv, clientId, topics, qos, sessionExpirySeconds, null, null);
        }

        static MqttConfig defaults() {
            return new MqttConfig(null, null, null, null, null, null, 0);
        }
    }

    public record S3Config(String endpoint, String bucket, String accessKeyEnv, String secretKeyEnv)
            implements Serializable {
        public S3Config {
            endpoint = endpoint == null ? "http://127.0.0.1:9000" : endpoint;
            bucket = bucket == null ? org.nce.model.StoreLayout.BUCKET : bucket;
            accessKeyEnv = accessKeyEnv == null ? "NCE_S3_ACCESS_KEY" : accessKeyEnv;
            secretKeyEnv = secretKeyEnv == null ? "NCE_S3_SECRET_KEY" : secretKeyEnv;
        }

        static S3Config defaults() {
            return new S3Config(null, null, null, null);
        }
    }

    public record EsConfig(String url) implements Serializable {
        public EsConfig {
            url = url == null ? "http://127.0.0.1:9200" : url;
        }

        static EsConfig defaults() {
            return new EsConfig(null);
        }
    }

    /**
     * Job-wide settings; an absent key takes its default, a bad value is a problem (never replaced).
     * {@code maxClockSkewMs}: readings or frames stamped further in the future are refused.
     * {@code maxFramePixels}: a JPEG whose header claims more is refused before it is decoded;
     * {@code minFrameSide}: nor is a frame too small for any detector to analyse.
     * {@code checkpointDir}: where checkpoints go ({@code file://…} here, {@code s3://…} on MinIO);
     * absent: {@code $NCE_HOME/checkpoints}. {@code stateBackend}: {@code hashmap} (default) or
     * {@code rocksdb} (incremental checkpoints, for many cameras per TaskManager).
     */
    public record JobConfig(Long checkpointIntervalMs, Integer parallelism, Long maxClockSkewMs, Long maxAgeMs,
                            Long maxFramePixels, Integer minFrameSide, String checkpointDir, String stateBackend)
            implements Serializable {
        public static final long DEFAULT_MAX_FRAME_PIXELS = 3840L * 2160;

        public JobConfig {
            checkpointIntervalMs = checkpointIntervalMs == null ? 2000 : checkpointIntervalMs;
            parallelism = parallelism == null ? 1 : parallelism;
            maxClockSkewMs = maxClockSkewMs == null ? 60_000 : maxClockSkewMs;
            maxAgeMs = maxAgeMs == null ? 7L * 24 * 3600 * 1000 : maxAgeMs;
            maxFramePixels = maxFramePixels == null ? DEFAULT_MAX_FRAME_PIXELS : maxFramePixels;
            minFrameSide = minFrameSide == null ? 32 : minFrameSide;
            stateBackend = stateBackend == null ? "hashmap" : stateBackend;
        }

        /** Defaults with the given checkpoint interval and parallelism (tests, the demo). */
        public static JobConfig of(long checkpointIntervalMs, int parallelism) {
            return new JobConfig(checkpointIntervalMs, parallelism, null, null, null, null, null, null);
        }

        static JobConfig defaults() {
            return new JobConfig(null, null, null, null, null, null, null, null);
        }

        void problems(List<String> out) {
            if (checkpointIntervalMs < 100) {
                out.add("job.checkpoint_interval_ms: must be >= 100, got " + checkpointIntervalMs);
            }
            if (parallelism < 1 || parallelism > 1024) {
                out.add("job.parallelism: must be 1..1024, got " + parallelism);
            }
            if (maxClockSkewMs < 0) {
                out.add("job.max_clock_skew_ms: must be >= 0, got " + maxClockSkewMs);
            }
            if (maxAgeMs < 1) {
                out.add("job.max_age_ms: must be >= 1, got " + maxAgeMs);
            }
            if (maxFramePixels < 1 || maxFramePixels > 100_000_000L) {
                out.add("job.max_frame_pixels: must be 1..100000000, got " + maxFramePixels);
            }
            if (minFrameSide < 1) {
                out.add("job.min_frame_side: must be >= 1, got " + minFrameSide);
            }
            if (checkpointDir != null && !checkpointDir.matches("[a-z][a-z0-9+.-]*://.+")) {
                out.add("job.checkpoint_dir: must be a URI such as file:///var/lib/nce/checkpoints or s3://bucket/path, got "
                        + checkpointDir);
            }
            if (!List.of("hashmap", "rocksdb").contains(stateBackend)) {
                out.add("job.state_backend: must be hashmap or rocksdb, got " + stateBackend);
            }
        }
    }

    /**
     * Evidence clips: frames kept before the event (the pre-event buffer) and collected after it.
     * {@code flushAfterMs}: a clip whose post-event frames never come (camera went silent) is written
     * with what it has after this long, so evidence is never held back indefinitely.
     * {@code writers}: threads per subtask that encode clips and write to the store, off the task
     * thread; {@code storeTimeoutMs}: an alert whose evidence the store has not taken by then fails
     * the task (restart from the checkpoint) rather than waiting for ever.
     */
    public record EvidenceConfig(Integer preEventFrames, Integer postEventFrames, Long flushAfterMs, Integer writers,
                                 Long storeTimeoutMs) implements Serializable {
        public EvidenceConfig {
            preEventFrames = preEventFrames == null ? 20 : preEventFrames;
            postEventFrames = postEventFrames == null ? 20 : postEventFrames;
            flushAfterMs = flushAfterMs == null ? 15_000 : flushAfterMs;
            writers = writers == null ? 2 : writers;
            storeTimeoutMs = storeTimeoutMs == null ? 300_000 : storeTimeoutMs;
        }

        public EvidenceConfig(Integer preEventFrames, Integer postEventFrames, Long flushAfterMs) {
            this(preEventFrames, postEventFrames, flushAfterMs, null, null);
        }

        static EvidenceConfig defaults() {
            return new EvidenceConfig(null, null, null, null, null);
        }

        void problems(List<String> out) {
            if (preEventFrames < 0 || preEventFrames > 600) {
                out.add("evidence.pre_event_frames: must be 0..600, got " + preEventFrames);
            }
            if (postEventFrames < 0 || postEventFrames > 600) {
                out.add("evidence.post_event_frames: must be 0..600, got " + postEventFrames);
            }
            if (flushAfterMs < 1) {
                out.add("evidence.flush_after_ms: must be >= 1, got " + flushAfterMs);
            }
            if (writers < 1 || writers > 64) {
                out.add("evidence.writers: must be 1..64, got " + writers);
            }
            if (storeTimeoutMs < 1000) {
                out.add("evidence.store_timeout_ms: must be >= 1000, got " + storeTimeoutMs);
            }
        }
    }

    /**
     * Case rules. {@code mergeWindowHours}: alerts on one subject and type within this window of the
     * case's opening join one case (综合查一次: one comprehensive inspection instead of many).
     * {@code maxAlertsPerCase}: a case that reaches it is full and the next alert opens a new draft,
     * so a persistent violator's case never grows without bound.
     */
    public record CaseConfig(Integer mergeWindowHours, String timezone, Integer maxAlertsPerCase, Boolean comprehensive) implements Serializable {
        public CaseConfig(Integer mergeWindowHours, String timezone, Integer maxAlertsPerCase) {
            this(mergeWindowHours, timezone, maxAlertsPerCase, null);
        }

        public CaseConfig {
            // 综合查一次: one case per subject across violation types, unless the deployment says otherwise.
            comprehensive = comprehensive == null || comprehensive;
            mergeWindowHours = mergeWindowHours == null ? 24 : mergeWindowHours;
            timezone = timezone == null ? "Asia/Shanghai" : timezone;
            maxAlertsPerCase = maxAlertsPerCase == null ? 200 : maxAlertsPerCase;
        }

        static CaseConfig defaults() {
            return new CaseConfig(null, null, null);
        }

        void problems(List<String> out) {
            if (mergeWindowHours < 1 || mergeWindowHours > 24 * 90) {
                out.add("cases.merge_window_hours: must be 1..2160, got " + mergeWindowHours);
            }
            if (maxAlertsPerCase < 1 || maxAlertsPerCase > 10_000) {
                out.add("cases.max_alerts_per_case: must be 1..10000, got " + maxAlertsPerCase);
            }
        }
    }

    /** A camera and the detectors that watch it; {@code params} go to the detector's own config record. */
    /**
     * @param motionGate the camera's shared motion gate ({@code enabled}, {@code heartbeat_ms}, ... over
     *                   {@link org.nce.detectors.motion.MotionGateConfig#defaults()}): the detectors see only
     *                   frames where something moved, and a still camera's frame once per heartbeat
     */
    /** One camera; {@code subject}: the party it watches (the console's subject registry id), else cases go by its site. */
    public record CameraConfig(String id, String site, List<DetectorSpec> detectors, Map<String, Object> motionGate, String subject)
            implements Serializable {
        public CameraConfig(String id, String site, List<DetectorSpec> detectors, Map<String, Object> motionGate) {
            this(id, site, detectors, motionGate, null);
        }

        public CameraConfig {
            detectors = detectors == null ? List.of() : List.copyOf(detectors);
            // Not Map.copyOf: a YAML key without a value is a null, which the check names, not a load-time NPE.
            motionGate = motionGate == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(motionGate));
        }

        public CameraConfig(String id, String site, List<DetectorSpec> detectors) {
            this(id, site, detectors, null);
        }

        /** The gate's settings; {@link #problems()} has checked them. */
        public org.nce.detectors.motion.MotionGateConfig motionGateConfig() {
            return org.nce.detectors.DetectorFactory.motionGate(motionGate);
        }
    }

    public record DetectorSpec(String type, Map<String, Object> params) implements Serializable {
        public DetectorSpec {
            params = params == null ? Map.of() : Map.copyOf(params);
        }
    }

    /**
     * A sensor. Noise: {@code standard} is {@code gb3096} (with {@code zoneClass} 0, 1, 2, 3, 4a, 4b) or
     * {@code gb12523} (construction site boundary). Lampblack: {@code standard} {@code gb18483}.
     * {@code sustainSeconds}: how long an exceedance must last before it is an alert.
     */
    /**
     * @param ruleData which HJ 212 data the rules judge: {@code rtd} (real-time, default), {@code minute},
     *                 {@code hour} or {@code day} — for monitors that upload only averages (many cooking-fume
     *                 monitors send 10-minute data). The other kinds are counted and passed over.
     */
    /**
     * One sensor. {@code profile}: its device profile in the sensor rule pack (duration, repetition,
     * schedule; {@code default} when absent); {@code district}: whose night window applies (the pack's
     * {@code night.districts}; the national 22:00–06:00 when absent); {@code sustainSeconds} overrides
     * the profile's duration.
     */
    public record SensorConfig(String id, String site, String kind, String standard, String zoneClass,
                               Double limitOverride, Integer sustainSeconds, String ruleData, String profile, String district,
                               String subject) implements Serializable {
        public SensorConfig {
            ruleData = ruleData == null ? "rtd" : ruleData;
        }

        public SensorConfig(String id, String site, String kind, String standard, String zoneClass, Double limitOverride,
                            Integer sustainSeconds, String ruleData) {
            this(id, site, kind, standard, zoneClass, limitOverride, sustainSeconds, ruleData, null, null, null);
        }

        public SensorConfig(String id, String site, String kind, String standard, String zoneClass, Double limitOverride,
                            Integer sustainSeconds, String ruleData, String profile, String district) {
            this(id, site, kind, standard, zoneClass, limitOverride, sustainSeconds, ruleData, profile, district, null);
        }

        public SensorConfig(String id, String site, String kind, String standard, String zoneClass, Double limitOverride,
                            Integer sustainSeconds) {
            this(id, site, kind, standard, zoneClass, limitOverride, sustainSeconds, null);
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static PipelineConfig load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return YAML.readValue(in, PipelineConfig.class);
        }
    }

    public static PipelineConfig parse(String yaml) throws IOException {
        return YAML.readValue(yaml, PipelineConfig.class);
    }

    /** Every problem at once, each naming its key; empty when the config is usable. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (!mqtt.serverUri().matches("(tcp|ssl|ws|wss)://.+")) {
            out.add("mqtt.server_uri: must look like tcp://host:port, got " + mqtt.serverUri());
        }
        if (mqtt.qos() < 0 || mqtt.qos() > 1) {
            out.add("mqtt.qos: must be 1 (at least once) or 0 (at most once), got " + mqtt.qos() + (mqtt.qos() == 2
                    ? ": Paho 1.2.5 completes QoS 2's handshake before the checkpoint, so a restart would lose messages" : ""));
        }
        if (mqtt.receiveMaximum() < 1 || mqtt.receiveMaximum() > 65535) {
            out.add("mqtt.receive_maximum: must be 1..65535, got " + mqtt.receiveMaximum());
        }
        if (!s3.bucket().matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            out.add("s3.bucket: not a valid bucket name: " + s3.bucket());
        }
        job.problems(out);
        evidence.problems(out);
        cases.problems(out);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < cameras.size(); i++) {
            CameraConfig c = cameras.get(i);
            String key = "cameras[" + i + "]";
            if (c.id() == null || c.id().isBlank()) {
                out.add(key + ".id: required");
            } else if (!ids.add(c.id())) {
                out.add(key + ".id: duplicate device id " + c.id());
            }
            if (c.site() == null || c.site().isBlank()) {
                out.add(key + ".site: required");
            }
            try {
                c.motionGateConfig();
            } catch (IllegalArgumentException e) {
                out.add(key + ".motion_gate: " + e.getMessage());
            }
            for (int j = 0; j < c.detectors().size(); j++) {
                DetectorSpec d = c.detectors().get(j);
                if (d.type() == null || !org.nce.detectors.DetectorFactory.knownTypes().contains(d.type())) {
                    out.add(key + ".detectors[" + j + "].type: unknown '" + d.type() + "', known: "
                            + org.nce.detectors.DetectorFactory.knownTypes());
                } else {
                    try {
                        org.nce.detectors.DetectorFactory.validate(d.type(), d.params());
                    } catch (IllegalArgumentException e) {
                        out.add(key + ".detectors[" + j + "].params: " + e.getMessage());
                    }
                }
            }
        }
        for (int i = 0; i < sensors.size(); i++) {
            SensorConfig s = sensors.get(i);
            String key = "sensors[" + i + "]";
            if (s.id() == null || s.id().isBlank()) {
                out.add(key + ".id: required");
            } else if (!ids.add(s.id())) {
                out.add(key + ".id: duplicate device id " + s.id());
            }
            if (s.site() == null || s.site().isBlank()) {
                out.add(key + ".site: required");
            }
            try {
                org.nce.pipeline.sensor.SensorLimits.forSensor(s);
            } catch (IllegalArgumentException e) {
                out.add(key + ": " + e.getMessage());
            }
            if (!org.nce.model.SensorReading.DATA_KINDS.contains(s.ruleData())) {
                out.add(key + ".rule_data: one of " + org.nce.model.SensorReading.DATA_KINDS + ", got " + s.ruleData());
            }
        }
        try {
            java.time.ZoneId.of(cases.timezone());
        } catch (RuntimeException e) {
            out.add("cases.timezone: unknown zone " + cases.timezone());
        }
        return out;
    }

    /** Reads a secret from the environment, failing with the variable's name when it is missing. */
    public static String secret(String envName) {
        String v = System.getenv(envName);
        if (v == null || v.isEmpty()) {
            v = System.getProperty(envName);
        }
        if (v == null || v.isEmpty()) {
            throw new IllegalStateException("environment variable " + envName + " is not set");
        }
        return v;
    }
}
