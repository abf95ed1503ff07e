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
    void unknownKeysAreRejected() {
        Exception e = assertThrows(Exception.class, () -> PipelineConfig.parse("mqtt:\n  sever_uri: tcp://x:1\n"));
        assertTrue(e.getMessage().contains("sever_uri"), e.getMessage());
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
