package org.nce.detectors.objects;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Turns one YOLO output tensor into box candidates in frame pixels. Three layouts are understood:
 * <ul>
 *   <li>Darknet region/YOLO layers: 2-D {@code N x (5+C)}, normalised centre/size, objectness, class
 *       scores already multiplied by objectness;</li>
 *   <li>YOLOv5-style ONNX: {@code 1 x N x (5+C)}, centre/size in input pixels, objectness and raw
 *       class scores;</li>
 *   <li>YOLOv8-style ONNX: {@code 1 x (4+C) x N}, centre/size in input pixels, class scores, no
 *       objectness.</li>
 * </ul>
 * A class of its own so each layout is tested on tensors built in the test, without a model file.
 */
final class YoloOutputDecoder {

    private final int classCount;
    /** Class ids to keep; null = all. Filtering before NMS saves work on the classes nobody asked for. */
    private final boolean[] keep;

    /**
     * @param classCount  number of class names (C), which tells a v5 tensor from a v8 one
     * @param classFilter class ids to keep; empty = every class
     */
    YoloOutputDecoder(int classCount, Collection<Integer> classFilter) {
        this.classCount = classCount;
        if (classFilter.isEmpty()) {
            this.keep = null;
        } else {
            int max = classFilter.stream().mapToInt(Integer::intValue).max().orElse(0);
            this.keep = new boolean[max + 1];
            for (int id : classFilter) {
                if (id < 0) {
                    throw new IllegalArgumentException("class id must be >= 0, got " + id);
                }
                keep[id] = true;
            }
        }
    }

    /** Appends {x0, y0, x1, y1, score} candidates (frame pixels) of one output tensor. */
    void decode(Mat out, int fw, int fh, int in, float minScore, Map<Integer, List<float[]>> byClass) {
        int dims = out.dims();
        int rows;
        int cols;
        boolean transposed = false;
        boolean hasObjectness = true;
        boolean normalised = true;
        boolean scoresIncludeObjectness = true;
        if (dims == 2) {
            rows = out.rows();
            cols = out.cols();
        } else if (dims == 3) {
            int a = out.size(1);
            int b = out.size(2);
            int c = classCount;
            normalised = false;
            scoresIncludeObjectness = false;
            if (b == 5 + c || (a != 4 + c && b > a)) {
                rows = a;
                cols = b;
            } else {
                // YOLOv8: attributes along axis 1, anchors along axis 2, no objectness.
                rows = b;
                cols = a;
                transposed = true;
                hasObjectness = false;
            }
        } else {
            return;
        }
        int first = hasObjectness ? 5 : 4;
        if (cols <= first) {
            return;
        }
        float[] data = new float[rows * cols];
        new FloatPointer(out.data()).capacity(data.length).get(data);
        double sx = normalised ? fw : fw / (double) in;
        double sy = normalised ? fh : fh / (double) in;
        for (int r = 0; r < rows; r++) {
            float obj = hasObjectness ? at(data, r, 4, rows, cols, transposed) : 1f;
            if (hasObjectness && obj < minScore) {
                continue; // no class score can beat the threshold when objectness alone does not
            }
            int best = -1;
            float bestScore = 0;
            for (int k = first; k < cols; k++) {
                int cls = k - first;
                if (keep != null && (cls >= keep.length || !keep[cls])) {
                    continue;
                }
                float s = at(data, r, k, rows, cols, transposed);
                if (!scoresIncludeObjectness && hasObjectness) {
                    s *= obj;
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = cls;
                }
            }
            if (best < 0 || bestScore < minScore) {
                continue;
            }
            double cx = at(data, r, 0, rows, cols, transposed) * sx;
            double cy = at(data, r, 1, rows, cols, transposed) * sy;
            double w = at(data, r, 2, rows, cols, transposed) * sx;
            double h = at(data, r, 3, rows, cols, transposed) * sy;
            byClass.computeIfAbsent(best, k -> new ArrayList<>()).add(new float[] {
                (float) (cx - w / 2), (float) (cy - h / 2), (float) (cx + w / 2), (float) (cy + h / 2), bestScore});
        }
    }

    private static float at(float[] data, int row, int col, int rows, int cols, boolean transposed) {
        return transposed ? data[col * rows + row] : data[row * cols + col];
    }
}
