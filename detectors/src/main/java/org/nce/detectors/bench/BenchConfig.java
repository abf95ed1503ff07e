package org.nce.detectors.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nce.detectors.eval.DetectorSuites;

/**
 * Settings the bench parent process hands to the JMH benchmark JVM, as system properties (JMH
 * forks a fresh JVM, so this is the only channel besides {@code @Param}).
 */
public record BenchConfig(String suiteClass, Path testdata, int frameCount, boolean synthetic, Path stateDir) {

    static final String FRAMES = "nce.bench.frames";
    static final String SYNTHETIC = "nce.bench.synthetic";
    static final String STATE_DIR = "nce.bench.stateDir";
    static final String TESTDATA = "nce.testdata";
    static final int DEFAULT_FRAMES = 250;

    public BenchConfig {
        if (suiteClass == null || suiteClass.isBlank()) {
            throw new IllegalArgumentException("suite class is required");
        }
        if (frameCount < 1) {
            throw new IllegalArgumentException(FRAMES + " must be >= 1, got " + frameCount);
        }
    }

    /** The configuration as seen by this JVM (the benchmark fork, or the parent when forks = 0). */
    public static BenchConfig fromSystemProperties() {
        String frames = System.getProperty(FRAMES, String.valueOf(DEFAULT_FRAMES));
        int n;
        try {
            n = Integer.parseInt(frames.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(FRAMES + " '" + frames + "' is not an integer", e);
        }
        String stateDir = System.getProperty(STATE_DIR);
        return new BenchConfig(DetectorSuites.configuredClassName(), defaultTestdata(), n,
                Boolean.parseBoolean(System.getProperty(SYNTHETIC, "false")), stateDir == null ? null : Path.of(stateDir));
    }

    /**
     * The shared test footage: property {@value #TESTDATA}, else {@code ../shared/testdata} from
     * the project root or {@code ../../shared/testdata} from a module directory.
     */
    static Path defaultTestdata() {
        String prop = System.getProperty(TESTDATA);
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        for (String candidate : List.of("../shared/testdata", "../../shared/testdata")) {
            Path p = Path.of(candidate);
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        return Path.of("../shared/testdata").toAbsolutePath().normalize();
    }

    /** JVM arguments that make a forked JVM see this configuration. */
    List<String> asJvmArgs() {
        List<String> args = new ArrayList<>();
        args.add("-D" + DetectorSuites.SUITE_PROPERTY + "=" + suiteClass);
        if (testdata != null) {
            args.add("-D" + TESTDATA + "=" + testdata.toAbsolutePath());
        }
        args.add("-D" + FRAMES + "=" + frameCount);
        args.add("-D" + SYNTHETIC + "=" + synthetic);
        if (stateDir != null) {
            args.add("-D" + STATE_DIR + "=" + stateDir.toAbsolutePath());
        }
        return args;
    }

    /** Sets the same properties in this JVM (for in-process runs). */
    void applyToSystemProperties() {
        System.setProperty(DetectorSuites.SUITE_PROPERTY, suiteClass);
        if (testdata != null) {
            System.setProperty(TESTDATA, testdata.toAbsolutePath().toString());
        }
        System.setProperty(FRAMES, String.valueOf(frameCount));
        System.setProperty(SYNTHETIC, String.valueOf(synthetic));
        if (stateDir != null) {
            System.setProperty(STATE_DIR, stateDir.toAbsolutePath().toString());
        }
    }
}
