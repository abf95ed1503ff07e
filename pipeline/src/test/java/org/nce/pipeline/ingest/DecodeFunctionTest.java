package org.nce.pipeline.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nce.model.Frame;
import org.nce.model.FrameCodec;
import org.nce.model.Topics;
import org.nce.pipeline.mqtt.MqttRecord;

class DecodeFunctionTest {
    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, 9, 9, (byte) 0xFF, (byte) 0xD9};
    OneInputStreamOperatorTestHarness<MqttRecord, Frame> harness;

    @BeforeEach
    void setUp() throws Exception {
        DecodeFunction fn = new DecodeFunction(Map.of("cam-1", "site-a", "noise-1", "site-a"), 60_000, 3_600_000);
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

    private List<String> reasons() {
        return harness.getSideOutput(DeadLetters.TAG) == null ? List.of()
                : harness.getSideOutput(DeadLetters.TAG).stream().map(r -> r.getValue().reason()).toList();
    }

    @Test
    void passesGoodFramesAndReadings() throws Exception {
        long now = System.currentTimeMillis();
        send(Topics.frame("site-a", "cam-1"), FrameCodec.encode(new Frame("site-a", "cam-1", 1, now, 2, 2, JPEG)));
        send(Topics.reading("site-a", "noise-1"), ("{\"site_id\":\"site-a\",\"sensor_id\":\"noise-1\",\"kind\":\"noise\",\"timestamp_ms\":"
                + now + ",\"value\":61.5}").getBytes(StandardCharsets.UTF_8));
        assertEquals(1, harness.extractOutputValues().size());
        assertEquals(1, harness.getSideOutput(DecodeFunction.READINGS).size());
        assertTrue(reasons().isEmpty(), reasons().toString());
    }

    @Test
    void deadLettersEveryKindOfBadInputWithItsReason() throws Exception {
        long now = System.currentTimeMillis();
        byte[] frame = FrameCodec.encode(new Frame("site-a", "cam-1", 1, now, 2, 2, JPEG));
        send(Topics.reading("site-a", "noise-1"), "{\"site_id\": \"site-a\", \"value\": ".getBytes(StandardCharsets.UTF_8));
        send(Topics.frame("site-a", "cam-1"), Arrays.copyOf(frame, frame.length - 2));
        send(Topics.reading("site-a", "noise-9"), "{}".getBytes(StandardCharsets.UTF_8));
        send(Topics.frame("site-b", "cam-1"), frame);
        send("nce/site-a/thermostat/t1/reading", "{}".getBytes(StandardCharsets.UTF_8));
        send(Topics.frame("site-a", "cam-1"), FrameCodec.encode(new Frame("site-a", "cam-1", 2, now + 3_600_000, 2, 2, JPEG)));
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
}
