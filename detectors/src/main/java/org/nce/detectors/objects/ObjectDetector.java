package org.nce.detectors.objects;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nce.model.Box;

/**
 * Finds objects (persons, dogs, vehicles) in one frame. The shipped implementation runs YOLO models
 * through OpenCV DNN; tests use small named fakes. Stateless between calls; not thread-safe.
 */
public interface ObjectDetector extends AutoCloseable {

    /** One object: COCO class id and name, score in [0,1], box in frame pixels. */
    record DetectedObject(int classId, String className, double score, Box box) {
    }

    List<DetectedObject> detect(Mat bgrFrame);

    @Override
    void close();
}
