package org.nce.gateway.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.nce.detectors.synthetic.FireScene;

class SceneFrameSourceTest {
    @Test
    void playsOnceOrLoops() throws Exception {
        FireScene scene = new FireScene(1, 128, 96, 10, 3, 1);
        try (SceneFrameSource once = new SceneFrameSource(scene, false)) {
            for (int i = 0; i < 3; i++) {
                try (Mat m = once.next()) {
                    assertNotNull(m);
                    assertEquals(128, m.cols());
                }
            }
            assertNull(once.next());
        }
        try (SceneFrameSource loop = new SceneFrameSource(scene, true)) {
            for (int i = 0; i < 7; i++) {
                try (Mat m = loop.next()) {
                    assertNotNull(m);
                }
            }
            assertEquals(10.0, loop.fps());
        }
    }
}
