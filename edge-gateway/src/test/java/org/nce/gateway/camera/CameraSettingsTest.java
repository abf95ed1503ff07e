package org.nce.gateway.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CameraSettingsTest {
    @Test
    void defaults() {
        CameraSettings s = CameraSettings.of("gate-1", "rtsp://cam/stream");
        assertEquals(2.0, s.sampleFps());
        assertEquals(640, s.longEdge());
        assertEquals(80, s.jpegQuality());
        assertTrue(s.loop());
        assertEquals(10, s.stallSeconds());
        assertEquals(List.of(), s.problems());
        assertEquals(CameraSettings.Kind.RTSP, s.kind());
    }

    @Test
    void sourceKinds() {
        assertEquals(CameraSettings.Kind.HTTP, CameraSettings.of("c", "http://10.0.0.2/mjpg/video.mjpg").kind());
        assertEquals(CameraSettings.Kind.HTTP, CameraSettings.of("c", "HTTPS://cam/video").kind());
        assertEquals(CameraSettings.Kind.RTMP, CameraSettings.of("c", "rtmp://srv/live/cam").kind());
        assertEquals(CameraSettings.Kind.SCENE, CameraSettings.of("c", "scene:fire").kind());
        assertEquals(CameraSettings.Kind.FILE, CameraSettings.of("c", "/data/gate.mp4").kind());
        assertTrue(CameraSettings.Kind.HTTP.live());
        assertTrue(!CameraSettings.Kind.FILE.live());
    }

    @Test
    void everyInvalidFieldIsNamedAtOnce() {
        CameraSettings bad = new CameraSettings("bad id!", "ftp://cam/x", 0, 10, 101, false, 0);
        List<String> problems = bad.problems();
        assertEquals(6, problems.size(), problems::toString);
        for (String key : List.of("id:", "source:", "sample_fps:", "long_edge:", "jpeg_quality:", "stall_seconds:")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(key)), key + " missing from " + problems);
        }
        assertEquals(1, CameraSettings.of("c", null).problems().size());
        assertEquals(1, CameraSettings.of("c", "scene:").problems().size());
        assertEquals(1, CameraSettings.of("c", "x").withSampleFps(31).problems().size());
        assertEquals(1, CameraSettings.of("c", "x").withSampleFps(Double.NaN).problems().size());
    }

    @Test
    void captureRefusesInvalidSettingsWithEveryProblem() {
        CameraSettings bad = CameraSettings.of("c", "x").withJpegQuality(5).withStallSeconds(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CameraCapture("site", "boot", bad, f -> { }));
        assertTrue(e.getMessage().contains("jpeg_quality") && e.getMessage().contains("stall_seconds"), e.getMessage());
    }
}
