package org.nce.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
    @Test
    void defaultsAreTheIssuesOnes() throws Exception {
        GatewayConfig c = GatewayConfig.parse("""
                site: site-a
                cameras: [{id: cam-1, source: "scene:open-fire"}]
                """);
        GatewayConfig.Camera cam = c.cameras().get(0);
        assertEquals(2.0, cam.sampleFps());
        assertEquals(640, cam.longEdge());
        assertEquals(80, cam.jpegQuality());
        assertEquals(10, cam.stallSeconds());
        assertEquals("tcp://127.0.0.1:1883", c.mqtt().serverUri());
        assertEquals(9212, c.hj212().port());
        assertEquals("fsync", c.outbox().durability());
        assertTrue(c.problems().isEmpty(), c.problems().toString());
    }

    @Test
    void theSampleConfigurationIsValidButForItsCaFile() throws Exception {
        GatewayConfig c = GatewayConfig.load(java.nio.file.Path.of("../deploy/config/gateway.sample.yaml"));
        // The sample names a CA under /etc/nce that this machine does not have: that, and only that.
        assertEquals(List.of("mqtt.tls.ca_file: no such file /etc/nce/broker-ca.pem"), c.problems());
        assertEquals("CGJ-SB-2026-0117", c.cameras().get(0).audit().reviewId());
        assertEquals(2, c.hj212().devices().size());
    }

    @Test
    void theLocalTryOutConfigurationIsValid() throws Exception {
        GatewayConfig c = GatewayConfig.load(java.nio.file.Path.of("../deploy/config/gateway.local.yaml"));
        assertEquals(List.of(), c.problems());
        assertEquals(List.of("mqtt.password_env: environment variable NCE_MQTT_GATEWAY_PASSWORD (the broker password) is not set"),
                c.missingSecrets(java.util.Map.of("NCE_HJ212_LOCAL_PW", "x")::get));
    }

    @Test
    void unknownKeysAreRefused() {
        Exception e = assertThrows(Exception.class, () -> GatewayConfig.parse("site: s\ncamras: []\n"));
        assertTrue(e.getMessage().contains("camras"), e.getMessage());
    }

    @Test
    void everyProblemIsNamedAtOnce() throws Exception {
        GatewayConfig c = GatewayConfig.parse("""
                site: "site/a"
                mqtt: {server_uri: "ssl://broker:8883"}
                cameras: [{id: "cam 1", sample_fps: 0, jpeg_quality: 3}]
                hj212:
                  devices:
                    - {id: n1, mn: "MN 1", kind: noise, zone_class: "5"}
                    - {id: f1, mn: F1, kind: lampblack, password_env: X, factors: {fan: FJ}}
                  simulate: [{device: nope, profile: quiet}]
                """);
        List<String> p = c.problems();
        for (String key : List.of("site:", "mqtt.tls.ca_file", "cameras[0].id", "cameras[0].source", "cameras[0].sample_fps",
                "cameras[0].jpeg_quality", "hj212.devices[0].mn", "hj212.devices[0].password_env", "hj212.devices[0].zone_class",
                "hj212.devices[1].factors.concentration", "hj212.simulate[0].device")) {
            assertTrue(p.stream().anyMatch(x -> x.startsWith(key)), key + " not in " + p);
        }
    }
}
