package org.nce.demo;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Properties;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Flink's Prometheus reporter serving {@code /metrics} on one address ({@code host}, default 127.0.0.1) instead
 * of all interfaces: Flink 2.3's {@code PrometheusReporter} has a {@code port} option but binds the wildcard
 * address. Same metrics and names (it is Flink's {@link AbstractPrometheusReporter}); options
 * {@code metrics.reporter.<name>.host} and {@code .port}.
 */
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new Reporter(properties.getProperty("host", "127.0.0.1"), Integer.parseInt(properties.getProperty("port", "9249")));
    }

    static final class Reporter extends AbstractPrometheusReporter {
        private final HTTPServer server;

        Reporter(String host, int port) {
            try {
                // The collector registry is package-private in Flink's base class; the wildcard bind is the only difference.
                Field f = AbstractPrometheusReporter.class.getDeclaredField("registry");
                f.setAccessible(true);
                server = new HTTPServer(new InetSocketAddress(host, port), (CollectorRegistry) f.get(this), true);
            } catch (IOException e) {
                throw new IllegalStateException("cannot serve Prometheus metrics on " + host + ":" + port, e);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Flink's AbstractPrometheusReporter changed: no registry field", e);
            }
            log.info("Prometheus metrics on http://{}:{}/metrics", host, server.getPort());
        }

        @Override
        public void close() {
            server.stop();
            super.close();
        }
    }
}
