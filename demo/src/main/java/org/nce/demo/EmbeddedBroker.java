package org.nce.demo;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An MQTT 5 broker inside the demo process (HiveMQ CE embedded) for when no broker is configured.
 * It listens on loopback only. HiveMQ CE without extensions does not check passwords: the demo is
 * a single-machine sandbox; the integration tests and production use Mosquitto with a password
 * file and per-site ACLs.
 */
final class EmbeddedBroker implements AutoCloseable {
    private final EmbeddedHiveMQ hivemq;

    EmbeddedBroker(Path home, int port) throws IOException {
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                  </listeners>
                  <mqtt>
                    <packets><max-packet-size>10485760</max-packet-size></packets>
                  </mqtt>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(home.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
                .withoutLoggingBootstrap()
                .build();
        hivemq.start().join();
    }

    @Override
    public void close() throws Exception {
        hivemq.stop().join();
        hivemq.close();
    }
}
