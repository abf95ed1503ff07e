package org.nce.detectors.objects;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_dnn.NMSBoxes;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromDarknet;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromONNX;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.nce.model.Box;

/**
 * Runs a COCO YOLO model (Darknet cfg+weights, e.g. YOLO-Fastest, or ONNX) through OpenCV DNN on
 * the CPU.
 *
 * <p>The frame is stretched (not letterboxed) to {@code inputSize x inputSize}, scaled by 1/255 and
 * turned RGB, which is how Darknet trained these models. Output rows of every unconnected layer
 * are decoded into boxes in frame pixels, filtered by score, then suppressed per class with OpenCV's
 * {@code NMSBoxes}. The output layouts understood (Darknet, YOLOv5- and YOLOv8-style ONNX) are
 * listed in {@link YoloOutputDecoder}.
 * Construction loads the network (I/O, fails loud when a file is missing or unreadable); {@link
 * #detect} does none. Not thread-safe: one instance per camera thread.
 */
public final class YoloObjectDetector implements ObjectDetector {

    private final YoloConfig config;
    private final Net net;
    private final StringVector outNames;
    private final List<String> names;
    private final YoloOutputDecoder decoder;

    /** All classes. */
    public YoloObjectDetector(YoloConfig config) {
        this(config, List.of());
    }

    /**
     * @param classFilter class ids to report (e.g. person and dog); empty = every class
     * @throws IllegalArgumentException when the config names no model or a file is missing
     */
    public YoloObjectDetector(YoloConfig config, Collection<Integer> classFilter) {
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot load YOLO model: " + String.join("; ", problems));
        }
        this.config = config;
        this.names = config.namesPath() == null ? CocoClasses.NAMES : readNames(config.namesPath());
        Net loaded = config.usesDarknet()
                ? readNetFromDarknet(config.modelPath(), config.weightsPath())
                : readNetFromONNX(config.modelPath());
        if (loaded == null || loaded.isNull() || loaded.empty()) {
            throw new IllegalArgumentException("OpenCV DNN could not load model_path " + config.modelPath());
        }
        this.net = loaded;
        this.outNames = net.getUnconnectedOutLayersNames();
        this.decoder = new YoloOutputDecoder(names.size(), classFilter);
    }

    public YoloConfig config() {
        return config;
    }

    @Override
    public List<DetectedObject> detect(Mat bgr) {
        int fw = bgr.cols();
        int fh = bgr.rows();
        if (fw == 0 || fh == 0) {
            return List.of();
        }
        int in = config.inputSize();
        float minScore = (float) config.scoreThreshold();
        // Candidates per class, so NMS never lets a person suppress the dog at its feet.
        Map<Integer, List<float[]>> byClass = new HashMap<>();
        // Every native object allocated in this block (blob, outputs, sizes) is freed when the scope closes.
        PointerScope scope = new PointerScope();
        try {
            Mat blob = blobFromImage(bgr, 1 / 255.0, new Size(in, in), new Scalar(0.0), true, false, CV_32F);
            net.setInput(blob);
            MatVector outs = new MatVector();
            net.forward(outs, outNames);
            for (long i = 0; i < outs.size(); i++) {
                decoder.decode(outs.get(i), fw, fh, in, minScore, byClass);
            }
        } finally {
            scope.close();
        }
        List<DetectedObject> result = new ArrayList<>();
        for (Map.Entry<Integer, List<float[]>> e : byClass.entrySet()) {
            nms(e.getKey(), e.getValue(), fw, fh, result);
        }
        result.sort((a, b) -> Double.compare(b.score(), a.score()));
        return result;
    }

    private void nms(int cls, List<float[]> cands, int fw, int fh, List<DetectedObject> result) {
        PointerScope scope = new PointerScope();
        try {
            RectVector rects = new RectVector(cands.size());
            FloatPointer scores = new FloatPointer(cands.size());
            for (int i = 0; i < cands.size(); i++) {
                float[] c = cands.get(i);
                rects.put(i, new Rect(Math.round(c[0]), Math.round(c[1]),
                        Math.max(1, Math.round(c[2] - c[0])), Math.max(1, Math.round(c[3] - c[1]))));
                scores.put(i, c[4]);
            }
            IntPointer kept = new IntPointer();
            NMSBoxes(rects, scores, (float) config.scoreThreshold(), (float) config.nmsThreshold(), kept);
            for (long j = 0; j < kept.limit(); j++) {
                float[] c = cands.get(kept.get(j));
                int x0 = clamp(Math.round(c[0]), 0, fw);
                int y0 = clamp(Math.round(c[1]), 0, fh);
                int x1 = clamp(Math.round(c[2]), 0, fw);
                int y1 = clamp(Math.round(c[3]), 0, fh);
                if (x1 <= x0 || y1 <= y0) {
                    continue;
                }
                String name = cls < names.size() ? names.get(cls) : "class" + cls;
                result.add(new DetectedObject(cls, name, Math.min(1.0, c[4]), new Box(x0, y0, x1 - x0, y1 - y0)));
            }
        } finally {
            scope.close();
        }
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static List<String> readNames(String path) {
        try {
            return Files.readAllLines(Path.of(path), StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read names_path " + path, e);
        }
    }

    /**
     * Estimated native memory of this network: weights (kept twice by OpenCV: parsed and fused) plus
     * activation buffers. Calibrated by RSS growth per instance after one forward pass at 320 px with
     * OpenCV 4.13: 9.1 MB for YOLO-Fastest 1.1, 10.5 MB for its XL variant.
     */
    public long stateBytes() {
        long weights = 0;
        try {
            weights = Files.size(Path.of(config.weightsPath() != null ? config.weightsPath() : config.modelPath()));
        } catch (IOException e) {
            weights = 0; // the file was there at construction; an estimate need not fail
        }
        double scale = (config.inputSize() / 320.0) * (config.inputSize() / 320.0);
        return 2 * weights + (long) (6_500_000 * scale);
    }

    @Override
    public void close() {
        outNames.close();
        net.close();
    }
}
