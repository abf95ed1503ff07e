package org.nce.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
    @Test
    void readsTheDemoShapeWithDefaults() throws Exception {
        GatewayConfig c = GatewayConfig.parse("""
                site: site-a
                cameras: [{id: cam-1, source: "scene:open-fire"}]
                sensors: [{id: n1, kind: noise, profile: night-construction}]
                """);
        assertEquals(10.0, c.cameras().get(0).fps());
        assertEquals(80, c.cameras().get(0).jpegQuality());
        assertEquals(1000, c.sensors().get(0).intervalMs());
        assertEquals("tcp://127.0.0.1:1883", c.mqtt().serverUri());
        assertTrue(c.problems().isEmpty(), c.problems().toString());
    }

    @Test
    void theSampleConfigurationIsValid() throws Exception {
        GatewayConfig c = GatewayConfig.load(java.nio.file.Path.of("../deploy/config/gateway.sample.yaml"));
        assertTrue(c.problems().isEmpty(), c.problems().toString());
    }

    @Test
    void unknownKeysAreRejected() {
        Exception e = assertThrows(Exception.class, () -> GatewayConfig.parse("site: s\ncamras: []\n"));
        assertTrue(e.getMessage().contains("camras"), e.getMessage());
    }

    @Test
    void everyProblemIsNamed() throws Exception {
        GatewayConfig c = GatewayConfig.parse("""
                site: "site/a"
                cameras: [{id: "cam 1", fps: 0, jpeg_quality: 3}]
                sensors: [{id: n1, kind: noise, profile: disco, interval_ms: 10}]
                """);
        List<String> p = c.problems();
        assertTrue(p.stream().anyMatch(x -> x.startsWith("site:")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("cameras[0].id")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("cameras[0].source")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("cameras[0].fps")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("cameras[0].jpeg_quality")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("sensors[0]: unknown sensor kind/profile")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("sensors[0].interval_ms")), p.toString());
    }
}
