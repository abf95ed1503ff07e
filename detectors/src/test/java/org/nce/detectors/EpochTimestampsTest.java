package org.nce.detectors;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.nce.detectors.dog.DogConfig;
import org.nce.detectors.dog.UnleashedDogDetector;
import org.nce.detectors.synthetic.DogScene;
import org.nce.detectors.synthetic.SceneObjectDetector;
import org.nce.detectors.synthetic.Scenes;
import org.nce.detectors.synthetic.SyntheticScene;
import org.nce.model.Detection;

/**
 * Detectors as the pipeline drives them: capture times in epoch milliseconds (not from 0), frames
 * paced with jitter and passed through JPEG, at the demo's 8 fps. The evaluation harness starts
 * clips at time 0, so this is where precision loss on large timestamps would show.
 */
class EpochTimestampsTest {
    static final long EPOCH = 1_795_000_000_000L;

    static List<Detection> run(Detector d, SyntheticScene scene, double fps) {
        Random jitter = new Random(3);
        List<Detection> out = new ArrayList<>();
        long t = EPOCH;
        try (IntPointer q = new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 80)) {
            for (int i = 0; i < scene.frameCount(); i++) {
                t += Math.round(1000 / fps * (0.85 + 0.3 * jitter.nextDouble()));
                try (Mat raw = scene.render(i); BytePointer buf = new BytePointer()) {
                    opencv_imgcodecs.imencode(".jpg", raw, buf, q);
                    try (Mat enc = new Mat(buf); Mat frame = opencv_imgcodecs.imdecode(enc, opencv_imgcodecs.IMREAD_COLOR)) {
                        out.addAll(d.detect(frame, new FrameMeta("cam", i, t, fps)));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void openBurningConfirmsTheSyntheticFire() {
        try (Detector d = DetectorFactory.create("open_burning", Map.of())) {
            assertFalse(run(d, Scenes.byName("open-fire"), 8).isEmpty());
        }
    }

    @Test
    void muckDumpingConfirmsTheSyntheticPile() {
        try (Detector d = DetectorFactory.create("muck_dumping", Map.of())) {
            assertFalse(run(d, Scenes.byName("muck-dumping"), 8).isEmpty());
        }
    }

    @Test
    void unleashedDogConfirmsTheDogAlone() {
        try (Detector d = new UnleashedDogDetector(DogConfig.defaults(), new SceneObjectDetector())) {
            assertFalse(run(d, new DogScene(DogScene.Variant.DOG_ALONE, 7), 8).isEmpty());
        }
    }
}
