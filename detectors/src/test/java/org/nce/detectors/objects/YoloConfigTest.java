package org.nce.detectors.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class YoloConfigTest {

    private static void rejects(String key, Runnable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
        assertTrue(e.getMessage().contains(key), () -> "message should name " + key + ": " + e.getMessage());
    }

    @Test
    void defaultsHaveNoModelAndSayWhy() {
        YoloConfig d = YoloConfig.defaults();
        assertNull(d.modelPath());
        assertEquals(320, d.inputSize());
        assertFalse(d.problems().isEmpty());
        assertTrue(d.problems().get(0).contains("model_path"));
    }

    @Test
    void rejectsBadValuesNamingTheKey() {
        rejects("input_size", () -> YoloConfig.defaults().withInputSize(300));
        rejects("input_size", () -> YoloConfig.defaults().withInputSize(0));
        rejects("score_threshold", () -> YoloConfig.defaults().withScoreThreshold(0));
        rejects("score_threshold", () -> YoloConfig.defaults().withScoreThreshold(1.5));
        rejects("nms_threshold", () -> new YoloConfig(null, null, null, 320, 0.25, -0.1));
        rejects("model_path", () -> YoloConfig.darknet("model.bin", null, null));
        rejects("weights_path", () -> YoloConfig.darknet("a.cfg", null, null));
        rejects("weights_path", () -> YoloConfig.darknet("a.onnx", "a.weights", null));
        rejects("weights_path", () -> YoloConfig.darknet(null, "a.weights", null));
    }

    @Test
    void missingFilesAreProblemsNotConfigErrors() {
        YoloConfig c = YoloConfig.darknet("/nonexistent/a.cfg", "/nonexistent/a.weights", null);
        assertTrue(c.usesDarknet());
        assertEquals(2, c.problems().size(), c.problems()::toString);
        assertTrue(new YoloConfig("/nonexistent/a.onnx", "", " ", 416, 0.3, 0.5).problems().get(0)
                .contains("model_path"));
    }
}
