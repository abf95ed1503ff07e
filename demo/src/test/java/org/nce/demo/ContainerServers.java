package org.nce.demo;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.elasticsearch.ElasticsearchContainer;
import org.testcontainers.images.builder.Transferable;

/**
 * The same servers in Docker (Testcontainers): MinIO instead of S3Proxy, the official
 * Elasticsearch image, Eclipse Mosquitto. Image versions are pinned here and nowhere else.
 */
final class ContainerServers implements AutoCloseable {
    static final String MINIO_IMAGE = "minio/minio:RELEASE.2025-09-07T16-13-09Z";
    static final String ELASTICSEARCH_IMAGE = "docker.elastic.co/elasticsearch/elasticsearch:8.19.21";
    static final String MOSQUITTO_IMAGE = "eclipse-mosquitto:2.0.22";

    private final MinIOContainer minio = new MinIOContainer(MINIO_IMAGE).withUserName("nce-dev-access").withPassword("nce-dev-secret");
    private final ElasticsearchContainer es = new ElasticsearchContainer(ELASTICSEARCH_IMAGE)
            .withEnv("xpack.security.enabled", "false").withEnv("ES_JAVA_OPTS", "-Xms512m -Xmx512m");
    private final GenericContainer<?> mosquitto = new GenericContainer<>(MOSQUITTO_IMAGE)
            .withCopyToContainer(Transferable.of("listener 1883\nallow_anonymous true\nmax_inflight_messages 1000\n"
                    + "message_size_limit 10485760\n"), "/mosquitto/config/mosquitto.conf")
            .withExposedPorts(1883);

    Servers start() {
        minio.start();
        es.start();
        mosquitto.start();
        return new Servers("tcp://" + mosquitto.getHost() + ":" + mosquitto.getMappedPort(1883), "nce-pipeline", Servers.SITE,
                "unused", "unused", "http://" + es.getHttpHostAddress(), minio.getS3URL(), "nce-dev-access", "nce-dev-secret");
    }

    @Override
    public void close() {
        mosquitto.stop();
        es.stop();
        minio.stop();
    }
}
