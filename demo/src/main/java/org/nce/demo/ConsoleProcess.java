package org.nce.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The console (a Spring Boot application) as its own process beside the demo's JVM, so Spring's
 * classpath never meets Flink's: started with the console module's runtime classpath, the demo's
 * stores and the {@code demo}/{@code demo} account, stopped with the demo.
 */
final class ConsoleProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private ConsoleProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static ConsoleProcess start(String classpath, int port, Map<String, String> env, Path log) throws IOException, InterruptedException {
        if (classpath == null || classpath.isBlank()) {
            throw new IllegalStateException("nce.console.classpath is not set (./nce demo sets it)");
        }
        Files.createDirectories(log.getParent());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-cp", classpath, "org.nce.console.ConsoleApplication"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("NCE_CONSOLE_PORT", Integer.toString(port));
        pb.environment().put("NCE_DEMO_USER", "true");
        ConsoleProcess c = new ConsoleProcess(pb.start(), port);
        c.awaitHealthy(Duration.ofSeconds(120), log);
        return c;
    }

    private void awaitHealthy(Duration timeout, Path log) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the console stopped while starting (exit " + process.exitValue() + "); see " + log);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the console did not come up in " + timeout.toSeconds() + " s; see " + log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
