package org.nce.pipeline.ingest;

import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.nce.model.Frame;
import org.nce.model.FrameCodec;
import org.nce.model.JpegHeader;
import org.nce.model.Json;
import org.nce.model.SensorReading;
import org.nce.model.Topics;
import org.nce.pipeline.config.PipelineConfig.JobConfig;
import org.nce.pipeline.mqtt.MqttRecord;

/**
 * Turns raw MQTT messages into frames (main output) and sensor readings (side output). Anything it
 * cannot trust goes to the dead-letter output with the reason and is counted: unknown topics and
 * devices, a camera on a sensor topic or the reverse, a device publishing under another site,
 * malformed JSON or frame envelopes, truncated JPEGs, a JPEG whose header claims a size beyond the
 * configured maximum (checked before anything decodes it) or below what a detector can analyse,
 * oversized payloads, and timestamps too far in the future (clock skew) or the past.
 */
public class DecodeFunction extends ProcessFunction<MqttRecord, Frame> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<org.nce.model.GatewayHealth> HEARTBEATS = new OutputTag<>("heartbeats",
            org.apache.flink.api.common.typeinfo.TypeInformation.of(org.nce.model.GatewayHealth.class));
    static final int MAX_HEARTBEAT_BYTES = 256 * 1024;
    public static final OutputTag<SensorReading> READINGS = new OutputTag<>("readings",
            org.apache.flink.api.common.typeinfo.TypeInformation.of(SensorReading.class));
    static final int MAX_READING_BYTES = 64 * 1024;

    private final Map<String, String> siteByCamera;
    private final Map<String, String> siteBySensor;
    private final long maxClockSkewMs;
    private final long maxAgeMs;
    private final long maxFramePixels;
    private final int minFrameSide;
    private transient Counter frames;
    private transient Counter readings;
    private transient Counter rejected;

    /** {@code siteByCamera}, {@code siteBySensor}: every registered device with the site it belongs to. */
    public DecodeFunction(Map<String, String> siteByCamera, Map<String, String> siteBySensor, JobConfig job) {
        this.siteByCamera = Map.copyOf(siteByCamera);
        this.siteBySensor = Map.copyOf(siteBySensor);
        this.maxClockSkewMs = job.maxClockSkewMs();
        this.maxAgeMs = job.maxAgeMs();
        this.maxFramePixels = job.maxFramePixels();
        this.minFrameSide = job.minFrameSide();
    }

    @Override
    public void open(OpenContext ctx) {
        frames = getRuntimeContext().getMetricGroup().counter("framesDecoded");
        readings = getRuntimeContext().getMetricGroup().counter("readingsDecoded");
        rejected = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(MqttRecord m, Context ctx, Collector<Frame> out) {
        try {
            Topics.Parsed topic = Topics.parse(m.topic());
            Topics.Kind kind = topic.kind();
            if (kind == Topics.Kind.UNKNOWN) {
                throw new IllegalArgumentException("unknown topic (expected nce/<site>/camera/<id>/frame, nce/<site>/sensor/<id>/reading "
                        + "or nce/<site>/gateway/heartbeat)");
            }
            if (kind == Topics.Kind.HEARTBEAT) {
                ctx.output(HEARTBEATS, heartbeat(topic.site(), m.payload()));
                return;
            }
            String device = topic.device();
            String site = topic.site();
            String shownDevice = shown(device);
            Map<String, String> ofThisKind = kind == Topics.Kind.FRAME ? siteByCamera : siteBySensor;
            String registeredSite = ofThisKind.get(device);
            if (registeredSite == null) {
                Map<String, String> other = kind == Topics.Kind.FRAME ? siteBySensor : siteByCamera;
                throw new IllegalArgumentException(other.containsKey(device)
                        ? "device '" + shownDevice + "' is a " + (kind == Topics.Kind.FRAME ? "sensor" : "camera")
                                + " but published on a " + (kind == Topics.Kind.FRAME ? "camera" : "sensor") + " topic"
                        : "unknown device '" + shownDevice + "' (not in the pipeline's cameras or sensors)");
            }
            if (!registeredSite.equals(site)) {
                throw new IllegalArgumentException("device '" + shownDevice + "' belongs to site '" + registeredSite
                        + "' but published under site '" + shown(site) + "'");
            }
            if (kind == Topics.Kind.FRAME) {
                Frame f = FrameCodec.decode(m.payload());
                if (!f.cameraId().equals(device) || !f.siteId().equals(site)) {
                    throw new IllegalArgumentException("frame header names " + f.siteId() + "/" + f.cameraId()
                            + " but the topic names " + site + "/" + device);
                }
                checkSize(JpegHeader.size(f.jpeg()));
                checkTime(f.timestampMs());
                frames.inc();
                out.collect(f);
            } else {
                if (m.payload().length > MAX_READING_BYTES) {
                    throw new IllegalArgumentException("reading payload of " + m.payload().length
                            + " bytes exceeds the limit of " + MAX_READING_BYTES);
                }
                SensorReading r = Json.read(m.payload(), SensorReading.class);
                if (!r.sensorId().equals(device) || !r.siteId().equals(site)) {
                    throw new IllegalArgumentException("reading names " + r.siteId() + "/" + r.sensorId()
                            + " but the topic names " + site + "/" + device);
                }
                checkTime(r.timestampMs());
                readings.inc();
                ctx.output(READINGS, r);
            }
        } catch (RuntimeException e) {
            rejected.inc();
            ctx.output(DeadLetters.TAG, DeadLetters.of("decode", e.getMessage(), m.topic(), m.payload()));
        }
    }

    /** A gateway's heartbeat: a JSON object naming the topic's site, a boot id and a time. */
    private org.nce.model.GatewayHealth heartbeat(String site, byte[] payload) {
        if (payload.length > MAX_HEARTBEAT_BYTES) {
            throw new IllegalArgumentException("heartbeat of " + payload.length + " bytes exceeds the limit of " + MAX_HEARTBEAT_BYTES);
        }
        com.fasterxml.jackson.databind.JsonNode h;
        try {
            h = org.nce.model.Json.MAPPER.readTree(payload);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("heartbeat is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (h == null || !h.isObject()) {
            throw new IllegalArgumentException("heartbeat is not a JSON object");
        }
        if (!site.equals(h.path("site_id").asText())) {
            throw new IllegalArgumentException("heartbeat names site '" + shown(h.path("site_id").asText()) + "' but the topic names '" + shown(site) + "'");
        }
        String boot = h.path("boot_id").asText();
        if (!Frame.BOOT_ID.matcher(boot).matches()) {
            throw new IllegalArgumentException("heartbeat has no valid boot_id");
        }
        long time = h.path("time_ms").asLong();
        checkTime(time); // a heartbeat from the future would show its gateway online for ever
        return new org.nce.model.GatewayHealth(site, boot, time, new String(payload, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A device-given name as a reason shows it: cut, so a 32 KB topic level cannot bloat every message. */
    private static String shown(String name) {
        return name.length() <= 64 ? name : name.substring(0, 64) + "… (" + name.length() + " characters)";
    }

    private void checkSize(JpegHeader.Size s) {
        if (s.pixels() > maxFramePixels) {
            throw new IllegalArgumentException("JPEG header claims " + s.width() + "x" + s.height() + " ("
                    + s.pixels() + " pixels), over the limit of " + maxFramePixels + " (job.max_frame_pixels); not decoded");
        }
        if (Math.min(s.width(), s.height()) < minFrameSide) {
            throw new IllegalArgumentException("frame of " + s.width() + "x" + s.height()
                    + " is too small to analyse (job.min_frame_side " + minFrameSide + ")");
        }
    }

    private void checkTime(long ts) {
        long now = System.currentTimeMillis();
        if (ts > now + maxClockSkewMs) {
            // No "now" in the reason: the dead letter's id hashes it, and a redelivery must keep its id.
            throw new IllegalArgumentException("timestamp " + ts + " is in the future (clock skew beyond "
                    + maxClockSkewMs / 1000 + " s)");
        }
        if (ts < now - maxAgeMs) {
            throw new IllegalArgumentException("timestamp " + ts + " is older than the accepted age of "
                    + maxAgeMs / 3_600_000 + " h");
        }
    }
}
