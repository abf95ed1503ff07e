package org.nce.detectors.objects;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.nce.detectors.objects.ObjectDetector.DetectedObject;
import org.nce.model.Box;

/** Checks the decoder against the Darknet sample images whose expected objects PROVENANCE.md lists. */
class YoloObjectDetectorTest {

    private static YoloConfig model(String name) {
        Path dir = TestFiles.models();
        assumeTrue(dir != null && Files.isRegularFile(dir.resolve(name + ".weights")), "no YOLO test model");
        return YoloConfig.darknet(dir.resolve(name + ".cfg").toString(), dir.resolve(name + ".weights").toString(),
                dir.resolve("coco.names").toString());
    }

    private static List<DetectedObject> run(String model, String image) {
        Path img = TestFiles.root().resolve("models/test_images").resolve(image);
        assumeTrue(Files.isRegularFile(img), "no test image " + img);
        try (YoloObjectDetector yolo = new YoloObjectDetector(model(model)); Mat bgr = imread(img.toString())) {
            List<DetectedObject> found = yolo.detect(bgr);
            System.out.println(model + " " + image + ": " + found);
            return found;
        }
    }

    private static boolean has(List<DetectedObject> found, int cls, Box near) {
        return found.stream().anyMatch(o -> o.classId() == cls && o.box().iou(near) > 0.5);
    }

    @Test
    void fastestFindsDogAndPersonInPersonImage() {
        List<DetectedObject> found = run("yolo-fastest-1.1", "darknet_person.jpg");
        assertTrue(has(found, CocoClasses.PERSON, new Box(182, 87, 87, 292)), found::toString);
        assertTrue(has(found, CocoClasses.DOG, new Box(73, 259, 138, 93)), found::toString);
    }

    @Test
    void fastestFindsDogInDogImage() {
        List<DetectedObject> found = run("yolo-fastest-1.1", "darknet_dog.jpg");
        assertTrue(has(found, CocoClasses.DOG, new Box(122, 220, 242, 294)), found::toString);
    }

    @Test
    void xlFindsDogAndPersonAndNoPersonInDogImage() {
        assertTrue(has(run("yolo-fastest-1.1-xl", "darknet_person.jpg"), CocoClasses.DOG, new Box(57, 252, 148, 101)));
        List<DetectedObject> dogImage = run("yolo-fastest-1.1-xl", "darknet_dog.jpg");
        assertTrue(has(dogImage, CocoClasses.DOG, new Box(113, 188, 271, 347)), dogImage::toString);
        assertFalse(dogImage.stream().anyMatch(o -> o.classId() == CocoClasses.PERSON), dogImage::toString);
    }

    @Test
    void classFilterDropsOtherClasses() {
        Path img = TestFiles.root().resolve("models/test_images/darknet_dog.jpg");
        assumeTrue(Files.isRegularFile(img));
        try (YoloObjectDetector yolo = new YoloObjectDetector(model("yolo-fastest-1.1"), List.of(CocoClasses.DOG));
             Mat bgr = imread(img.toString())) {
            List<DetectedObject> found = yolo.detect(bgr);
            assertFalse(found.isEmpty());
            assertTrue(found.stream().allMatch(o -> o.classId() == CocoClasses.DOG), found::toString);
        }
    }

    @Test
    void missingFilesFailAtConstructionNamingTheKey() {
        YoloConfig cfg = YoloConfig.darknet("/nonexistent/m.cfg", "/nonexistent/m.weights", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new YoloObjectDetector(cfg));
        assertTrue(e.getMessage().contains("model_path"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new YoloObjectDetector(YoloConfig.defaults()));
    }
}
