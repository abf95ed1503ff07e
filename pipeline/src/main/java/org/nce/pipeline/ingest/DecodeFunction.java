package org.nce.pipeline.ingest;

import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.nce.model.Frame;
import org.nce.model.FrameCodec;
import org.nce.model.Json;
import org.nce.model.SensorReading;
import org.nce.model.Topics;
import org.nce.pipeline.mqtt.MqttRecord;

/**
 * Turns raw MQTT messages into frames (main output) and sensor readings (side output). Anything it
 * cannot trust goes to the dead-letter output with the reason and is counted: unknown topics and
 * devices, a device publishing under another site, malformed JSON or frame envelopes, truncated
 * JPEGs, oversized payloads, and timestamps too far in the future (clock skew) or the past.
 */
public class DecodeFunction extends ProcessFunction<MqttRecord, Frame> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<SensorReading> READINGS = new OutputTag<>("readings",
            org.apache.flink.api.common.typeinfo.TypeInformation.of(SensorReading.class));
    static final int MAX_READING_BYTES = 64 * 1024;

    private final Map<String, String> siteByDevice;
    private final long maxClockSkewMs;
    private final long maxAgeMs;
    private transient Counter frames;
    private transient Counter readings;
    private transient Counter rejected;

    /** {@code siteByDevice}: every registered camera and sensor id with the site it belongs to. */
    public DecodeFunction(Map<String, String> siteByDevice, long maxClockSkewMs, long maxAgeMs) {
        this.siteByDevice = Map.copyOf(siteByDevice);
        this.maxClockSkewMs = maxClockSkewMs;
        this.maxAgeMs = maxAgeMs;
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
                throw new IllegalArgumentException("unknown topic (expected nce/<site>/camera/<id>/frame or nce/<site>/sensor/<id>/reading)");
            }
            String device = topic.device();
            String site = topic.site();
            String registeredSite = siteByDevice.get(device);
            if (registeredSite == null) {
                throw new IllegalArgumentException("unknown device '" + device + "' (not in the pipeline's cameras or sensors)");
            }
            if (!registeredSite.equals(site)) {
                throw new IllegalArgumentException("device '" + device + "' belongs to site '" + registeredSite
                        + "' but published under site '" + site + "'");
            }
            if (kind == Topics.Kind.FRAME) {
                Frame f = FrameCodec.decode(m.payload());
                if (!f.cameraId().equals(device) || !f.siteId().equals(site)) {
                    throw new IllegalArgumentException("frame header names " + f.siteId() + "/" + f.cameraId()
                            + " but the topic names " + site + "/" + device);
                }
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

    private void checkTime(long ts) {
        long now = System.currentTimeMillis();
        if (ts > now + maxClockSkewMs) {
            throw new IllegalArgumentException("timestamp " + ts + " is " + (ts - now) / 1000
                    + " s in the future (clock skew beyond " + maxClockSkewMs / 1000 + " s)");
        }
        if (ts < now - maxAgeMs) {
            throw new IllegalArgumentException("timestamp " + ts + " is older than the accepted age of "
                    + maxAgeMs / 3_600_000 + " h");
        }
    }
}
