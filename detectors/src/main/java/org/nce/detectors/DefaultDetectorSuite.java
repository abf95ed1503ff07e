package org.nce.detectors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nce.detectors.eval.DetectorSuite;

/** Every known detector with its defaults: what `./nce eval` and `./nce bench` measure. */
public final class DefaultDetectorSuite implements DetectorSuite {
    @Override
    public List<Detector> create(String cameraId) {
        List<Detector> out = new ArrayList<>();
        for (String type : DetectorFactory.knownTypes()) {
            out.add(DetectorFactory.create(type, Map.of()));
        }
        return out;
    }

    @Override
    public String describe() {
        return "default detectors " + DetectorFactory.knownTypes();
    }
}
