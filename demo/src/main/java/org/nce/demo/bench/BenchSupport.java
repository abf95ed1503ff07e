package org.nce.demo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.nce.model.Json;

/** Plumbing for {@link PipelineBench}: Flink's REST API, MQTT publishers, a Mosquitto of its own. */
final class BenchSupport {
    private BenchSupport() {
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A MiniCluster configuration: REST (and everything else) on 127.0.0.1, metrics fetched every 200 ms. */
    static Configuration flinkConf(int restPort, int slots) {
        Configuration c = new Configuration();
        c.setString("rest.bind-address", "127.0.0.1");
        c.setString("rest.address", "127.0.0.1");
        c.setString("rest.port", Integer.toString(restPort));
        c.setString("jobmanager.bind-host", "127.0.0.1");
        c.setString("taskmanager.bind-host", "127.0.0.1");
        c.setString("taskmanager.host", "127.0.0.1");
        c.setString("metrics.fetcher.update-interval", "200");
        c.setString("web.checkpoints.history", "1000");
        c.setString("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        c.setString("taskmanager.memory.managed.size", "32m");
        c.setString("taskmanager.memory.network.min", "64m");
        c.setString("taskmanager.memory.network.max", "64m");
        return c;
    }

    /** GETs of the MiniCluster's REST API. */
    record Rest(String base) {
        JsonNode get(String path) throws IOException {
            HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            try (InputStream in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream()) {
                return Json.MAPPER.readTree(in == null ? new byte[0] : in.readAllBytes());
            } finally {
                c.disconnect();
            }
        }

        /** The id of the job vertex whose name contains {@code name}, or null. */
        String vertex(String jobId, String name) throws IOException {
            for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
                if (v.path("name").asText().contains(name)) {
                    return v.path("id").asText();
                }
            }
            return null;
        }

        boolean allRunning(String jobId) throws IOException {
            JsonNode j = get("/jobs/" + jobId);
            if (!"RUNNING".equals(j.path("state").asText())) {
                return false;
            }
            for (JsonNode v : j.path("vertices")) {
                if (!"RUNNING".equals(v.path("status").asText())) {
                    return false;
                }
            }
            return j.path("vertices").size() > 0;
        }

        /** Sum over subtasks of a vertex metric (numRecordsIn, ...); -1 while Flink has not reported it yet. */
        long sum(String jobId, String vertexId, String metric) throws IOException {
            JsonNode n = get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics?get=" + metric + "&agg=sum");
            for (JsonNode m : n) {
                if (metric.equals(m.path("id").asText())) {
                    return (long) m.path("sum").asDouble();
                }
            }
            return -1;
        }

        JsonNode checkpoints(String jobId) throws IOException {
            return get("/jobs/" + jobId + "/checkpoints");
        }
    }

    static void waitRunning(Rest rest, String jobId, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!rest.allRunning(jobId)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("job " + jobId + " not running after " + timeoutMs + " ms: "
                        + rest.get("/jobs/" + jobId).path("state").asText());
            }
            Thread.sleep(100);
        }
    }

    static JsonNode postJson(String url, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        try (InputStream in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream()) {
            return Json.MAPPER.readTree(in == null ? new byte[0] : in.readAllBytes());
        } finally {
            c.disconnect();
        }
    }

    static MqttConnectionOptions options(String user, String password, boolean cleanStart, long sessionExpiry,
                                         int receiveMaximum) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(cleanStart);
        if (!cleanStart) {
            o.setSessionExpiryInterval(sessionExpiry);
        }
        o.setKeepAliveInterval(30);
        o.setReceiveMaximum(receiveMaximum);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password == null ? null : password.getBytes(StandardCharsets.UTF_8));
        }
        return o;
    }

    /**
     * Creates a persistent session with a subscription and leaves, so the broker queues what is
     * published from now on for {@code clientId}, whenever it connects.
     */
    static void createSession(String url, String clientId, String filter, String user, String password) throws MqttException {
        discardSession(url, clientId, user, password); // whatever a previous run left
        MqttAsyncClient c = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        try {
            c.connect(options(user, password, false, 600, 1000)).waitForCompletion(10_000);
            c.subscribe(filter, 1).waitForCompletion(10_000);
            c.disconnect().waitForCompletion(10_000);
        } finally {
            c.close(true);
        }
    }

    /**
     * Connects once with a clean start and no session expiry: the broker discards the session and every
     * message it still queues for it (a bench's backlog would otherwise stay for the session expiry,
     * and Mosquitto rewrites it to disk at every autosave).
     */
    static void discardSession(String url, String clientId, String user, String password) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        try {
            c.connect(options(user, password, true, 0, 1000)).waitForCompletion(10_000);
            c.disconnect().waitForCompletion(10_000);
        } finally {
            c.close(true);
        }
    }

    /** An async QoS 1 publisher with its own in-flight window (waits instead of dropping when it is full). */
    static final class Publisher implements AutoCloseable {
        private final MqttAsyncClient client;
        private final int window;
        private final Semaphore free;
        final AtomicLong completed = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        private final MqttActionListener done = new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken t) {
                completed.incrementAndGet();
                free.release();
            }

            @Override
            public void onFailure(IMqttToken t, Throwable e) {
                failed.incrementAndGet();
                free.release();
            }
        };

        Publisher(String url, String clientId, String user, String password, int window) throws MqttException {
            this.window = window;
            this.free = new Semaphore(window);
            client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
            client.connect(options(user, password, true, 0, 1000)).waitForCompletion(10_000);
        }

        void publish(String topic, byte[] payload) throws InterruptedException {
            free.acquire();
            MqttMessage m = new MqttMessage(payload);
            m.setQos(1);
            while (true) {
                try {
                    client.publish(topic, m, null, done);
                    return;
                } catch (MqttException e) {
                    if (e.getReasonCode() == org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                        Thread.sleep(1); // the broker's receive maximum is below our window: wait for an ack
                        continue;
                    }
                    failed.incrementAndGet();
                    free.release();
                    return;
                }
            }
        }

        /** Waits until every publish is acknowledged by the broker. */
        void drain(long timeoutMs) throws InterruptedException {
            if (free.tryAcquire(window, timeoutMs, TimeUnit.MILLISECONDS)) {
                free.release(window);
            }
        }

        @Override
        public void close() {
            try {
                if (client.isConnected()) {
                    client.disconnect(5_000).waitForCompletion(5_000);
                }
                client.close(true);
            } catch (MqttException e) {
                // the bench is done with it
            }
        }
    }

    /**
     * A Mosquitto of the bench's own on a free loopback port, with a larger in-flight window and queue
     * than the project's broker: anonymous ({@link #start(Path, int, long)}: nothing but this process
     * and loopback talk to it), or with users and a password file ({@link #start(Options)}), as a
     * deployed broker has.
     */
    static final class OwnMosquitto implements AutoCloseable {
        /**
         * @param port       0 for a free one; a fixed one to start a stopped broker again where its clients look
         * @param users      user → password, hashed into a password file by {@code mosquitto_passwd -U}
         *                   (the passwords never appear on a command line); empty: anonymous
         * @param persistent sessions and queued messages saved in the directory on SIGTERM, restored on start
         */
        record Options(Path parent, int port, int maxInflight, long maxQueued, Map<String, String> users,
                       boolean persistent) {
        }

        /** Brokers still running, stopped when the bench's JVM exits however it exits (System.exit, Ctrl-C). */
        private static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroy), "own-mosquitto-stop"));
        }

        final int port;
        final int maxInflight;
        final Options options;
        private final Process process;
        private final Path dir;

        private OwnMosquitto(int port, int maxInflight, Options options, Process process, Path dir) {
            this.port = port;
            this.maxInflight = maxInflight;
            this.options = options;
            this.process = process;
            this.dir = dir;
        }

        static OwnMosquitto start(Path parent, int maxInflight, long maxQueued) throws Exception {
            return start(new Options(parent, 0, maxInflight, maxQueued, Map.of(), false));
        }

        static OwnMosquitto start(Options o) throws Exception {
            int port = o.port() == 0 ? freePort() : o.port();
            Path dir = Files.createDirectories(o.parent().resolve("mosquitto-" + port));
            Path conf = dir.resolve("mosquitto.conf");
            List<String> lines = new ArrayList<>(List.of(
                    "listener " + port + " 127.0.0.1",
                    "user " + System.getProperty("user.name"),
                    "max_inflight_messages " + o.maxInflight(),
                    "max_queued_messages " + o.maxQueued(),
                    "max_queued_bytes 0",
                    "message_size_limit 10485760",
                    "log_dest file " + dir.resolve("mosquitto.log"),
                    "log_type error", "log_type warning"));
            if (o.persistent()) {
                lines.addAll(List.of("persistence true", "persistence_location " + dir + "/", "autosave_interval 0"));
            } else {
                lines.add("persistence false");
            }
            if (o.users().isEmpty()) {
                lines.add("allow_anonymous true");
            } else {
                lines.addAll(List.of("allow_anonymous false", "password_file " + passwordFile(dir, o.users())));
            }
            lines.add("");
            Files.writeString(conf, String.join("\n", lines));
            String binary = Files.isExecutable(Path.of("/usr/sbin/mosquitto")) ? "/usr/sbin/mosquitto" : "mosquitto";
            Process p = new ProcessBuilder(binary, "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
            RUNNING.add(p);
            OwnMosquitto m = new OwnMosquitto(port, o.maxInflight(), o, p, dir);
            long deadline = System.currentTimeMillis() + 10_000;
            while (true) {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    return m;
                } catch (IOException e) {
                    if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                        m.close();
                        throw new IllegalStateException("own mosquitto did not start: "
                                + Files.readString(dir.resolve("stdout.log")));
                    }
                    Thread.sleep(50);
                }
            }
        }

        private static Path passwordFile(Path dir, Map<String, String> users) throws Exception {
            Path f = dir.resolve("passwd");
            StringBuilder plain = new StringBuilder();
            users.forEach((u, pw) -> plain.append(u).append(':').append(pw).append('\n'));
            Files.writeString(f, plain, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder("mosquitto_passwd", "-U", f.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("mosquitto_passwd -U failed: " + out);
            }
            return f;
        }

        /** The same broker again on the same port, after {@link #close()} (with its saved state when persistent). */
        OwnMosquitto restart() throws Exception {
            return start(new Options(options.parent(), port, options.maxInflight(), options.maxQueued(), options.users(),
                    options.persistent()));
        }

        String url() {
            return "tcp://127.0.0.1:" + port;
        }

        /** CPU time the broker process has used so far, ns (from /proc; -1 where there is none). */
        long cpuNanos() {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // utime + stime, 100 Hz ticks
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            RUNNING.remove(process);
        }
    }
}
