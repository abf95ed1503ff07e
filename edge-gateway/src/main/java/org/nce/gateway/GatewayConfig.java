package org.nce.gateway;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One edge gateway: the site it serves, the broker it publishes to, its cameras and sensors.
 * Read from YAML with unknown keys rejected; the MQTT password comes from the environment.
 *
 * <p>A camera {@code source} is {@code scene:<name>} (a built-in synthetic scene), a file path
 * (replayed in a loop at the clip's rate), or an {@code rtsp://} URL. A sensor {@code profile} is a
 * built-in simulation ({@code night-construction}, {@code quiet}, {@code purifier-off}, {@code compliant}).
 */
public record GatewayConfig(String site, Mqtt mqtt, List<Camera> cameras, List<Sensor> sensors) {

    public GatewayConfig {
        mqtt = mqtt == null ? new Mqtt(null, null, null) : mqtt;
        cameras = cameras == null ? List.of() : List.copyOf(cameras);
        sensors = sensors == null ? List.of() : List.copyOf(sensors);
    }

    public record Mqtt(String serverUri, String username, String passwordEnv) {
        public Mqtt {
            serverUri = serverUri == null ? "tcp://127.0.0.1:1883" : serverUri;
            passwordEnv = passwordEnv == null ? "NCE_MQTT_PASSWORD" : passwordEnv;
        }
    }

    public record Camera(String id, String source, Double fps, Integer jpegQuality, Integer width, Boolean loop) {
        public Camera {
            fps = fps == null ? 10.0 : fps;
            jpegQuality = jpegQuality == null ? 80 : jpegQuality;
            loop = loop == null ? Boolean.TRUE : loop;
        }
    }

    public record Sensor(String id, String kind, String profile, Integer intervalMs) {
        public Sensor {
            intervalMs = intervalMs == null ? 1000 : intervalMs;
        }
    }

    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (site == null || !site.matches("[A-Za-z0-9_-]+")) {
            out.add("site: required, letters, digits, '-' and '_' only (it is a topic level), got " + site);
        }
        for (int i = 0; i < cameras.size(); i++) {
            Camera c = cameras.get(i);
            if (c.id() == null || !c.id().matches("[A-Za-z0-9_-]+")) {
                out.add("cameras[" + i + "].id: required, letters, digits, '-' and '_' only");
            }
            if (c.source() == null || c.source().isBlank()) {
                out.add("cameras[" + i + "].source: required (scene:<name>, a file path or rtsp://...)");
            }
            if (c.fps() <= 0 || c.fps() > 60) {
                out.add("cameras[" + i + "].fps: must be in (0, 60], got " + c.fps());
            }
            if (c.jpegQuality() < 10 || c.jpegQuality() > 100) {
                out.add("cameras[" + i + "].jpeg_quality: must be 10..100, got " + c.jpegQuality());
            }
        }
        for (int i = 0; i < sensors.size(); i++) {
            Sensor s = sensors.get(i);
            if (s.id() == null || !s.id().matches("[A-Za-z0-9_-]+")) {
                out.add("sensors[" + i + "].id: required, letters, digits, '-' and '_' only");
            }
            try {
                org.nce.gateway.sensor.SensorSimulator.Profile.parse(s.kind(), s.profile());
            } catch (IllegalArgumentException e) {
                out.add("sensors[" + i + "]: " + e.getMessage());
            }
            if (s.intervalMs() < 100) {
                out.add("sensors[" + i + "].interval_ms: must be >= 100, got " + s.intervalMs());
            }
        }
        return out;
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static GatewayConfig load(Path file) throws IOException {
        return YAML.readValue(file.toFile(), GatewayConfig.class);
    }

    public static GatewayConfig parse(String yaml) throws IOException {
        return YAML.readValue(yaml, GatewayConfig.class);
    }
}
