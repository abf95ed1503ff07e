package org.nce.detectors.dumping;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nce.detectors.objects.ObjectDetector;
import org.nce.detectors.synthetic.DumpingScene;
import org.nce.model.Box;

/**
 * A test fake for the YOLO object detector: finds the synthetic truck by its cab's exact colour and
 * reports a COCO "truck" (class 7) box around cab and bed. Counts its calls.
 */
final class CabColourObjectDetector implements ObjectDetector {

    int calls;

    @Override
    public List<DetectedObject> detect(Mat bgr) {
        calls++;
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        try (UByteIndexer idx = bgr.createIndexer()) {
            // Step 2 px: plenty for a 60 px cab, and keeps the fake cheap.
            for (int y = 0; y < bgr.rows(); y += 2) {
                for (int x = 0; x < bgr.cols(); x += 2) {
                    if (near(idx.get(y, x, 0), DumpingScene.CAB_BGR[0]) && near(idx.get(y, x, 1), DumpingScene.CAB_BGR[1])
                            && near(idx.get(y, x, 2), DumpingScene.CAB_BGR[2])) {
                        minX = Math.min(minX, x);
                        minY = Math.min(minY, y);
                        maxX = Math.max(maxX, x);
                        maxY = Math.max(maxY, y);
                    }
                }
            }
        }
        List<DetectedObject> out = new ArrayList<>();
        if (maxX >= 0) {
            // The bed (150 px) trails the cab on its left; the wheels hang below it.
            int x0 = Math.max(0, minX - 150);
            out.add(new DetectedObject(7, "truck", 0.9, new Box(x0, minY - 30, maxX - x0 + 1, maxY - minY + 45)));
        }
        return out;
    }

    private static boolean near(int v, int target) {
        return Math.abs(v - target) <= 40;
    }

    @Override
    public void close() {
    }
}
