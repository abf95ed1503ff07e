package org.nce.detectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the detectors free of transport and storage: no Flink, MQTT, S3 or Elasticsearch imports. */
class DetectorsStayPureTest {
    static final List<String> FORBIDDEN = List.of("org.apache.flink", "org.eclipse.paho", "io.minio", "co.elastic",
            "org.elasticsearch", "com.hivemq");

    @Test
    void noDetectorSourceImportsFlinkPahoOrStorageClients() throws IOException {
        Path src = Path.of("src/main/java");
        assertTrue(Files.isDirectory(src), "run from the detectors module");
        List<String> offences = new ArrayList<>();
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    String t = line.trim();
                    if (t.startsWith("import ") && FORBIDDEN.stream().anyMatch(t::contains)) {
                        offences.add(src.relativize(f) + ": " + t);
                    }
                }
            }
        }
        assertEquals(List.of(), offences);
    }
}
