package org.nce.detectors;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nce.detectors.dog.DogConfig;
import org.nce.detectors.dumping.DumpingConfig;
import org.nce.detectors.dumping.MuckDumpingDetector;
import org.nce.detectors.dog.UnleashedDogDetector;
import org.nce.detectors.fire.FireConfig;
import org.nce.detectors.fire.OpenBurningDetector;
import org.nce.detectors.motion.MotionGateConfig;

/**
 * Builds detectors by their type name from a parameter map (the per-camera YAML/JSON block). The
 * map is laid over the detector's defaults and read into its config record, so unknown keys and
 * bad values fail with the key named; an unknown type fails with the list of known types.
 */
public final class DetectorFactory {
    public static final String OPEN_BURNING = "open_burning";
    public static final String MUCK_DUMPING = "muck_dumping";
    public static final String UNLEASHED_DOG = "unleashed_dog";

    private static final ObjectMapper CONFIG = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setDefaultPropertyInclusion(JsonInclude.Include.ALWAYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private DetectorFactory() {
    }

    public static List<String> knownTypes() {
        return List.of(OPEN_BURNING, MUCK_DUMPING, UNLEASHED_DOG);
    }

    public static Detector create(String type, Map<String, Object> params) {
        Map<String, Object> p = params == null ? Map.of() : params;
        if (OPEN_BURNING.equals(type)) {
            return new OpenBurningDetector(config(type, FireConfig.class, FireConfig.defaults(), p));
        }
        if (MUCK_DUMPING.equals(type)) {
            // With actor_model paths the actor gate is YOLO; without, it says so once and uses moving blobs.
            return MuckDumpingDetector.create(config(type, DumpingConfig.class, DumpingConfig.defaults(), p));
        }
        if (UNLEASHED_DOG.equals(type)) {
            // Without model paths it says so once and stays silent; the camera's other detectors still run.
            return UnleashedDogDetector.create(config(type, DogConfig.class, DogConfig.defaults(), p));
        }
        throw new IllegalArgumentException("unknown detector type '" + type + "', known: " + knownTypes());
    }

    /**
     * Checks a detector's type and parameters without building it (no model is loaded), so a
     * configuration can be validated on any machine. Throws naming the offending key.
     */
    public static void validate(String type, Map<String, Object> params) {
        Map<String, Object> p = params == null ? Map.of() : params;
        switch (type == null ? "" : type) {
            case OPEN_BURNING -> config(type, FireConfig.class, FireConfig.defaults(), p);
            case MUCK_DUMPING -> config(type, DumpingConfig.class, DumpingConfig.defaults(), p);
            case UNLEASHED_DOG -> config(type, DogConfig.class, DogConfig.defaults(), p);
            default -> throw new IllegalArgumentException("unknown detector type '" + type + "', known: " + knownTypes());
        }
    }

    /** A camera's {@code motion_gate} block laid over {@link MotionGateConfig#defaults()}; bad keys and values named. */
    public static MotionGateConfig motionGate(Map<String, Object> params) {
        try {
            return config("motion_gate", MotionGateConfig.class, MotionGateConfig.defaults(), params == null ? Map.of() : params);
        } catch (IllegalArgumentException e) {
            // config() says "<type> detector: ..."; the gate is not a detector
            throw new IllegalArgumentException(e.getMessage().replaceFirst("^motion_gate detector: (motion_gate\\.)?", ""), e);
        }
    }

    /** Nested blocks (a detector's {@code model}) merge key by key rather than replacing the whole block. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new HashMap<>(base);
        for (Map.Entry<String, Object> e : over.entrySet()) {
            Object old = out.get(e.getKey());
            if (old instanceof Map && e.getValue() instanceof Map) {
                out.put(e.getKey(), deepMerge((Map<String, Object>) old, (Map<String, Object>) e.getValue()));
            } else {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** The defaults with {@code params} laid over them, read into the config record. */
    @SuppressWarnings("unchecked")
    static <T> T config(String type, Class<T> type0, T defaults, Map<String, Object> params) {
        Map<String, Object> merged = deepMerge(CONFIG.convertValue(defaults, Map.class), params);
        try {
            return CONFIG.convertValue(merged, type0);
        } catch (IllegalArgumentException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String msg = root instanceof IllegalArgumentException && root != e ? root.getMessage() : e.getMessage();
            throw new IllegalArgumentException(type + " detector: " + msg, e);
        }
    }
}
