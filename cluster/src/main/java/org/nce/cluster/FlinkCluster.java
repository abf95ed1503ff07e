package org.nce.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A standalone Flink session cluster on loopback for integration and failure tests: the processes are
 * {@code scripts/cluster.sh}'s (the same as {@code ./nce cluster}), the job control goes through the REST
 * API. Each instance has its own {@code NCE_HOME} and ports, so a test cluster never meets a developer's.
 *
 * <pre>
 * try (FlinkCluster cluster = FlinkCluster.builder(repoRoot).home(dir).build().start()) {
 *     String job = cluster.submit(jar, "org.nce.pipeline.NceJob", List.of("--config", config.toString()));
 *     cluster.awaitJob(job, Duration.ofSeconds(90), FlinkCluster::allRunning);
 *     cluster.killTaskManager(1);
 *     cluster.startTaskManager(1);
 * }
 * </pre>
 *
 * Needs bash, curl and a built {@code cluster/target/classpath.txt}; Jackson must be on the caller's classpath.
 */
public final class FlinkCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path repoRoot;
    private final Path home;
    private final Map<String, String> env;
    private final int restPort;
    private final int taskManagers;
    private final Duration commandTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Stops the processes if the test JVM ends first (a timed-out or killed fork must not leave a cluster behind). */
    private final Thread shutdownHook = new Thread(this::stopQuietly, "flink-cluster-stop");
    private boolean hookInstalled;

    private FlinkCluster(Builder b) {
        this.repoRoot = b.repoRoot;
        this.home = b.home;
        this.restPort = b.basePort + 81;
        this.taskManagers = b.taskManagers;
        this.commandTimeout = b.commandTimeout;
        Map<String, String> e = new LinkedHashMap<>();
        e.put("NCE_HOME", home.toString());
        e.put("NCE_FLINK_REST_PORT", Integer.toString(restPort));
        e.put("NCE_FLINK_RPC_PORT", Integer.toString(b.basePort + 23));
        e.put("NCE_FLINK_BLOB_PORT", Integer.toString(b.basePort + 24));
        // Ephemeral: a TaskManager restarted on its killed predecessor's port may never register (scripts/cluster.sh).
        e.put("NCE_FLINK_TM_RPC_PORT", "0");
        e.put("NCE_FLINK_TASKMANAGERS", Integer.toString(b.taskManagers));
        e.put("NCE_FLINK_SLOTS", Integer.toString(b.slots));
        // The job reads its secrets from the cluster processes' environment; the development defaults
        // of ./nce unless the caller's environment has real ones.
        putIfAbsent(e, "NCE_MQTT_PASSWORD", "nce-dev-mqtt");
        putIfAbsent(e, "NCE_S3_ACCESS_KEY", "nce-dev-access");
        putIfAbsent(e, "NCE_S3_SECRET_KEY", "nce-dev-secret");
        e.putAll(b.extraEnv);
        this.env = Map.copyOf(e);
    }

    private static void putIfAbsent(Map<String, String> env, String name, String dflt) {
        String v = System.getenv(name);
        env.put(name, v == null || v.isBlank() ? dflt : v);
    }

    /** {@code repoRoot}: the checkout (holds {@code scripts/cluster.sh} and {@code cluster/target/classpath.txt}). */
    public static Builder builder(Path repoRoot) {
        return new Builder(repoRoot);
    }

    /** Why this machine cannot run the cluster, or null when it can (the script, its classpath, curl). */
    public static String missingPrerequisite(Path repoRoot) {
        if (!Files.isExecutable(repoRoot.resolve("scripts/cluster.sh"))) {
            return "no executable scripts/cluster.sh under " + repoRoot;
        }
        if (!Files.isRegularFile(repoRoot.resolve("cluster/target/classpath.txt"))) {
            return "cluster/target/classpath.txt not built (./nce build)";
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "curl"))) {
                return null;
            }
        }
        return "curl is not installed";
    }

    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    public Path home() {
        return home;
    }

    public int taskManagers() {
        return taskManagers;
    }

    /** Starts the JobManager and every TaskManager and waits until all have registered. */
    public FlinkCluster start() {
        synchronized (this) {
            if (!hookInstalled) {
                Runtime.getRuntime().addShutdownHook(shutdownHook);
                hookInstalled = true;
            }
        }
        script("up");
        return this;
    }

    /**
     * Stops every process of this cluster (a no-op when none runs). Also when the calling thread has been
     * interrupted (a JUnit timeout): the interrupt is kept for the caller but does not cut the stop short.
     */
    public void stop() {
        boolean interrupted = Thread.interrupted();
        try {
            script("down");
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (hookInstalled) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook is running or has run
                }
                hookInstalled = false;
            }
        }
    }

    private void stopQuietly() {
        try {
            script("down");
        } catch (RuntimeException e) {
            System.err.println("FlinkCluster: stopping " + home + " failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** {@code kill -9} of TaskManager {@code i} (1-based). */
    public void killTaskManager(int i) {
        script("tm-kill", Integer.toString(i));
    }

    /** Starts TaskManager {@code i} (1-based) and waits until it has registered. */
    public void startTaskManager(int i) {
        script("tm-start", Integer.toString(i));
    }

    /** Uploads {@code jar}, runs {@code entryClass} with {@code args}, deletes the upload; returns the job id. */
    public String submit(Path jar, String entryClass, List<String> args) {
        String boundary = "nce-" + UUID.randomUUID();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/java-archive\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest upload;
        try {
            upload = HttpRequest.newBuilder(URI.create(restUrl() + "/jars/upload"))
                    .timeout(Duration.ofMinutes(5))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
                            HttpRequest.BodyPublishers.ofFile(jar), HttpRequest.BodyPublishers.ofString(tail)))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
        JsonNode uploaded = send(upload);
        String filename = uploaded.path("filename").asText();
        if (!"success".equals(uploaded.path("status").asText()) || filename.isEmpty()) {
            throw new IllegalStateException("jar upload refused: " + uploaded);
        }
        String jarId = filename.substring(filename.lastIndexOf('/') + 1);
        Map<String, Object> body = Map.of("entryClass", entryClass, "programArgsList", args);
        try {
            JsonNode run = send(HttpRequest.newBuilder(URI.create(restUrl() + "/jars/" + jarId + "/run"))
                    .timeout(Duration.ofMinutes(5)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
            String jobId = run.path("jobid").asText();
            if (jobId.isEmpty()) {
                throw new IllegalStateException("the job did not start: " + run);
            }
            return jobId;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                send(HttpRequest.newBuilder(URI.create(restUrl() + "/jars/" + jarId)).DELETE().build());
            } catch (RuntimeException e) {
                // the upload stays in web.upload.dir; harmless
            }
        }
    }

    /** GET {@code /jobs/<id>}: state, vertices (with parallelism and status), timestamps. */
    public JsonNode job(String jobId) {
        return get("/jobs/" + jobId);
    }

    /** The job's state: CREATED, RUNNING, RESTARTING, CANCELED, FAILED, ... */
    public String jobStatus(String jobId) {
        return job(jobId).path("state").asText();
    }

    /** GET {@code /jobs/<id>/checkpoints}: counts (completed, restored, ...), latest completed and restored. */
    public JsonNode checkpoints(String jobId) {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    /** The TaskManager numbers (tm-N resource ids) that run at least one task of the job. */
    public List<Integer> taskManagersOf(String jobId) {
        TreeSet<Integer> out = new TreeSet<>();
        for (JsonNode v : job(jobId).path("vertices")) {
            for (JsonNode tm : get("/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/taskmanagers").path("taskmanagers")) {
                String id = tm.path("taskmanager-id").asText();
                if (id.matches("tm-\\d+") && "RUNNING".equals(tm.path("status").asText())) {
                    out.add(Integer.parseInt(id.substring(3)));
                }
            }
        }
        return new ArrayList<>(out);
    }

    public void cancel(String jobId) {
        send(HttpRequest.newBuilder(URI.create(restUrl() + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
    }

    /** True when the job and every one of its vertices are RUNNING. */
    public static boolean allRunning(JsonNode job) {
        if (!"RUNNING".equals(job.path("state").asText()) || job.path("vertices").isEmpty()) {
            return false;
        }
        for (JsonNode v : job.path("vertices")) {
            if (!"RUNNING".equals(v.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Polls {@code /jobs/<id>} until {@code condition} holds; fails with the last answer on timeout. */
    public JsonNode awaitJob(String jobId, Duration timeout, Predicate<JsonNode> condition) {
        return await("/jobs/" + jobId, timeout, condition);
    }

    /** Polls {@code GET path} until {@code condition} holds; fails with the last answer on timeout. */
    public JsonNode await(String path, Duration timeout, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        RuntimeException lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                last = get(path);
                lastError = null;
                if (condition.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            sleep(500);
        }
        throw new IllegalStateException("GET " + path + " did not reach the expected state in " + timeout.toSeconds()
                + " s; last answer: " + (last != null ? last : lastError), lastError);
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(restUrl() + path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    private JsonNode send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(request.method() + " " + request.uri() + ": HTTP " + r.statusCode() + " " + r.body());
            }
            return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code scripts/cluster.sh args} with this cluster's environment; its output goes to home/cluster-sh.log. */
    private void script(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(repoRoot.resolve("scripts/cluster.sh").toString());
        cmd.addAll(List.of(args));
        try {
            Files.createDirectories(home);
            Path log = home.resolve("cluster-sh.log");
            long from = Files.exists(log) ? Files.size(log) : 0;
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(repoRoot.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(commandTimeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("cluster.sh " + String.join(" ", args) + " did not finish in "
                        + commandTimeout.toSeconds() + " s; " + tail(log, from));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("cluster.sh " + String.join(" ", args) + " failed (exit " + p.exitValue()
                        + "): " + tail(log, from));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String tail(Path log, long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        int start = (int) Math.max(from, all.length - 8000L);
        return new String(all, start, all.length - start, StandardCharsets.UTF_8);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static final class Builder {
        private final Path repoRoot;
        private Path home;
        private int basePort = 18000;
        private int taskManagers = 2;
        private int slots = 2;
        private Duration commandTimeout = Duration.ofSeconds(150);
        private final Map<String, String> extraEnv = new LinkedHashMap<>();

        private Builder(Path repoRoot) {
            this.repoRoot = repoRoot.toAbsolutePath().normalize();
            this.home = this.repoRoot.resolve(".nce");
        }

        /** NCE_HOME of the cluster: its config, checkpoints, logs and pid files. */
        public Builder home(Path home) {
            this.home = home.toAbsolutePath().normalize();
            return this;
        }

        /**
         * Ports: REST base+81, JobManager RPC base+23, blob base+24, TaskManager N RPC base+29+N. The default
         * base 18000 (REST 18081) stays clear of ./nce cluster's 8081, 6123, 6124.
         */
        public Builder basePort(int basePort) {
            this.basePort = basePort;
            return this;
        }

        /**
         * A base port (see {@link #basePort}) between 20000 and 29900 whose ports are all free now, so that
         * clusters of concurrent builds on one machine do not meet. Call after {@link #taskManagers}.
         */
        public Builder freeBasePort() {
            java.util.Random random = new java.util.Random();
            for (int attempt = 0; attempt < 50; attempt++) {
                int base = 20000 + 100 * random.nextInt(100);
                List<Integer> ports = new ArrayList<>(List.of(base + 81, base + 23, base + 24));
                for (int i = 1; i <= taskManagers + 2; i++) {
                    ports.add(base + 29 + i);
                }
                if (ports.stream().allMatch(Builder::free)) {
                    this.basePort = base;
                    return this;
                }
            }
            throw new IllegalStateException("no free port range between 20000 and 29999");
        }

        private static boolean free(int port) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        public Builder taskManagers(int n) {
            this.taskManagers = n;
            return this;
        }

        public Builder slotsPerTaskManager(int n) {
            this.slots = n;
            return this;
        }

        /** How long one script call (up, tm-start, down) may take. */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = timeout;
            return this;
        }

        /** Extra environment for the cluster processes (NCE_FLINK_JM_MEMORY, NCE_FLINK_TM_MEMORY, secrets, ...). */
        public Builder env(String name, String value) {
            extraEnv.put(name, value);
            return this;
        }

        public FlinkCluster build() {
            return new FlinkCluster(this);
        }
    }
}
