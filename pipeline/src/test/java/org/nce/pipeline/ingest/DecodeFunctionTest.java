package org.nce.pipeline.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nce.model.DeadLetter;
import org.nce.model.Frame;
import org.nce.model.FrameCodec;
import org.nce.model.Topics;
import org.nce.pipeline.config.PipelineConfig.JobConfig;
import org.nce.pipeline.mqtt.MqttRecord;

class DecodeFunctionTest {
    static final byte[] JPEG = jpeg(64, 48);
    OneInputStreamOperatorTestHarness<MqttRecord, Frame> harness;

    static byte[] jpeg(int w, int h) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "jpg", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JPEG of a few hundred bytes whose frame header (SOF0) claims {@code w}x{@code h}. */
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

    static Frame frame(long seq, long ts, byte[] jpeg) {
        return new Frame("site-a", "cam-1", "boot1", seq, ts, 64, 48, jpeg);
    }

    @BeforeEach
    void setUp() throws Exception {
        DecodeFunction fn = new DecodeFunction(Map.of("cam-1", "site-a"), Map.of("noise-1", "site-a"),
                new JobConfig(null, null, 60_000L, 3_600_000L, null, null, null, null));
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(fn));
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(String topic, byte[] payload) throws Exception {
        harness.processElement(new StreamRecord<>(new MqttRecord(topic, payload, 1, false, System.currentTimeMillis())));
    }

    private List<DeadLetter> deadLetters() {
        return harness.getSideOutput(DeadLetters.TAG) == null ? List.of()
                : harness.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
    }

    private List<String> reasons() {
        return deadLetters().stream().map(DeadLetter::reason).toList();
    }

    @Test
    void passesGoodFramesAndReadings() throws Exception {
        long now = System.currentTimeMillis();
        send(Topics.frame("site-a", "cam-1"), FrameCodec.encode(frame(1, now, JPEG)));
        send(Topics.reading("site-a", "noise-1"), ("{\"site_id\":\"site-a\",\"sensor_id\":\"noise-1\",\"kind\":\"noise\",\"timestamp_ms\":"
                + now + ",\"value\":61.5}").getBytes(StandardCharsets.UTF_8));
        assertEquals(1, harness.extractOutputValues().size());
        assertEquals(1, harness.getSideOutput(DecodeFunction.READINGS).size());
        assertTrue(reasons().isEmpty(), reasons().toString());
    }

