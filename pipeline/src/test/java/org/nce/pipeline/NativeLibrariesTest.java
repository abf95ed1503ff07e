package org.nce.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class NativeLibrariesTest {
    /** A task cancelled (interrupted) while the libraries load: they load anyway, and the interrupt is kept. */
    @Test
    void anInterruptedCallerStillGetsWorkingLibrariesAndKeepsItsInterrupt() {
        Thread.currentThread().interrupt();
        NativeLibraries.ensureLoaded();
        assertTrue(Thread.interrupted(), "the caller's interrupt is kept (and cleared here)");
        try (Mat m = new Mat(2, 2, org.bytedeco.opencv.global.opencv_core.CV_8UC3)) {
            assertTrue(m.cols() == 2);
        }
    }
}
