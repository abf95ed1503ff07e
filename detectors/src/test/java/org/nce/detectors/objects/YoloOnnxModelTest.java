package org.nce.detectors.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.detectors.objects.ObjectDetector.DetectedObject;
import org.nce.model.Box;

/**
 * The ONNX path end to end through OpenCV's own importer: a real (tiny) ONNX file in each of the
 * two exported-YOLO layouts, loaded by {@link YoloObjectDetector} from a config, run on a frame.
 */
class YoloOnnxModelTest {

    @TempDir
    Path dir;

    /** One candidate: a dog centred at input (80, 160), 40x20 px of the 320 input. */
    private static float[] row(boolean objectness) {
        int first = objectness ? 5 : 4;
        float[] r = new float[first + 80];
        r[0] = 80;
        r[1] = 160;
        r[2] = 40;
        r[3] = 20;
        if (objectness) {
            r[4] = 0.5f;   // YOLOv5: objectness, multiplied into the raw class score
            r[first + CocoClasses.DOG] = 0.9f;
        } else {
            r[first + CocoClasses.DOG] = 0.45f;
        }
        return r;
    }

    private static List<DetectedObject> run(Path model) {
        YoloConfig config = new YoloConfig(model.toString(), null, null, 320, 0.25, 0.45);
        try (YoloObjectDetector yolo = new YoloObjectDetector(config);
             Mat frame = new Mat(480, 640, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(90, 120, 60, 0))) {
            return yolo.detect(frame);
        }
    }

    private static void assertTheDog(List<DetectedObject> found) {
        assertEquals(1, found.size(), found::toString);
        DetectedObject dog = found.get(0);
        assertEquals(CocoClasses.DOG, dog.classId());
        assertEquals("dog", dog.className());
        assertEquals(0.45, dog.score(), 1e-5);
        // 320 input -> 640x480 frame: x scales by 2, y by 1.5.
        assertEquals(new Box(120, 225, 80, 30), dog.box());
    }

    @Test
    void yolov5LayoutOnnxModelFindsTheDog() throws Exception {
        Path model = TinyOnnxModel.write(dir.resolve("v5.onnx"), 320, row(true), new long[] {1, 1, 85});
        assertTheDog(run(model));
    }

    @Test
    void yolov8LayoutOnnxModelFindsTheDog() throws Exception {
        Path model = TinyOnnxModel.write(dir.resolve("v8.onnx"), 320, row(false), new long[] {1, 84, 1});
        assertTheDog(run(model));
    }
}
