package org.nce.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineConfigTest {
    @Test
    void defaultsFillAnEmptyFile() throws Exception {
        PipelineConfig c = PipelineConfig.parse("{}");
        assertEquals("tcp://127.0.0.1:1883", c.mqtt().serverUri());
        assertEquals(1, c.mqtt().qos());
        assertEquals(1000, c.mqtt().receiveMaximum());
        assertEquals("nce-evidence", c.s3().bucket());
        assertTrue(c.problems().isEmpty(), c.problems().toString());
    }

    @Test
    void theSampleConfigurationIsValid() throws Exception {
        PipelineConfig c = PipelineConfig.load(java.nio.file.Path.of("../deploy/config/pipeline.sample.yaml"));
        assertTrue(c.problems().isEmpty(), c.problems().toString());
        assertEquals(3, c.sensors().size());
    }

    @Test
    void detectorParametersAreCheckedWithTheirKeys() throws Exception {
        PipelineConfig c = PipelineConfig.parse("""
                cameras:
                  - {id: cam-1, site: s, detectors: [{type: open_burning, params: {flame_confirm_secs: 3}}]}
                """);
        assertTrue(c.problems().stream().anyMatch(x -> x.startsWith("cameras[0].detectors[0].params") && x.contains("flame_confirm_secs")),
                c.problems().toString());
    }

    @Test
    void motionGateSettingsAreCheckedWithTheirKeys() throws Exception {
        PipelineConfig c = PipelineConfig.parse("""
                cameras:
                  - {id: cam-1, site: s, motion_gate: {heartbeat_ms: 60000}}
                  - {id: cam-2, site: s, motion_gate: {hartbeat_ms: 1000}}
                  - {id: cam-3, site: s, motion_gate: {heartbeat_ms: }}
                  - {id: cam-4, site: s, motion_gate: {enabled: false, heartbeat_ms: 4000}}
                """);
        List<String> p = c.problems();
        assertTrue(p.stream().anyMatch(x -> x.startsWith("cameras[0].motion_gate: heartbeat_ms must be in [1, 5000]")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("cameras[1].motion_gate") && x.contains("hartbeat_ms")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("cameras[2].motion_gate") && x.contains("heartbeat_ms")), p.toString());
        assertTrue(p.stream().noneMatch(x -> x.startsWith("cameras[3]")), p.toString());
        assertEquals(false, c.cameras().get(3).motionGateConfig().enabled());
    }

    /** Finding: bad values used to be replaced silently (parallelism -3 became 1). Now each is a problem. */
    @Test
    void badValuesAreProblemsNeverReplaced() throws Exception {
        PipelineConfig c = PipelineConfig.parse("""
                job: {parallelism: -3, checkpoint_interval_ms: 0, max_frame_pixels: 0, state_backend: memory, checkpoint_dir: /tmp/x}
                evidence: {pre_event_frames: -1, flush_after_ms: 0}
                cases: {merge_window_hours: 0, max_alerts_per_case: 0}
                """);
        List<String> p = c.problems();
        for (String key : List.of("job.parallelism", "job.checkpoint_interval_ms", "job.max_frame_pixels", "job.state_backend",
                "job.checkpoint_dir", "evidence.pre_event_frames", "evidence.flush_after_ms", "cases.merge_window_hours",
                "cases.max_alerts_per_case")) {
            assertTrue(p.stream().anyMatch(x -> x.startsWith(key + ":")), key + " in " + p);
        }
        assertEquals(-3, c.job().parallelism(), "kept as written, so the problem names what was written");
    }

    @Test
    void unknownKeysAreRejected() {
        Exception e = assertThrows(Exception.class, () -> PipelineConfig.parse("mqtt:\n  sever_uri: tcp://x:1\n"));
        assertTrue(e.getMessage().contains("sever_uri"), e.getMessage());
    }

    /** QoS 2 would lose messages over a restart (Paho completes its handshake before the checkpoint): refused, with why. */
    @Test
    void qos2IsRefusedWithTheReason() throws Exception {
        PipelineConfig c = PipelineConfig.parse("mqtt: {server_uri: \"tcp://localhost:1883\", qos: 2}\n");
        assertTrue(c.problems().stream().anyMatch(x -> x.startsWith("mqtt.qos") && x.contains("lose messages")), c.problems().toString());
    }

    @Test
    void everyProblemIsListedAtOnceWithItsKey() throws Exception {
        PipelineConfig c = PipelineConfig.parse("""
                mqtt: {server_uri: "localhost:1883", qos: 5, receive_maximum: 0}
                s3: {bucket: "Bad_Bucket"}
                cases: {timezone: "Mars/Olympus"}
                cameras:
                  - {id: cam-1, site: s, detectors: [{type: arson}]}
                  - {id: cam-1}
                sensors:
                  - {id: n1, site: s, kind: noise, standard: gb3096, zone_class: "9"}
                """);
        List<String> p = c.problems();
        assertTrue(p.stream().anyMatch(x -> x.startsWith("mqtt.server_uri")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("mqtt.qos")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("mqtt.receive_maximum")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("s3.bucket")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("cases.timezone")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("cameras[0].detectors[0].type") && x.contains("open_burning")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("cameras[1].id: duplicate")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("cameras[1].site")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("sensors[0]: zone_class")), p.toString());
    }
}
