package org.nce.detectors.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a bench figure was measured on, printed next to it so numbers from different hosts are not compared blindly. */
public record MachineInfo(int cores, String cpuModel, String jvm, String os) {

    public static MachineInfo current() {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), cpuModel(Path.of("/proc/cpuinfo")),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version",
                        System.getProperty("java.version")),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    }

    /** The first "model name" of a /proc/cpuinfo style file, or "unknown". */
    static String cpuModel(Path cpuinfo) {
        try {
            List<String> lines = Files.readAllLines(cpuinfo);
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals("model name")) {
                    return line.substring(colon + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or not readable: say so rather than fail the bench.
        }
        return "unknown";
    }

    @Override
    public String toString() {
        return cores + " cores, " + cpuModel + ", " + jvm + ", " + os;
    }
}
