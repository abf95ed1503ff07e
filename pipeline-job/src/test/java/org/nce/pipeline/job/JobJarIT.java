package org.nce.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** What target/nce-job.jar must hold for a Flink cluster (it is built in the package phase, before this runs). */
class JobJarIT {
    @Test
    void theJobJarHasTheJobAndItsNativesButNotFlink() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Boolean.getBoolean("nce.skipJobJar"), "built with -Dnce.skipJobJar");
        try (JarFile jar = new JarFile(Path.of("target/nce-job.jar").toFile())) {
            assertEquals("org.nce.pipeline.NceJob", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            for (String cls : List.of("org/nce/pipeline/NceJob.class", "org/nce/detectors/DetectorFactory.class",
                    "org/eclipse/paho/mqttv5/client/MqttAsyncClient.class", "io/minio/MinioClient.class",
                    "co/elastic/clients/elasticsearch/ElasticsearchClient.class",
                    "org/apache/flink/connector/base/source/reader/SourceReaderBase.class",
                    "org/bytedeco/opencv/linux-x86_64/libjniopencv_core.so",
                    "org/bytedeco/ffmpeg/linux-x86_64/libjniavcodec.so")) {
                assertNotNull(jar.getEntry(cls), cls);
            }
            List<String> forbidden = jar.stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith("org/apache/flink/runtime/") || n.startsWith("org/apache/flink/streaming/")
                            || n.startsWith("org/apache/flink/api/") || n.startsWith("org/apache/logging/")
                            || n.startsWith("org/slf4j/") || n.endsWith(".SF") || n.endsWith(".RSA")
                            || n.matches("org/bytedeco/[^/]+/(windows|macosx|android|ios|linux-arm|linux-ppc)[^/]*/.*"))
                    .limit(5).toList();
            assertTrue(forbidden.isEmpty(), "the cluster's own classes, a logging backend, signatures or other platforms' natives: " + forbidden);
            // Service files survive the shading (Paho finds its TCP transport through one).
            String paho = new String(jar.getInputStream(jar.getEntry(
                    "META-INF/services/org.eclipse.paho.mqttv5.client.spi.NetworkModuleFactory")).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(paho.contains("TCPNetworkModuleFactory"), paho);
        }
    }
}
