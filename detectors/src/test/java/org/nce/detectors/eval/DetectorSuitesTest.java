package org.nce.detectors.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nce.detectors.Detector;

class DetectorSuitesTest {

    @Test
    void loadsASuiteByClassName() {
        DetectorSuite suite = DetectorSuites.load(ColourFakeSuite.class.getName());
        List<Detector> detectors = suite.create("cam");
        assertEquals(3, detectors.size());
        detectors.forEach(Detector::close);
        assertEquals("colour fake suite", suite.describe());
    }

    @Test
    void eachFailureSaysWhatIsWrong() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> DetectorSuites.load("org.example.Missing"));
        assertTrue(missing.getMessage().contains("org.example.Missing not found")
                && missing.getMessage().contains(DetectorSuites.SUITE_PROPERTY), missing.getMessage());
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> DetectorSuites.load(String.class.getName()));
        assertTrue(wrongType.getMessage().contains("does not implement"), wrongType.getMessage());
        IllegalArgumentException noCtor = assertThrows(IllegalArgumentException.class,
                () -> DetectorSuites.load(NoDefaultConstructor.class.getName()));
        assertTrue(noCtor.getMessage().contains("public no-argument constructor"), noCtor.getMessage());
    }

    @Test
    void thePropertyChoosesTheSuite() {
        String before = System.getProperty(DetectorSuites.SUITE_PROPERTY);
        try {
            System.clearProperty(DetectorSuites.SUITE_PROPERTY);
            assertEquals(DetectorSuites.DEFAULT_SUITE_CLASS, DetectorSuites.configuredClassName());
            System.setProperty(DetectorSuites.SUITE_PROPERTY, ColourFakeSuite.class.getName());
            assertTrue(DetectorSuites.defaultSuite() instanceof ColourFakeSuite);
        } finally {
            if (before == null) {
                System.clearProperty(DetectorSuites.SUITE_PROPERTY);
            } else {
                System.setProperty(DetectorSuites.SUITE_PROPERTY, before);
            }
        }
    }

    public static final class NoDefaultConstructor implements DetectorSuite {
        public NoDefaultConstructor(String unused) {
        }

        @Override
        public List<Detector> create(String cameraId) {
            return List.of();
        }
    }
}
