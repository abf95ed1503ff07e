package org.nce.detectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DetectorFactoryTest {
    @Test
    void buildsEveryKnownTypeWithDefaults() {
        for (String type : DetectorFactory.knownTypes()) {
            try (Detector d = DetectorFactory.create(type, Map.of())) {
                assertEquals(type, d.type().wireName());
            }
        }
    }

    @Test
    void unknownTypeListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DetectorFactory.create("arson", Map.of()));
        assertTrue(e.getMessage().contains("open_burning"), e.getMessage());
    }

    @Test
    void unknownAndBadParametersAreNamed() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> DetectorFactory.create("open_burning", Map.of("flame_colour", 3)));
        assertTrue(unknown.getMessage().contains("flame_colour"), unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> DetectorFactory.create("open_burning", Map.of("processing_width", 5)));
        assertTrue(bad.getMessage().contains("processing_width"), bad.getMessage());
    }

    @Test
    void parametersOverrideDefaults() {
        try (Detector d = DetectorFactory.create("open_burning", Map.of("active_hours", "20:00-06:00"))) {
            assertEquals("open_burning", d.type().wireName());
        }
    }
}
