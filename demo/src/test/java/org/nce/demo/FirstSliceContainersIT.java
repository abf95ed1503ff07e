package org.nce.demo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The same first slice against MinIO, Elasticsearch and Mosquitto containers. Skipped, with the
 * reason in the report, where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class FirstSliceContainersIT extends FirstSliceScenario {
    static ContainerServers containers;
    static Servers servers;

    @BeforeAll
    static void start() {
        containers = new ContainerServers();
        servers = containers.start();
    }

    @AfterAll
    static void stop() {
        if (containers != null) {
            containers.close();
        }
    }

    @Override
    Servers servers() {
        return servers;
    }
}
