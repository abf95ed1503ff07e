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
                             List<String> topics, Integer qos, long sessionExpirySeconds, Integer receiveMaximum)
            implements Serializable {
        public MqttConfig {
            serverUri = serverUri == null ? "tcp://127.0.0.1:1883" : serverUri;
            username = username == null ? "nce-pipeline" : username;
            passwordEnv = passwordEnv == null ? "NCE_MQTT_PASSWORD" : passwordEnv;
            clientId = clientId == null ? "nce-pipeline" : clientId;
            topics = topics == null ? List.of(org.nce.model.Topics.ALL_FRAMES, org.nce.model.Topics.ALL_READINGS)
                    : List.copyOf(topics);
            qos = qos == null ? 1 : qos;
            sessionExpirySeconds = sessionExpirySeconds <= 0 ? 3600 : sessionExpirySeconds;
            receiveMaximum = receiveMaximum == null ? 1000 : receiveMaximum;
        }

        /** Without receive_maximum (its default), as written before the key existed. */
        public MqttConfig(String serverUri, String username, String passwordEnv, String clientId,
                          List<String> topics, Integer qos, long sessionExpirySeconds) {
            this(serverUri, username, passwordEnv, clientId, topics, qos, sessionExpirySeconds, null);
        }

        static MqttConfig defaults() {
            return new MqttConfig(null, null, null, null, null, null, 0);
        }
    }

    public record S3Config(String endpoint, String bucket, String accessKeyEnv, String secretKeyEnv)
            implements Serializable {
        public S3Config {
            endpoint = endpoint == null ? "http://127.0.0.1:9000" : endpoint;
            bucket = bucket == null ? "nce-evidence" : bucket;
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

    /** Job-wide settings. {@code maxClockSkewMs}: readings or frames stamped further in the future are refused. */
    public record JobConfig(long checkpointIntervalMs, int parallelism, long maxClockSkewMs, long maxAgeMs)
            implements Serializable {
        public JobConfig {
            checkpointIntervalMs = checkpointIntervalMs <= 0 ? 2000 : checkpointIntervalMs;
            parallelism = parallelism <= 0 ? 1 : parallelism;
            maxClockSkewMs = maxClockSkewMs <= 0 ? 60_000 : maxClockSkewMs;
            maxAgeMs = maxAgeMs <= 0 ? 7L * 24 * 3600 * 1000 : maxAgeMs;
        }

        static JobConfig defaults() {
            return new JobConfig(0, 0, 0, 0);
        }
    }

    /**
     * Evidence clips: frames kept before the event (the pre-event buffer) and collected after it.
     * {@code flushAfterMs}: a clip whose post-event frames never come (camera went silent) is written
     * with what it has after this long, so evidence is never held back indefinitely.
     */
    public record EvidenceConfig(int preEventFrames, int postEventFrames, long flushAfterMs) implements Serializable {
        public EvidenceConfig {
            preEventFrames = preEventFrames <= 0 ? 20 : preEventFrames;
            postEventFrames = postEventFrames <= 0 ? 20 : postEventFrames;
            flushAfterMs = flushAfterMs <= 0 ? 15_000 : flushAfterMs;
        }

        static EvidenceConfig defaults() {
            return new EvidenceConfig(0, 0, 0);
        }
    }

    /**
     * Case rules. {@code mergeWindowHours}: alerts on one subject and type within this window join one
     * case (综合查一次: one comprehensive inspection instead of many).
     */
    public record CaseConfig(int mergeWindowHours, String timezone) implements Serializable {
        public CaseConfig {
            mergeWindowHours = mergeWindowHours <= 0 ? 24 : mergeWindowHours;
            timezone = timezone == null ? "Asia/Shanghai" : timezone;
        }

        static CaseConfig defaults() {
            return new CaseConfig(0, null);
        }
    }

    /** A camera and the detectors that watch it; {@code params} go to the detector's own config record. */
    public record CameraConfig(String id, String site, List<DetectorSpec> detectors) implements Serializable {
        public CameraConfig {
            detectors = detectors == null ? List.of() : List.copyOf(detectors);
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
    public record SensorConfig(String id, String site, String kind, String standard, String zoneClass,
                               Double limitOverride, Integer sustainSeconds) implements Serializable {
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
        if (mqtt.qos() < 0 || mqtt.qos() > 2) {
            out.add("mqtt.qos: must be 0, 1 or 2, got " + mqtt.qos());
        }
        if (mqtt.receiveMaximum() < 1 || mqtt.receiveMaximum() > 65535) {
            out.add("mqtt.receive_maximum: must be 1..65535, got " + mqtt.receiveMaximum());
        }
        if (!s3.bucket().matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            out.add("s3.bucket: not a valid bucket name: " + s3.bucket());
        }
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