    @Test
    void aGatewayHeartbeatGoesToTheHealthStreamAndABadOneToTheDeadLetters() throws Exception {
        long now = System.currentTimeMillis();
        String hb = "{\"site_id\":\"site-a\",\"boot_id\":\"b1\",\"time_ms\":" + now + ",\"cameras\":[{\"id\":\"cam-1\",\"fps\":2.0}]}";
        send(Topics.gatewayHeartbeat("site-a"), hb.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(1, harness.getSideOutput(DecodeFunction.HEARTBEATS).size());
        assertEquals("site-a:b1:" + now, harness.getSideOutput(DecodeFunction.HEARTBEATS).peek().getValue().documentId());
        send(Topics.gatewayHeartbeat("site-b"), hb.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        send(Topics.gatewayHeartbeat("site-a"), "[1,2]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        send(Topics.gatewayHeartbeat("site-a"), "{\"site_id\":".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        send(Topics.gatewayHeartbeat("site-a"), hb.replace(Long.toString(now), Long.toString(now + 86_400_000L))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        List<String> reasons = deadLetters().stream().map(d -> d.reason()).toList();
        assertEquals(4, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).contains("names site 'site-a' but the topic names 'site-b'"), reasons.get(0));
        assertTrue(reasons.get(1).contains("not a JSON object"), reasons.get(1));
        assertTrue(reasons.get(2).contains("not JSON"), reasons.get(2));
    }

    @Test
    void deadLettersEveryKindOfBadInputWithItsReason() throws Exception {
        long now = System.currentTimeMillis();
        byte[] frame = FrameCodec.encode(frame(1, now, JPEG));
        send(Topics.reading("site-a", "noise-1"), "{\"site_id\": \"site-a\", \"value\": ".getBytes(StandardCharsets.UTF_8));
        send(Topics.frame("site-a", "cam-1"), Arrays.copyOf(frame, frame.length - 2));
        send(Topics.reading("site-a", "noise-9"), "{}".getBytes(StandardCharsets.UTF_8));
        send(Topics.frame("site-b", "cam-1"), frame);
        send("nce/site-a/thermostat/t1/reading", "{}".getBytes(StandardCharsets.UTF_8));
        send(Topics.frame("site-a", "cam-1"), FrameCodec.encode(frame(2, now + 3_600_000, JPEG)));
        send(Topics.reading("site-a", "noise-1"), new byte[DecodeFunction.MAX_READING_BYTES + 1]);

        List<String> reasons = reasons();
        assertEquals(7, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).startsWith("bad SensorReading JSON"), reasons.get(0));
        assertTrue(reasons.get(1).contains("truncated"), reasons.get(1));
        assertTrue(reasons.get(2).contains("unknown device 'noise-9'"), reasons.get(2));
        assertTrue(reasons.get(3).contains("belongs to site 'site-a'"), reasons.get(3));
        assertTrue(reasons.get(4).contains("unknown topic"), reasons.get(4));
        assertTrue(reasons.get(5).contains("clock skew"), reasons.get(5));
        assertTrue(reasons.get(6).contains("exceeds the limit"), reasons.get(6));
        assertTrue(harness.extractOutputValues().isEmpty());
    }

    /** What a hostile reviewer fed the job: each is a dead letter with its reason, and nothing is decoded. */
    @Test
    void poisonPillsBecomeDeadLettersBeforeAnythingDecodesThem() throws Exception {
        long now = System.currentTimeMillis();
        byte[] claims40k = lyingJpeg(40000, 40000);
        assertTrue(claims40k.length < 1000, "a few hundred bytes: " + claims40k.length);
        send(Topics.frame("site-a", "cam-1"), FrameCodec.encode(frame(1, now, claims40k)));
        send(Topics.frame("site-a", "cam-1"), FrameCodec.encode(frame(2, now, lyingJpeg(16000, 16000))));
        send(Topics.frame("site-a", "cam-1"), FrameCodec.encode(frame(3, now, jpeg(4, 4))));
        send(Topics.frame("site-a", "cam-1"), FrameCodec.encode(frame(4, now,
                new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9})));
        String reading = "{\"site_id\":\"site-a\",\"sensor_id\":\"noise-1\",\"kind\":\"noise\",\"timestamp_ms\":" + now + ",";
        send(Topics.reading("site-a", "noise-1"), (reading + "\"value\":1e308}").getBytes(StandardCharsets.UTF_8));
        send(Topics.reading("site-a", "noise-1"), (reading + "\"value\":\"61.5\"}").getBytes(StandardCharsets.UTF_8));
        send(Topics.reading("site-a", "noise-1"), (reading + "\"value\":50,\"value\":90}").getBytes(StandardCharsets.UTF_8));
        String longTopic = "nce/site-a/camera/" + "x".repeat(40_000) + "/frame";
        send(longTopic, new byte[] {1});
        send(Topics.reading("site-a", "cam-1"), (reading.replace("noise-1", "cam-1") + "\"value\":50}").getBytes(StandardCharsets.UTF_8));

        List<String> reasons = reasons();
        assertEquals(9, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).contains("40000x40000") && reasons.get(0).contains("not decoded"), reasons.get(0));
        assertTrue(reasons.get(1).contains("16000x16000"), reasons.get(1));
        assertTrue(reasons.get(2).contains("too small"), reasons.get(2));
        assertTrue(reasons.get(3).contains("marker"), reasons.get(3));
        assertTrue(reasons.get(4).contains("outside what a noise sensor can report"), reasons.get(4));
        assertTrue(reasons.get(5).contains("value"), reasons.get(5));
        assertTrue(reasons.get(6).contains("Duplicate field"), reasons.get(6));
        assertTrue(reasons.get(7).contains("unknown device") && reasons.get(7).contains("cut to 512"), reasons.get(7));
        assertTrue(reasons.get(8).contains("is a camera but published on a sensor topic"), reasons.get(8));
        assertTrue(deadLetters().get(7).topic().length() <= DeadLetters.MAX_TEXT);
        assertTrue(harness.extractOutputValues().isEmpty());
        assertTrue(harness.getSideOutput(DecodeFunction.READINGS) == null || harness.getSideOutput(DecodeFunction.READINGS).isEmpty());
    }

    @Test
    void aRedeliveredDeadLetterKeepsItsIdAndADifferentOneDoesNot() throws Exception {
        send("nce/x", new byte[] {1, 2});
        Thread.sleep(2); // another wall-clock millisecond: the id must not depend on it
        send("nce/x", new byte[] {1, 2});
        send("nce/x", new byte[] {1, 3});
        List<DeadLetter> d = deadLetters();
        assertEquals(DeadLetters.id(d.get(0)), DeadLetters.id(d.get(1)));
        assertNotEquals(DeadLetters.id(d.get(0)), DeadLetters.id(d.get(2)));
    }
}
