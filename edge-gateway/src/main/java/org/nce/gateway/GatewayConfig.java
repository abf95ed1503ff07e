package org.nce.gateway;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nce.gateway.camera.CameraSettings;
import org.nce.gateway.hj212.Hj212Device;
import org.nce.gateway.sensor.SensorSimulator;

/**
 * One edge gateway: the site it serves, the broker, the outbox, its cameras (with each device's
 * audit record) and its HJ 212 monitors. Read from one YAML file with unknown keys refused;
 * secrets (the MQTT password, each monitor's PW) come from environment variables the file names.
 * {@link #problems()} lists every problem at once. A sample: {@code deploy/config/gateway.sample.yaml}.
 */
public record GatewayConfig(String site, String timezone, Mqtt mqtt, Outbox outbox, Integer heartbeatSeconds,
                            List<Camera> cameras, Hj212 hj212) {

    public GatewayConfig {
        timezone = timezone == null ? "Asia/Shanghai" : timezone;
        mqtt = mqtt == null ? new Mqtt(null, null, null, null, null, null) : mqtt;
        outbox = outbox == null ? new Outbox(null, null, null) : outbox;
        heartbeatSeconds = heartbeatSeconds == null ? 10 : heartbeatSeconds;
        cameras = cameras == null ? List.of() : List.copyOf(cameras);
        hj212 = hj212 == null ? new Hj212(null, null, null, null, null) : hj212;
    }

    /**
     * @param serverUri {@code tcp://host:1883} or {@code ssl://host:8883}
     * @param username  the broker user; default the site id (the sample ACL confines it to {@code nce/<site>/#})
     * @param tls       for {@code ssl://}: the CA to trust, and a client certificate and key for mutual TLS
     * @param window    how many messages per connection may wait for the broker's ack
     */
    public record Mqtt(String serverUri, String username, String passwordEnv, Tls tls, Integer keepaliveSeconds, Integer window) {
        public Mqtt {
            serverUri = serverUri == null ? "tcp://127.0.0.1:1883" : serverUri;
            passwordEnv = passwordEnv == null ? "NCE_MQTT_GATEWAY_PASSWORD" : passwordEnv;
            keepaliveSeconds = keepaliveSeconds == null ? 30 : keepaliveSeconds;
            window = window == null ? 100 : window;
        }
    }

    public record Tls(Path caFile, Path certFile, Path keyFile) {
    }

    /** @param durability {@code fsync} (every commit fsynced, the default) or {@code os} (see Outbox) */
    public record Outbox(Path path, Long maxBytes, String durability) {
        public Outbox {
            path = path == null ? Path.of("gateway-outbox.db") : path;
            maxBytes = maxBytes == null ? 1L << 30 : maxBytes;
            durability = durability == null ? "fsync" : durability;
        }
    }

    /**
     * A camera. {@code source}: {@code rtsp://}, {@code rtmp://}, {@code http(s)://} (MJPEG), a file
     * path (looped when {@code loop}), or {@code scene:<name>} (a built-in synthetic scene).
     */
    public record Camera(String id, String source, Double sampleFps, Integer longEdge, Integer jpegQuality, Boolean loop,
                         Integer stallSeconds, Audit audit) {
        public Camera {
            sampleFps = sampleFps == null ? CameraSettings.DEFAULT_SAMPLE_FPS : sampleFps;
            longEdge = longEdge == null ? CameraSettings.DEFAULT_LONG_EDGE : longEdge;
            jpegQuality = jpegQuality == null ? CameraSettings.DEFAULT_JPEG_QUALITY : jpegQuality;
            loop = loop == null ? CameraSettings.DEFAULT_LOOP : loop;
            stallSeconds = stallSeconds == null ? CameraSettings.DEFAULT_STALL_SECONDS : stallSeconds;
        }

        public CameraSettings settings() {
            return new CameraSettings(id, source, sampleFps, longEdge, jpegQuality, loop, stallSeconds);
        }
    }

    /**
     * A monitoring device's audit record under 行政处罚法 art. 41: its legal and technical review,
     * where it is and why there, the sign, and where its location was made public. Evidence points
     * to it; a device without one is not yet lawful evidence (the record says so, the gateway still runs it).
     */
    public record Audit(String reviewId, LocalDate reviewDate, LocalDate validUntil, String placement, Boolean signPosted,
                        String locationPublished) {
        /** As published in the device record: dates as ISO text. */
        public Map<String, Object> toRecord() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("review_id", reviewId);
            m.put("review_date", reviewDate == null ? null : reviewDate.toString());
            m.put("valid_until", validUntil == null ? null : validUntil.toString());
            m.put("placement", placement);
            m.put("sign_posted", signPosted);
            m.put("location_published", locationPublished);
            return m;
        }
    }

    /**
     * @param listen   {@code host:port} of the TCP listener (default {@code 0.0.0.0:9212})
     * @param idleSeconds a connection that sends nothing this long is closed (default 7200)
     * @param simulate simulated monitors that speak HJ 212 to this listener (demo, tests)
     */
    public record Hj212(String listen, Integer idleSeconds, List<Device> devices, List<Simulated> simulate, Boolean enabled) {
        public Hj212 {
            listen = listen == null ? "0.0.0.0:9212" : listen;
            // Longer than the slowest regular upload (hourly data, CN 2061) so such a monitor keeps its connection.
            idleSeconds = idleSeconds == null ? 7_200 : idleSeconds;
            devices = devices == null ? List.of() : List.copyOf(devices);
            simulate = simulate == null ? List.of() : List.copyOf(simulate);
            enabled = enabled == null ? !devices.isEmpty() : enabled;
        }

        public String host() {
            return listen.substring(0, listen.lastIndexOf(':'));
        }

        public int port() {
            return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
        }
    }

    /** An HJ 212 monitor as configured (see {@link Hj212Device}), with its audit record. */
    public record Device(String id, String mn, String kind, String passwordEnv, Map<String, String> factors, String zoneClass,
                         String subject, Audit audit) {
        public Device {
            factors = factors == null ? Map.of() : Map.copyOf(factors);
        }

        public Hj212Device device() {
            return new Hj212Device(id, mn, kind, passwordEnv, factors, zoneClass, subject);
        }
    }

    /** A simulated monitor: which configured device it plays, with which profile, how often. */
    public record Simulated(String device, String profile, Integer intervalMs) {
        public Simulated {
            intervalMs = intervalMs == null ? 1000 : intervalMs;
        }
    }

    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (site == null || !site.matches("[A-Za-z0-9_-]{1,64}")) {
            out.add("site: required, 1-64 letters, digits, '-' and '_' (it is a topic level), got " + site);
        }
        try {
            ZoneId.of(timezone);
        } catch (Exception e) {
            out.add("timezone: not a time zone id (e.g. Asia/Shanghai): " + timezone);
        }
        String uri = mqtt.serverUri();
        if (!uri.matches("(tcp|ssl)://[^/\\s]+:\\d{1,5}")) {
            out.add("mqtt.server_uri: tcp://host:port or ssl://host:port, got " + uri);
        }
        if (uri.startsWith("ssl://") && (mqtt.tls() == null || mqtt.tls().caFile() == null)) {
            out.add("mqtt.tls.ca_file: required for ssl:// (the CA that signed the broker's certificate)");
        }
        if (mqtt.tls() != null) {
            checkFile(out, "mqtt.tls.ca_file", mqtt.tls().caFile());
            checkFile(out, "mqtt.tls.cert_file", mqtt.tls().certFile());
            checkFile(out, "mqtt.tls.key_file", mqtt.tls().keyFile());
            if ((mqtt.tls().certFile() == null) != (mqtt.tls().keyFile() == null)) {
                out.add("mqtt.tls: cert_file and key_file go together (mutual TLS)");
            }
        }
        if (mqtt.keepaliveSeconds() < 5 || mqtt.keepaliveSeconds() > 600) {
            out.add("mqtt.keepalive_seconds: 5..600, got " + mqtt.keepaliveSeconds());
        }
        if (mqtt.window() < 1 || mqtt.window() > 65_535) {
            out.add("mqtt.window: 1..65535, got " + mqtt.window());
        }
        if (outbox.maxBytes() < (1 << 20)) {
            out.add("outbox.max_bytes: at least 1048576 (1 MiB), got " + outbox.maxBytes());
        }
        if (!List.of("fsync", "os").contains(outbox.durability())) {
            out.add("outbox.durability: fsync or os, got " + outbox.durability());
        }
        if (heartbeatSeconds < 1 || heartbeatSeconds > 3600) {
            out.add("heartbeat_seconds: 1..3600, got " + heartbeatSeconds);
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < cameras.size(); i++) {
            Camera c = cameras.get(i);
            String at = "cameras[" + i + "]";
            if (c.id() == null || !c.id().matches("[A-Za-z0-9_-]{1,64}")) {
                out.add(at + ".id: required, 1-64 letters, digits, '-' and '_'");
            } else if (!ids.add(c.id())) {
                out.add(at + ".id: " + c.id() + " is used twice");
            }
            for (String problem : c.settings().problems()) {
                if (!problem.startsWith("id:")) {
                    out.add(at + "." + problem);
                }
            }
            checkAudit(out, at + ".audit", c.audit());
        }
        Set<String> mns = new HashSet<>();
        for (int i = 0; i < hj212.devices().size(); i++) {
            Device d = hj212.devices().get(i);
            String at = "hj212.devices[" + i + "]";
            out.addAll(d.device().problems(at));
            if (d.id() != null && !ids.add(d.id())) {
                out.add(at + ".id: " + d.id() + " is used twice");
            }
            if (d.mn() != null && !mns.add(d.mn())) {
                out.add(at + ".mn: " + d.mn() + " is used twice");
            }
            checkAudit(out, at + ".audit", d.audit());
        }
        if (!hj212.listen().matches("[^\\s]+:\\d{1,5}")) {
            out.add("hj212.listen: host:port, got " + hj212.listen());
        }
        if (hj212.idleSeconds() < 10) {
            out.add("hj212.idle_seconds: at least 10, got " + hj212.idleSeconds());
        }
        for (int i = 0; i < hj212.simulate().size(); i++) {
            Simulated s = hj212.simulate().get(i);
            String at = "hj212.simulate[" + i + "]";
            Device d = hj212.devices().stream().filter(x -> x.id() != null && x.id().equals(s.device())).findFirst().orElse(null);
            if (d == null) {
                out.add(at + ".device: " + s.device() + " is not in hj212.devices");
            } else {
                try {
                    SensorSimulator.Profile.parse(d.kind(), s.profile());
                } catch (IllegalArgumentException e) {
                    out.add(at + ".profile: " + e.getMessage());
                }
            }
            if (s.intervalMs() < 100) {
                out.add(at + ".interval_ms: at least 100, got " + s.intervalMs());
            }
        }
        return out;
    }

    private static void checkAudit(List<String> out, String at, Audit a) {
        if (a == null) {
            return; // allowed: the device runs, its evidence says it has no review yet
        }
        if (a.reviewId() == null || a.reviewId().isBlank()) {
            out.add(at + ".review_id: required when an audit record is given");
        }
        if (a.reviewDate() == null) {
            out.add(at + ".review_date: required when an audit record is given (yyyy-MM-dd)");
        }
        if (a.validUntil() != null && a.reviewDate() != null && a.validUntil().isBefore(a.reviewDate())) {
            out.add(at + ".valid_until: before review_date");
        }
    }

    private static void checkFile(List<String> out, String key, Path p) {
        if (p != null && !p.toFile().isFile()) {
            out.add(key + ": no such file " + p);
        }
    }

    /** The secrets this config names that {@code env} does not have, each with the key that names it. */
    public List<String> missingSecrets(java.util.function.Function<String, String> env) {
        List<String> out = new ArrayList<>();
        if (env.apply(mqtt.passwordEnv()) == null) {
            out.add("mqtt.password_env: environment variable " + mqtt.passwordEnv() + " (the broker password) is not set");
        }
        for (int i = 0; i < hj212.devices().size(); i++) {
            Device d = hj212.devices().get(i);
            if (d.passwordEnv() != null && env.apply(d.passwordEnv()) == null) {
                out.add("hj212.devices[" + i + "].password_env: environment variable " + d.passwordEnv() + " (the PW of " + d.id()
                        + ") is not set");
            }
        }
        return out;
    }

    /** Device id → the environment variable of its PW. */
    public Map<String, String> devicePasswordEnvs() {
        Map<String, String> m = new java.util.HashMap<>();
        hj212.devices().forEach(d -> m.put(d.id(), d.passwordEnv()));
        return m;
    }

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new JavaTimeModule())
            .build();

    public static GatewayConfig load(Path file) throws IOException {
        return YAML.readValue(file.toFile(), GatewayConfig.class);
    }

    public static GatewayConfig parse(String yaml) throws IOException {
        return YAML.readValue(yaml, GatewayConfig.class);
    }
}
