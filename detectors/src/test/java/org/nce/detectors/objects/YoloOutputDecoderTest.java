package org.nce.detectors.objects;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * The three output layouts on tensors built here (no ONNX model file is available to the build):
 * each test puts one dog and one person into the tensor in the layout's own conventions and expects
 * the same frame boxes back.
 */
class YoloOutputDecoderTest {

    private static final int C = 80;
    private static final int IN = 320;
    /** A 640x480 frame: x scales by 2 from the 320 input, y by 1.5. */
    private static final int FW = 640;
    private static final int FH = 480;

    /** Candidates per class from one tensor. */
    private static Map<Integer, List<float[]>> decode(Mat out, List<Integer> filter) {
        Map<Integer, List<float[]>> byClass = new HashMap<>();
        new YoloOutputDecoder(C, filter).decode(out, FW, FH, IN, 0.25f, byClass);
        return byClass;
    }

    private static Mat tensor(int[] shape, float[] values) {
        Mat m = new Mat(shape, CV_32F);
        new FloatPointer(m.data()).capacity(values.length).put(values);
        return m;
    }

    /** Dog centred at input (80, 160), 40x20; person at (240, 100), 20x80; then a row below threshold. */
    private static float[][] rows(boolean normalised, boolean objectness, boolean scoresIncludeObjectness) {
        float s = normalised ? 1f / IN : 1f;
        float[][] r = new float[3][(objectness ? 5 : 4) + C];
        float[][] boxes = {{80, 160, 40, 20}, {240, 100, 20, 80}, {160, 160, 30, 30}};
        int[] cls = {16, 0, 7};
        float[] clsScore = {0.9f, 0.8f, 0.1f};
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 4; k++) {
                r[i][k] = boxes[i][k] * s;
            }
            int first = objectness ? 5 : 4;
            float obj = 0.5f;
            if (objectness) {
                r[i][4] = obj;
            }
            // v5 multiplies objectness in; Darknet already has; v8 has no objectness at all.
            r[i][first + cls[i]] = objectness && scoresIncludeObjectness ? clsScore[i] * obj
                    : objectness ? clsScore[i] : clsScore[i] * obj;
        }
        return r;
    }

    private static float[] rowMajor(float[][] rows) {
        int n = rows.length;
        int w = rows[0].length;
        float[] out = new float[n * w];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows[i], 0, out, i * w, w);
        }
        return out;
    }

    private static float[] columnMajor(float[][] rows) {
        int n = rows.length;
        int w = rows[0].length;
        float[] out = new float[n * w];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < w; k++) {
                out[k * n + i] = rows[i][k];
            }
        }
        return out;
    }

    private static void assertDogAndPerson(Map<Integer, List<float[]>> found, float dogScore, float personScore) {
        assertEquals(2, found.size(), "dog and person only, the truck row is below threshold: " + found.keySet());
        float[] dog = found.get(16).get(0);
        float[] person = found.get(0).get(0);
        // Input (80,160) 40x20 -> frame x 120..200, y 225..255.
        assertArrayEquals(new float[] {120, 225, 200, 255}, new float[] {dog[0], dog[1], dog[2], dog[3]}, 0.01f);
        assertArrayEquals(new float[] {460, 90, 500, 210}, new float[] {person[0], person[1], person[2], person[3]},
                0.01f);
        assertEquals(dogScore, dog[4], 1e-5);
        assertEquals(personScore, person[4], 1e-5);
    }

    @Test
    void darknetRowsAreNormalisedWithObjectnessFoldedIn() {
        try (Mat out = tensor(new int[] {3, 5 + C}, rowMajor(rows(true, true, true)))) {
            assertDogAndPerson(decode(out, List.of()), 0.45f, 0.40f);
        }
    }

    @Test
    void yolov5OnnxMultipliesObjectnessIntoRawClassScores() {
        try (Mat out = tensor(new int[] {1, 3, 5 + C}, rowMajor(rows(false, true, false)))) {
            assertDogAndPerson(decode(out, List.of()), 0.45f, 0.40f);
        }
    }

    @Test
    void yolov8OnnxHasAttributesAlongAxisOneAndNoObjectness() {
        try (Mat out = tensor(new int[] {1, 4 + C, 3}, columnMajor(rows(false, false, false)))) {
            assertDogAndPerson(decode(out, List.of()), 0.45f, 0.40f);
        }
    }

    @Test
    void theClassFilterDropsEveryOtherClassBeforeNms() {
        try (Mat out = tensor(new int[] {1, 3, 5 + C}, rowMajor(rows(false, true, false)))) {
            Map<Integer, List<float[]>> found = decode(out, List.of(CocoClasses.DOG));
            assertEquals(List.of(16), List.copyOf(found.keySet()));
        }
    }

    @Test
    void aTensorOfAnotherRankIsIgnored() {
        try (Mat out = tensor(new int[] {1, 1, 3, 5 + C}, rowMajor(rows(false, true, false)))) {
            assertTrue(decode(out, List.of()).isEmpty());
        }
    }
}
