package org.nce.demo;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.nce.gateway.Gateway;
import org.nce.gateway.GatewayConfig;
import org.nce.model.Frame;
import org.nce.model.FrameCodec;
import org.nce.model.StoreLayout;
import org.nce.model.Topics;
import org.nce.pipeline.NceJob;
import org.nce.pipeline.config.PipelineConfig;

/**
 * {@code ./nce demo}: the whole flow on one machine. Starts an embedded MQTT broker unless
 * {@code NCE_MQTT_URL} names one, prepares the Elasticsearch indices, runs the NCE job on a local
 * Flink MiniCluster, serves the console, starts the simulated gateway of site-demo (open fire on a
 * camera, night-time piling noise, a purifier switched off), sends a few malformed messages so the
 * dead-letter path shows, and prints a status line every five seconds until Ctrl-C or
 * {@code --duration SECONDS}. Elasticsearch and the object store are started by the {@code nce}
 * script (or named by {@code NCE_ES_URL} and {@code NCE_S3_ENDPOINT}).
 * <p>
 * The embedded broker has the users of the project's Mosquitto: {@code nce-pipeline}
 * ({@code NCE_MQTT_PASSWORD}), {@code nce-admin} ({@code NCE_MQTT_ADMIN_PASSWORD}) and one user per
 * site, the demo's and those of {@code NCE_MQTT_SITES} ({@code NCE_MQTT_GATEWAY_PASSWORD}). A password
 * the environment does not set is made up at random for the run and given to the demo's own
 * components (said on the console, never printed).
 */
