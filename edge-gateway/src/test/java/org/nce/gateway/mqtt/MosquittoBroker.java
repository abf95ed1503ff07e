package org.nce.gateway.mqtt;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto of a test's own on a free loopback port (never the shared one on 1883), with the
 * configuration the test gives, and a password file hashed by {@code mosquitto_passwd -U} (the
 * passwords never appear in a command line). Tests call {@link #assumeInstalled()} first, so they
 * are skipped, not failed, where Mosquitto is not installed.
 */
public final class MosquittoBroker implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/mosquitto");
    static final Path PASSWD = Path.of("/usr/bin/mosquitto_passwd");

    private final Path dir;
    private final int port;
    private Process process;

    private MosquittoBroker(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static void assumeInstalled() {
        assumeTrue(Files.isExecutable(BINARY) && Files.isExecutable(PASSWD), "mosquitto is not installed (" + BINARY + ", " + PASSWD + ")");
    }

    /** A free loopback port for the broker (the conf a test writes names it). */
    public static MosquittoBroker on(Path dir) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new MosquittoBroker(dir, s.getLocalPort());
        }
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    /** Writes {@code passwd} in the broker's directory from user to plain password, hashed in place. */
    public Path passwordFile(Map<String, String> passwordsByUser) throws IOException, InterruptedException {
        Path f = dir.resolve("passwd");
        StringBuilder plain = new StringBuilder();
        passwordsByUser.forEach((u, p) -> plain.append(u).append(':').append(p).append('\n'));
        Files.writeString(f, plain, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(PASSWD.toString(), "-U", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("mosquitto_passwd -U failed: " + out);
        }
        return f;
    }

    /**
     * The config of a loopback listener that checks users (written to the password file here) and
     * the project's ACL (deploy/mosquitto/acl), then {@code extra} lines: what most gateway tests run.
     */
    public String loopbackConf(Map<String, String> passwordsByUser, String extra) throws IOException, InterruptedException {
        Path passwd = passwordFile(passwordsByUser);
        return "listener " + port + " 127.0.0.1\nallow_anonymous false\npassword_file " + passwd
                + "\nacl_file " + deployDir().resolve("mosquitto/acl") + "\n" + extra + "\n";
    }

    /**
     * Starts Mosquitto with {@code conf} plus what a test broker needs (no persistence, the test's user
     * rather than 'mosquitto', a log file in the directory); ready when the port accepts connections.
     */
    public MosquittoBroker start(String conf) throws IOException, InterruptedException {
        return start(conf, false);
    }

    /**
     * As {@link #start(String)}; {@code persistent}: sessions and queued messages are saved in the
     * broker's directory when it stops (SIGTERM) and restored when it starts again on the same port.
     */
    public MosquittoBroker start(String conf, boolean persistent) throws IOException, InterruptedException {
        Path log = dir.resolve("mosquitto.log");
        Path file = dir.resolve("mosquitto.conf");
        Files.writeString(file, conf + "\n"
                + (persistent ? "persistence true\npersistence_location " + dir + "/\n" : "persistence false\n")
                + "user " + System.getProperty("user.name") + "\n"
                + "log_dest file " + log + "\n"
                + "log_type all\n"
                + "connection_messages true\n", StandardCharsets.UTF_8);
        Path stdout = dir.resolve("stdout.txt");
        process = new ProcessBuilder(BINARY.toString(), "-c", file.toString())
                .redirectErrorStream(true).redirectOutput(stdout.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!accepts()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited: " + Files.readString(stdout) + log());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("mosquitto did not listen on " + port + " within 20 s");
            }
            Thread.sleep(50);
        }
        return this;
    }

    public String log() throws IOException {
        Path log = dir.resolve("mosquitto.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGHUP: Mosquitto reads its password and ACL files again. */
    public void reload() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }

    /** Stops the broker as an operator would (SIGTERM: Mosquitto saves its state and exits). */
    public void stop() throws InterruptedException {
        close();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The repository's deploy/ directory, found upwards from the working directory (the module's). */
    public static Path deployDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("deploy/mosquitto/acl"))) {
                return p.resolve("deploy");
            }
        }
        throw new IllegalStateException("deploy/mosquitto/acl not found above " + Path.of("").toAbsolutePath());
    }
}
