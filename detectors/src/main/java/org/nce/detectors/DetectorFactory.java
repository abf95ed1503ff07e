package org.nce.detectors;

import java.util.List;
import java.util.Map;

/**
 * Builds detectors by their type name from a parameter map (the per-camera YAML/JSON block).
 * Parameters go through the detector's own config record, so unknown keys and bad values fail with
 * the key named; an unknown type fails with the list of known types.
 */
public final class DetectorFactory {
    public static final String OPEN_BURNING = "open_burning";
    public static final String MUCK_DUMPING = "muck_dumping";
    public static final String UNLEASHED_DOG = "unleashed_dog";

    private DetectorFactory() {
    }

    public static List<String> knownTypes() {
        return List.of(OPEN_BURNING, MUCK_DUMPING, UNLEASHED_DOG);
    }

    public static Detector create(String type, Map<String, Object> params) {
        if (type == null || !knownTypes().contains(type)) {
            throw new IllegalArgumentException("unknown detector type '" + type + "', known: " + knownTypes());
        }
        throw new UnsupportedOperationException("detector " + type + " is not built yet");
    }
}
