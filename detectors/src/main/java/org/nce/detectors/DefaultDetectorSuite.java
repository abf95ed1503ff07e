package org.nce.detectors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nce.detectors.eval.DetectorSuite;
import org.nce.detectors.motion.GatedDetectors;
import org.nce.detectors.motion.MotionGateConfig;

/**
 * Every known detector with its defaults: what {@code ./nce eval} and {@code ./nce bench} measure.
 * The object detector is YOLO-Fastest 1.1 from the model folder named by {@code NCE_YOLO_DIR}, or
 * else {@code models/yolo-fastest-1.1_coco} under the test data ({@code nce.testdata} /
 * {@code NCE_TESTDATA}, default {@code ../shared/testdata}); the dog detector and the dumping
 * detector's actor gate use it; without it each says so once (the dumping detector then gates on motion).
 */
public final class DefaultDetectorSuite implements DetectorSuite {
    /** {@code -Dnce.motion_gate=off} measures the detectors without the shared motion gate (for comparison). */
    public static final String MOTION_GATE_PROPERTY = "nce.motion_gate";

    @Override
    public List<Detector> create(String cameraId) {
        List<Detector> out = new ArrayList<>();
        for (String type : DetectorFactory.knownTypes()) {
            out.add(DetectorFactory.create(type, params(type)));
        }
        return GatedDetectors.wrap(out, motionGate());
    }

    /** The default gate, or none when {@value #MOTION_GATE_PROPERTY} is {@code off}. */
    static MotionGateConfig motionGate() {
        boolean off = "off".equalsIgnoreCase(System.getProperty(MOTION_GATE_PROPERTY, "on").trim());
        return MotionGateConfig.defaults().withEnabled(!off);
    }

    /** The dog detector's {@code model} and the dumping detector's {@code actor_model}: the same YOLO. */
    static Map<String, Object> params(String type) {
        if (DetectorFactory.UNLEASHED_DOG.equals(type)) {
            return yoloParams();
        }
        if (DetectorFactory.MUCK_DUMPING.equals(type)) {
            Object model = yoloParams().get("model");
            return model == null ? Map.of() : Map.of("actor_model", model);
        }
        return Map.of();
    }

    static Map<String, Object> yoloParams() {
        Path dir = modelDir();
        if (dir == null) {
            return Map.of();
        }
        return Map.of("model", Map.of("model_path", dir.resolve("yolo-fastest-1.1.cfg").toString(),
                "weights_path", dir.resolve("yolo-fastest-1.1.weights").toString(),
                "names_path", dir.resolve("coco.names").toString()));
    }

    static Path modelDir() {
        String explicit = System.getenv("NCE_YOLO_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String data = System.getProperty("nce.testdata", System.getenv("NCE_TESTDATA"));
        Path base = Path.of(data == null || data.isBlank() ? "../shared/testdata" : data);
        Path dir = base.resolve("models/yolo-fastest-1.1_coco");
        return Files.isDirectory(dir) ? dir : null;
    }

    @Override
    public String describe() {
        return "default detectors " + DetectorFactory.knownTypes() + (motionGate().enabled()
                ? " behind the shared motion gate" : " without the motion gate (" + MOTION_GATE_PROPERTY + "=off)");
    }
}
