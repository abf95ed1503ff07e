package org.nce.detectors.synthetic;

import static org.bytedeco.opencv.global.opencv_core.inRange;
import static org.bytedeco.opencv.global.opencv_imgproc.CHAIN_APPROX_SIMPLE;
import static org.bytedeco.opencv.global.opencv_imgproc.RETR_EXTERNAL;
import static org.bytedeco.opencv.global.opencv_imgproc.boundingRect;
import static org.bytedeco.opencv.global.opencv_imgproc.findContours;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.nce.detectors.objects.CocoClasses;
import org.nce.detectors.objects.ObjectDetector;
import org.nce.model.Box;

/**
 * A stand-in for YOLO on {@link DogScene} frames: finds the scene's person and dog by their exact
 * colours and returns their boxes with COCO class ids. With {@code recall < 1} it drops each object
 * with probability {@code 1 - recall} (seeded, so runs repeat), imitating YOLO-Fastest's misses.
 */
public final class SceneObjectDetector implements ObjectDetector {

    private final double recall;
    private final Random random;
    private long calls;

    /** Finds every object in every frame. */
    public SceneObjectDetector() {
        this(1.0, 0);
    }

    public SceneObjectDetector(double recall, long seed) {
        if (!(recall >= 0 && recall <= 1)) {
            throw new IllegalArgumentException("recall must be in [0, 1], got " + recall);
        }
        this.recall = recall;
        this.random = new Random(seed);
    }

    /** How often {@link #detect} was called: lets tests check the detector's stride. */
    public long calls() {
        return calls;
    }

    @Override
    public List<DetectedObject> detect(Mat bgr) {
        calls++;
        List<DetectedObject> out = new ArrayList<>();
        find(bgr, DogScene.PERSON_COLOUR, CocoClasses.PERSON, out);
        find(bgr, DogScene.DOG_COLOUR, CocoClasses.DOG, out);
        return out;
    }

    private void find(Mat bgr, Scalar colour, int classId, List<DetectedObject> out) {
        try (Scalar loColour = new Scalar(colour.get(0) - 1, colour.get(1) - 1, colour.get(2) - 1, 0);
             Scalar hiColour = new Scalar(colour.get(0) + 1, colour.get(1) + 1, colour.get(2) + 1, 0);
             Mat lo = new Mat(bgr.size(), bgr.type(), loColour);
             Mat hi = new Mat(bgr.size(), bgr.type(), hiColour);
             Mat mask = new Mat();
             MatVector contours = new MatVector();
             Mat hierarchy = new Mat()) {
            inRange(bgr, lo, hi, mask);
            findContours(mask, contours, hierarchy, RETR_EXTERNAL, CHAIN_APPROX_SIMPLE);
            for (long i = 0; i < contours.size(); i++) {
                try (Rect r = boundingRect(contours.get(i))) {
                    if (r.area() < 16 || random.nextDouble() >= recall) {
                        continue;
                    }
                    out.add(new DetectedObject(classId, CocoClasses.name(classId), 0.9,
                            new Box(r.x(), r.y(), r.width(), r.height())));
                }
            }
        }
    }

    @Override
    public void close() {
    }
}