public final class DemoMain {
    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        long durationS = 0;
        String clusterUrl = null;
        String jobJar = null;
        boolean walkthrough = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--duration" -> durationS = Long.parseLong(args[++i]);
                case "--no-walkthrough" -> walkthrough = false;
                case "--cluster" -> clusterUrl = args[++i];
                case "--job-jar" -> jobJar = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: nce demo [--duration SECONDS] [--no-walkthrough] [--cluster REST_URL --job-jar JAR]");
            }
        }
        Instant started = Instant.now();
        // FFmpeg's per-stream notes (encoder profiles, container headers) would bury the status line.
        org.nce.detectors.video.ClipReader.quietFfmpegLogs();
        Path home = Files.createDirectories(Path.of(env("NCE_HOME", ".nce"), "demo"));
        PipelineConfig base = PipelineConfig.parse(resource("demo-pipeline.yaml"));
        GatewayConfig gwBase = GatewayConfig.parse(resource("demo-gateway.yaml"));
        String mqttUrl = System.getenv("NCE_MQTT_URL");
        EmbeddedBroker broker = null;
        String gatewayPassword = System.getenv(gwBase.mqtt().passwordEnv());
        if (mqttUrl == null || mqttUrl.isBlank()) {
            int port = Integer.parseInt(env("NCE_MQTT_PORT", "1883"));
            // The broker checks the same users as the project's Mosquitto, with the passwords of the environment
            // (./nce sets the development ones). One that is not set is made up for this run and handed to the demo's
            // own components: the pipeline reads it from a system property of the same name, the gateway is given it.
            String pipelinePassword = passwordFor(base.mqtt().passwordEnv(), base.mqtt().username(), clusterUrl == null);
            gatewayPassword = passwordFor(gwBase.mqtt().passwordEnv(), gwBase.mqtt().username(), true);
            Map<String, String> passwords = new HashMap<>();
            passwords.put(base.mqtt().username(), pipelinePassword);
            passwords.put(BrokerAcl.ADMIN, passwordFor("NCE_MQTT_ADMIN_PASSWORD", BrokerAcl.ADMIN, true));
            Set<String> sites = new TreeSet<>(List.of(gwBase.site()));
            sites.addAll(List.of(env("NCE_MQTT_SITES", gwBase.site()).trim().split("\\s+")));
            for (String site : sites) {
                passwords.put(site, gatewayPassword);
            }
            say("starting the embedded MQTT 5 broker on 127.0.0.1:" + port + " (users: " + base.mqtt().username() + ", "
                    + BrokerAcl.ADMIN + ", " + String.join(" ", sites) + ")");
            broker = new EmbeddedBroker(home.resolve("hivemq"), port, passwords, sites);
            mqttUrl = "tcp://127.0.0.1:" + port;
        }
        String esUrl = env("NCE_ES_URL", "http://127.0.0.1:9200");
        String s3Url = env("NCE_S3_ENDPOINT", "http://127.0.0.1:9000");
        waitFor(esUrl + "/_cluster/health", "Elasticsearch");
        waitFor(s3Url, "object store");

        PipelineConfig config = new PipelineConfig(
                new PipelineConfig.MqttConfig(mqttUrl, base.mqtt().username(), base.mqtt().passwordEnv(), base.mqtt().clientId(),
                        base.mqtt().topics(), base.mqtt().qos(), base.mqtt().sessionExpirySeconds(), base.mqtt().receiveMaximum(),
                        // The embedded HiveMQ CE subscribes $share filters but delivers nothing on them (seen);
                        // with a configured broker (NCE_MQTT_URL) the source shares as everywhere else.
                        broker == null && base.mqtt().sharedSubscriptions()),
                new PipelineConfig.S3Config(s3Url, base.s3().bucket(), base.s3().accessKeyEnv(), base.s3().secretKeyEnv()),
                new PipelineConfig.EsConfig(esUrl), clusterUrl == null ? base.job() : new PipelineConfig.JobConfig(
                        base.job().checkpointIntervalMs(), 2, base.job().maxClockSkewMs(), base.job().maxAgeMs(),
                        base.job().maxFramePixels(), base.job().minFrameSide(), base.job().checkpointDir(), base.job().stateBackend()),
                base.evidence(), base.cases(), base.cameras(), base.sensors());
        NceJob.prepareStores(config);

        int consolePort = Integer.parseInt(env("NCE_CONSOLE_PORT", "8080"));
        say("starting the console (its own process) on 127.0.0.1:" + consolePort);
        ConsoleProcess console = ConsoleProcess.start(System.getProperty("nce.console.classpath"), consolePort,
                Map.of("NCE_ES_URL", esUrl, "NCE_S3_ENDPOINT", s3Url, "NCE_S3_BUCKET", config.s3().bucket()),
                Path.of(env("NCE_HOME", ".nce"), "logs", "console.log"));

        Configuration flinkConf = new Configuration();
        flinkConf.setString("taskmanager.memory.managed.size", "32m");
        flinkConf.setString("taskmanager.memory.network.min", "32m");
        flinkConf.setString("taskmanager.memory.network.max", "32m");
        flinkConf.setString("taskmanager.numberOfTaskSlots", "2");
        // The MiniCluster's REST endpoint accepts job submission (code execution): it, the blob server and the
        // metrics listen on loopback unless NCE_FLINK_BIND_ADDRESS says otherwise (e.g. 0.0.0.0).
        String bind = env("NCE_FLINK_BIND_ADDRESS", "127.0.0.1");
        flinkConf.setString("rest.bind-address", bind);
        flinkConf.setString("rest.address", "127.0.0.1");
        flinkConf.setString("jobmanager.bind-host", bind);
        flinkConf.setString("taskmanager.bind-host", bind);
        int metricsPort = Integer.parseInt(env("NCE_METRICS_PORT", "9249"));
        flinkConf.setString("metrics.reporter.prom.factory.class", LoopbackPrometheusReporterFactory.class.getName());
        flinkConf.setString("metrics.reporter.prom.host", bind);
        flinkConf.setString("metrics.reporter.prom.port", Integer.toString(metricsPort));
        // --cluster: the same job graph goes to a Flink cluster's REST endpoint (./nce demo --cluster) with the
        // shaded job jar; the cluster's TaskManagers reach the broker and the stores on loopback.
        StreamExecutionEnvironment env = clusterUrl == null ? StreamExecutionEnvironment.createLocalEnvironment(flinkConf)
                : StreamExecutionEnvironment.createRemoteEnvironment(URI.create(clusterUrl).getHost(), URI.create(clusterUrl).getPort(),
                        java.util.Objects.requireNonNull(jobJar, "--cluster needs --job-jar"));
        // The gateway and the job share this JVM here (not in production): the job's tasks load OpenCV and
        // FFmpeg on a thread of their own while the gateway's camera threads start with JavaCV, and two
        // threads initialising those classes in different orders can wait on each other for good (seen
        // once in FirstSliceIT: the camera and evidence tasks stayed INITIALIZING). Load them first.
        org.nce.pipeline.NativeLibraries.ensureLoaded();
        NceJob.build(env, config);
        JobClient job = env.executeAsync("nce-demo");
        say("Flink job " + job.getJobID() + (clusterUrl == null ? " running on a local MiniCluster" : " submitted to the Flink cluster " + clusterUrl));

        // Each demo run starts with an empty outbox: what an earlier run left unsent is that run's
        // business (a real gateway keeps it and sends it first; ./nce gateway does).
        for (String f : new String[] {"outbox.db", "outbox.db-wal", "outbox.db-shm", "outbox.db.frames", "outbox.db.frames-wal",
                "outbox.db.frames-shm"}) {
            Files.deleteIfExists(home.resolve("gateway").resolve(f));
        }
        int hj212Port = Integer.parseInt(env("NCE_HJ212_PORT", "9212"));
        GatewayConfig.Mqtt m = gwBase.mqtt();
        GatewayConfig gwConfig = new GatewayConfig(gwBase.site(), gwBase.timezone(),
                new GatewayConfig.Mqtt(mqttUrl, m.username(), m.passwordEnv(), m.tls(), m.keepaliveSeconds(), m.window()),
                new GatewayConfig.Outbox(home.resolve("gateway").resolve("outbox.db"), null, "os"), gwBase.heartbeatSeconds(),
                gwBase.cameras(), new GatewayConfig.Hj212("127.0.0.1:" + hj212Port, null, gwBase.hj212().devices(),
                        gwBase.hj212().simulate(), true));
        // The simulated monitors' HJ 212 PW: made up for this run unless set, never a shipped default.
        String hj212Password = env("NCE_HJ212_DEMO_PW", Long.toString(new java.security.SecureRandom().nextLong() >>> 1, 36));
        String gatewayMqttPassword = gatewayPassword;
        Gateway gateway = new Gateway(gwConfig, name -> "NCE_HJ212_DEMO_PW".equals(name) ? hj212Password
                : name.equals(m.passwordEnv()) ? gatewayMqttPassword : System.getenv(name), null).start();
        say("gateway: HJ 212 listener on 127.0.0.1:" + hj212Port + " (the simulated noise and lampblack monitors speak HJ 212-2017 to it)");

        long ready = Duration.between(started, Instant.now()).toSeconds();
        System.out.printf("%nNCE demo is running (ready in %d s). Console: http://localhost:%d/  (log in as demo / demo: the demo's "
                + "only account, every role)%nAPI docs: http://localhost:%d/api/docs   %s   Press Ctrl-C to stop.%n%n",
                ready, consolePort, consolePort, clusterUrl == null
                        ? "Job metrics (Prometheus): http://localhost:" + metricsPort + "/metrics" : "Flink web UI: " + clusterUrl);

        if (walkthrough) {
            // One restaurant case taken from alert to served through the console's API, so the demo shows
            // documents and an action code; every other case is left for whoever opens the console.
            long until = durationS > 0 ? started.toEpochMilli() + (durationS - 10) * 1000 : System.currentTimeMillis() + 600_000;
            Thread t = new Thread(() -> {
                try {
                    say(new DemoWalkthrough(consolePort).run(until));
                } catch (Exception e) {
                    say("walkthrough stopped: " + e.getMessage());
                }
            }, "nce-demo-walkthrough");
            t.setDaemon(true);
            t.start();
        }

        EmbeddedBroker brokerRef = broker;
        Runnable shutdown = new Runnable() {
            private boolean done;

            @Override
            public synchronized void run() {
                if (done) {
                    return;
                }
                done = true;
                say("stopping");
                try {
                    gateway.close();
                    job.cancel().get();
                } catch (Exception e) {
                    say("job stop: " + e.getMessage());
                }
                try {
                    console.close();
                    if (brokerRef != null) {
                        brokerRef.close();
                    }
                } catch (Exception e) {
                    say("shutdown: " + e.getMessage());
                }
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown));

        {
            StoreCounts repo = new StoreCounts(esUrl);
            long deadline = durationS > 0 ? started.toEpochMilli() + durationS * 1000 : Long.MAX_VALUE;
            // A faulty device speaks up once the job is reading (its first alert is in): its messages land
            // in the dead letters (before the job has subscribed, the broker would have nobody to give them to).
            boolean badInputSent = false;
            long badInputBy = System.currentTimeMillis() + 30_000;
            long alertsBefore = count(repo, StoreLayout.ALERTS);
            while (System.currentTimeMillis() < deadline) {
                if (!badInputSent && (count(repo, StoreLayout.ALERTS) > alertsBefore || System.currentTimeMillis() > badInputBy)) {
                    sendBadInput(mqttUrl, gwConfig, gatewayPassword);
                    badInputSent = true;
                }
                Thread.sleep(Math.min(5_000, Math.max(1, deadline - System.currentTimeMillis())));
                System.out.printf(Locale.ROOT, "[%4ds] frames %d | readings %d | alerts %d | cases %d | evidence objects %d | dead letters %d | job %s%n",
                        Duration.between(started, Instant.now()).toSeconds(), gateway.framesPublished(), gateway.readingsPublished(),
                        count(repo, StoreLayout.ALERTS), count(repo, StoreLayout.CASES), count(repo, StoreLayout.EVIDENCE), count(repo, StoreLayout.DEADLETTER),
                        job.getJobStatus().get());
            }
        }
        shutdown.run();
        System.exit(0);
    }

    private static long count(StoreCounts repo, String index) {
        try {
            return repo.count(index);
        } catch (Exception e) {
            return -1;
        }
    }

    /** A malformed reading, a truncated frame and an unknown device: each must land in nce-deadletter. */
    private static void sendBadInput(String mqttUrl, GatewayConfig gw, String password) throws Exception {
        try (RawPublisher p = new RawPublisher(mqttUrl, "gw-" + gw.site() + "-faulty", gw.mqtt().username(), password)) {
            p.publish(Topics.reading(gw.site(), gw.hj212().devices().get(0).id()), "{\"site_id\": \"site-demo\", \"value\": ".getBytes(StandardCharsets.UTF_8));
            byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};
            byte[] frame = FrameCodec.encode(new Frame(gw.site(), gw.cameras().get(0).id(), "demo-malformed", 0, System.currentTimeMillis(), 2, 2, jpeg));
            p.publish(Topics.frame(gw.site(), gw.cameras().get(0).id()), Arrays.copyOf(frame, frame.length - 3));
            p.publish(Topics.reading(gw.site(), "noise-unregistered-9"), ("{\"site_id\":\"site-demo\",\"sensor_id\":\"noise-unregistered-9\","
                    + "\"kind\":\"noise\",\"timestamp_ms\":" + System.currentTimeMillis() + ",\"value\":55.0}").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void waitFor(String url, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                c.setConnectTimeout(2000);
                c.setReadTimeout(5000);
                int code = c.getResponseCode();
                c.disconnect();
                if (code > 0) {
                    return;
                }
            } catch (java.io.IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(what + " is not reachable at " + url
                            + " (./nce demo starts it; or set the URL to a running one)", e);
                }
            }
            Thread.sleep(1000);
        }
    }

    private static String resource(String name) throws java.io.IOException {
        try (InputStream in = DemoMain.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The embedded broker's password for {@code user}: the environment variable's, else (when {@code mayMakeUp})
     * a random one for this run, set as the system property of the variable's name for the components that read
     * it there. Never printed.
     */
    private static String passwordFor(String envName, String user, boolean mayMakeUp) {
        String v = System.getenv(envName);
        if (v != null && !v.isEmpty()) {
            return v;
        }
        if (!mayMakeUp) {
            throw new IllegalStateException(envName + " (the MQTT password of " + user + ") is not set: with --cluster the job's"
                    + " TaskManagers read it from their environment, so set it for them and for this command (./nce sets a development one)");
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String made = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        System.setProperty(envName, made);
        say(envName + " is not set: the embedded broker and this demo use a random password for " + user
                + " for this run (set " + envName + " to choose one)");
        return made;
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    private static void say(String s) {
        System.out.println("nce: " + s);
    }
}
