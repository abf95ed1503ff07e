package org.nce.model;

/**
 * MQTT topic layout (see docs/mqtt-topics.md). Per-site prefixes let the broker's ACL confine a
 * gateway to its own site: {@code nce/<site>/camera/<camera>/frame} and
 * {@code nce/<site>/sensor/<sensor>/reading}.
 */
public final class Topics {
    public static final String ROOT = "nce";
    public static final String ALL_FRAMES = "nce/+/camera/+/frame";
    public static final String ALL_READINGS = "nce/+/sensor/+/reading";
    public static final String ALL_HEARTBEATS = "nce/+/gateway/heartbeat";

    private Topics() {
    }

    public static String frame(String siteId, String cameraId) {
        return ROOT + "/" + siteId + "/camera/" + cameraId + "/frame";
    }

    public static String reading(String siteId, String sensorId) {
        return ROOT + "/" + siteId + "/sensor/" + sensorId + "/reading";
    }

    /** A monitor's running status (HJ 212 CN 2021: fan, purifier, … as the device reported it). */
    public static String sensorStatus(String siteId, String sensorId) {
        return ROOT + "/" + siteId + "/sensor/" + sensorId + "/status";
    }

    /** A device's record (kind, audit record under 行政处罚法 art. 41, MN…), retained. */
    public static String device(String siteId, String deviceId) {
        return ROOT + "/" + siteId + "/device/" + deviceId;
    }

    /** {@code online} / {@code offline} (the Last Will), retained. */
    public static String gatewayStatus(String siteId) {
        return ROOT + "/" + siteId + "/gateway/status";
    }

    /** The gateway's health every few seconds (cameras, sensors, outbox), retained. */
    public static String gatewayHeartbeat(String siteId) {
        return ROOT + "/" + siteId + "/gateway/heartbeat";
    }

    /** What the gateway refused (an HJ 212 packet that failed its checks), with the reason. */
    public static String gatewayDeadLetter(String siteId) {
        return ROOT + "/" + siteId + "/gateway/deadletter";
    }

    /** What a topic carries, or {@link Kind#UNKNOWN}. */
    public enum Kind { FRAME, READING, HEARTBEAT, UNKNOWN }

    /** A topic taken apart once: what it carries, and for well-formed topics its site and device. */
    public record Parsed(Kind kind, String site, String device) {
        static final Parsed UNKNOWN = new Parsed(Kind.UNKNOWN, null, null);
    }

    public static Parsed parse(String topic) {
        if (topic == null) {
            return Parsed.UNKNOWN;
        }
        String[] p = topic.split("/", -1);
        if (p.length == 4 && ROOT.equals(p[0]) && !p[1].isEmpty() && "gateway".equals(p[2]) && "heartbeat".equals(p[3])) {
            return new Parsed(Kind.HEARTBEAT, p[1], null);
        }
        if (p.length == 5 && ROOT.equals(p[0]) && !p[1].isEmpty() && !p[3].isEmpty()) {
            if ("camera".equals(p[2]) && "frame".equals(p[4])) {
                return new Parsed(Kind.FRAME, p[1], p[3]);
            }
            if ("sensor".equals(p[2]) && "reading".equals(p[4])) {
                return new Parsed(Kind.READING, p[1], p[3]);
            }
        }
        return Parsed.UNKNOWN;
    }
}
