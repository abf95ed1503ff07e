package org.nce.detectors.objects;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a YOLO model lives and how its raw output is filtered.
 *
 * <p>{@code modelPath} is either a Darknet {@code .cfg} (then {@code weightsPath} names the
 * {@code .weights}) or an {@code .onnx} file (then {@code weightsPath} must be empty). All three paths
 * may be null together: that means "no model configured", which a detector built on it reports once
 * and then runs without objects instead of failing the whole camera. A {@code namesPath} of null
 * falls back to the 80 COCO names, which is what every model we ship was trained on.
 *
 * @param modelPath      Darknet cfg or ONNX file, or null for "no model"
 * @param weightsPath    Darknet weights; required with a cfg, forbidden with ONNX
 * @param namesPath      class names, one a line; null = COCO-80
 * @param inputSize      square network input in pixels, a multiple of 32 (YOLO's largest stride)
 * @param scoreThreshold minimum objectness x class score kept, in (0, 1]
 * @param nmsThreshold   IoU above which a lower-scored box of the same class is suppressed, in (0, 1]
 */
public record YoloConfig(String modelPath, String weightsPath, String namesPath, int inputSize,
                         double scoreThreshold, double nmsThreshold) {

    public static final int DEFAULT_INPUT_SIZE = 320;

    public YoloConfig {
        if (inputSize < 32 || inputSize > 2048 || inputSize % 32 != 0) {
            throw new IllegalArgumentException(
                    "input_size must be a multiple of 32 in [32, 2048], got " + inputSize);
        }
        if (!(scoreThreshold > 0 && scoreThreshold <= 1)) {
            throw new IllegalArgumentException("score_threshold must be in (0, 1], got " + scoreThreshold);
        }
        if (!(nmsThreshold > 0 && nmsThreshold <= 1)) {
            throw new IllegalArgumentException("nms_threshold must be in (0, 1], got " + nmsThreshold);
        }
        modelPath = blankToNull(modelPath);
        weightsPath = blankToNull(weightsPath);
        namesPath = blankToNull(namesPath);
        if (modelPath == null) {
            if (weightsPath != null) {
                throw new IllegalArgumentException("weights_path is set but model_path is not");
            }
        } else {
            String lower = modelPath.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".cfg")) {
                if (weightsPath == null) {
                    throw new IllegalArgumentException(
                            "weights_path is required when model_path is a Darknet .cfg (" + modelPath + ")");
                }
            } else if (lower.endsWith(".onnx")) {
                if (weightsPath != null) {
                    throw new IllegalArgumentException(
                            "weights_path must be empty when model_path is an .onnx file (" + modelPath + ")");
                }
            } else {
                throw new IllegalArgumentException(
                        "model_path must end with .cfg (Darknet) or .onnx, got " + modelPath);
            }
        }
    }

    /** No model, YOLO-Fastest's native 320 input, the thresholds of the Darknet reference runs. */
    public static YoloConfig defaults() {
        return new YoloConfig(null, null, null, DEFAULT_INPUT_SIZE, 0.25, 0.45);
    }

    /** A Darknet model with names and default input and thresholds. */
    public static YoloConfig darknet(String cfg, String weights, String names) {
        YoloConfig d = defaults();
        return new YoloConfig(cfg, weights, names, d.inputSize, d.scoreThreshold, d.nmsThreshold);
    }

    public YoloConfig withInputSize(int size) {
        return new YoloConfig(modelPath, weightsPath, namesPath, size, scoreThreshold, nmsThreshold);
    }

    public YoloConfig withScoreThreshold(double threshold) {
        return new YoloConfig(modelPath, weightsPath, namesPath, inputSize, threshold, nmsThreshold);
    }

    public boolean usesDarknet() {
        return modelPath != null && modelPath.toLowerCase(Locale.ROOT).endsWith(".cfg");
    }

    /**
     * Why this config cannot load a model, or an empty list when it can: no path configured, or a
     * configured file that does not exist. Checked at construction, never per frame.
     */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (modelPath == null) {
            out.add("no model_path configured");
            return out;
        }
        checkFile(out, "model_path", modelPath);
        if (weightsPath != null) {
            checkFile(out, "weights_path", weightsPath);
        }
        if (namesPath != null) {
            checkFile(out, "names_path", namesPath);
        }
        return out;
    }

    private static void checkFile(List<String> out, String key, String path) {
        if (!Files.isRegularFile(Path.of(path))) {
            out.add(key + " " + path + " is not a readable file");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
