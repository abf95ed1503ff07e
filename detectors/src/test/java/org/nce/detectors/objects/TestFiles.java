package org.nce.detectors.objects;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the shared test data: system property {@code nce.testdata} (surefire sets it), else
 * {@code ../shared/testdata} next to the project. Tests that need it skip when it is absent.
 */
public final class TestFiles {

    private TestFiles() {
    }

    public static Path root() {
        String prop = System.getProperty("nce.testdata");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        for (Path p : new Path[] {Path.of("../shared/testdata"), Path.of("../../shared/testdata")}) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        return Path.of("../shared/testdata");
    }

    /** The YOLO-Fastest folder, or null when absent. */
    public static Path models() {
        Path p = root().resolve("models/yolo-fastest-1.1_coco");
        return Files.isDirectory(p) ? p : null;
    }
}
