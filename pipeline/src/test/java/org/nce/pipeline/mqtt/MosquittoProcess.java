package org.nce.pipeline.mqtt;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto of a test's own, on a free loopback port, without persistence: killing it loses every
 * session, which is what a broker restarted without persistence (or an outage longer than the
 * session expiry) does to the pipeline. Never the shared broker on 1883, which other tests use.
 * Its log (with connection messages) lets a test count the connections a client made.
 */
final class MosquittoProcess implements AutoCloseable {
    static final String BINARY = "/usr/sbin/mosquitto";

    private final Path dir;
    private final int port;
    private final Path conf;
    private final Path log;
    private Process process;

    private MosquittoProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
        this.conf = dir.resolve("mosquitto.conf");
        this.log = dir.resolve("mosquitto.log");
    }

    /** Starts a broker in {@code dir} on a free port; {@code extraConf} lines are appended to the config. */
    static MosquittoProcess start(Path dir, String... extraConf) throws IOException, InterruptedException {
        MosquittoProcess m = new MosquittoProcess(dir, freePort());
        StringBuilder c = new StringBuilder()
                .append("listener ").append(m.port).append(" 127.0.0.1\n")
                .append("allow_anonymous true\n")
                .append("persistence false\n")
                // Mosquitto started as root drops to user 'mosquitto' unless told; that user could not write the log.
                .append("user ").append(System.getProperty("user.name")).append('\n')
                .append("log_dest file ").append(m.log).append('\n')
                .append("log_type all\n")
                .append("connection_messages true\n");
        for (String line : extraConf) {
            c.append(line).append('\n');
        }
        Files.writeString(m.conf, c.toString(), StandardCharsets.UTF_8);
        m.launch();
        return m;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** What kill -9 does: no clean shutdown, no will, no saved state. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("mosquitto did not die within 10 s");
        }
    }

    /** A fresh broker on the same port (no persistence: it knows no session). */
    void startAgain() throws IOException, InterruptedException {
        launch();
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** How many times the client id connected, from the broker's connection messages. */
    long connectionsOf(String clientId) throws IOException {
        return log().lines().filter(l -> l.contains("New client connected") && l.contains(" as " + clientId + " ")).count();
    }

    private void launch() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            process = new ProcessBuilder(BINARY, "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.txt").toFile()).start();
            // Ready when the port accepts; a process that exits instead could not bind (the old one's
            // socket may linger a moment after kill -9), so it is tried again until the deadline.
            while (process.isAlive() && !accepts()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("mosquitto did not listen on " + port + " within 20 s");
                }
                Thread.sleep(50);
            }
            if (process.isAlive()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("mosquitto exited: " + Files.readString(dir.resolve("stdout.txt")));
            }
            Thread.sleep(200);
        }
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
