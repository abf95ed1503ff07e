package org.nce.detectors.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class ScenesTest {
    @Test
    void everyNamedSceneRenders() {
        for (String name : Scenes.names()) {
            SyntheticScene s = Scenes.byName(name);
            try (Mat m = s.render(0)) {
                assertEquals(s.width(), m.cols(), name);
                assertEquals(s.height(), m.rows(), name);
                assertEquals(3, m.channels(), name);
            }
            assertTrue(s.frameCount() > 0 && s.fps() > 0, name);
        }
    }

    @Test
    void unknownSceneListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scenes.byName("volcano"));
        assertTrue(e.getMessage().contains("open-fire"), e.getMessage());
    }
}
