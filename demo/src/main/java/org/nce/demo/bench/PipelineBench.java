package org.nce.demo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.nce.demo.bench.BenchFigures.Figures;
import org.nce.demo.bench.BenchFigures.Latency;
import org.nce.demo.bench.BenchSupport.OwnMosquitto;
import org.nce.demo.bench.BenchSupport.Publisher;
import org.nce.demo.bench.BenchSupport.Rest;
import org.nce.detectors.Detector;
import org.nce.detectors.DetectorFactory;
import org.nce.detectors.FrameMeta;
import org.nce.detectors.motion.MotionGate;
import org.nce.detectors.motion.MotionGateConfig;
import org.nce.detectors.eval.LabelsCsv;
import org.nce.detectors.video.ClipReader;
import org.nce.model.Alert;
import org.nce.model.EventType;
import org.nce.model.Frame;
import org.nce.model.FrameCodec;
import org.nce.model.Json;
import org.nce.model.SensorKind;
import org.nce.model.SensorReading;
import org.nce.model.Topics;
import org.nce.pipeline.NceJob;
import org.nce.pipeline.config.PipelineConfig;
import org.nce.pipeline.config.PipelineConfig.CameraConfig;
import org.nce.pipeline.config.PipelineConfig.DetectorSpec;
import org.nce.pipeline.config.PipelineConfig.JobConfig;
import org.nce.pipeline.config.PipelineConfig.SensorConfig;
import org.nce.pipeline.ingest.DecodeFunction;
import org.nce.pipeline.mqtt.MqttRecord;
import org.nce.pipeline.mqtt.MqttSource;
import org.nce.pipeline.sensor.SensorLimits;
import org.nce.pipeline.sensor.SensorRuleFunction;

/**
 * {@code ./nce bench pipeline [--json FILE] [--quick]}: the figures of issue #7, measured against
 * real servers on loopback (Mosquitto, Elasticsearch, S3Proxy, named by {@code NCE_MQTT_URL},
 * {@code NCE_ES_URL}, {@code NCE_S3_ENDPOINT}; the {@code nce} script starts those not running) and
 * the real job on a Flink MiniCluster with parallelism 2. Flink's own metrics are read over the
 * MiniCluster's REST API (bound to 127.0.0.1). Every run uses its own site id (so its own topics),
 * MQTT client ids and Elasticsearch subjects. See README "Pipeline figures".
 */
public final class PipelineBench {
    static final String USAGE = "usage: PipelineBench [--quick] [--json FILE] [--testdata DIR] [--only PHASES]\n"
            + "  --only PHASES  comma-separated starts of phase names: readings, mqtt, frames (default: all)";
    static final int SENSORS = 100;
    static final int ALERT_SENSORS = 40;
    static final int ALERT_SUSTAIN_S = 10;
    static final int CAMERAS = 100;
    static final int EVENT_CAMERAS = 20;
    static final double CAMERA_FPS = 2.0;
    static final String ZONE = "Asia/Shanghai";
    /** mqtt.receive_maximum when absent. */
    static final int DEFAULT_RECEIVE_MAXIMUM = new PipelineConfig.MqttConfig(null, null, null, null, null, null, 0).receiveMaximum();

    private final boolean quick;
    private final Path testdata;
    private final String mqttUrl;
    private final String esUrl;
    private final String s3Url;
    private final String password;
    /** nce-admin's password: the bench's publishers log in as the admin user (its own sites). */
    private final String adminPassword;
    private final Path home;
    private final String run;
    private final Figures figures = new Figures();

    PipelineBench(boolean quick, Path testdata) throws Exception {
        this.quick = quick;
        this.testdata = testdata;
        this.mqttUrl = env("NCE_MQTT_URL", "tcp://127.0.0.1:" + env("NCE_MQTT_PORT", "1883"));
        this.esUrl = env("NCE_ES_URL", "http://127.0.0.1:" + env("NCE_ES_PORT", "9200"));
        this.s3Url = env("NCE_S3_ENDPOINT", "http://127.0.0.1:" + env("NCE_S3_PORT", "9000"));
        this.password = env("NCE_MQTT_PASSWORD", "nce-dev-mqtt");
        this.adminPassword = env("NCE_MQTT_ADMIN_PASSWORD", "nce-dev-admin");
        this.run = Long.toString(System.currentTimeMillis() / 1000 % 1_000_000_000L, 36);
        this.home = Files.createDirectories(Path.of(env("NCE_HOME", ".nce"), "bench", run)).toAbsolutePath();
    }

    /** Phases to run ({@code --only}); null: all. */
    static java.util.Set<String> only;

    public static void main(String[] args) throws Exception {
        Path json = null;
        boolean quick = false;
        Path testdata = Path.of(env("NCE_TESTDATA", "../shared/testdata"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--json" -> json = Path.of(args[++i]);
                case "--testdata" -> testdata = Path.of(args[++i]);
                case "--only" -> only = java.util.Set.of(args[++i].split(","));
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> {
                    System.err.println("unknown argument " + args[i] + "\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        ClipReader.quietFfmpegLogs();
        PipelineBench b = new PipelineBench(quick, testdata);
        b.runAll();
        String table = BenchFigures.table(b.figures);
        System.out.println();
        System.out.print(table);
        if (json != null) {
            writeJson(json, BenchFigures.toJson(b.figures));
        }
        deleteTree(b.home);
        System.exit(0);
    }

    void runAll() {
        figures.machine = new BenchFigures.Machine(Runtime.getRuntime().availableProcessors(), cpuModel(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), env("NCE_BENCH_COMMIT", "unknown"));
        say("run " + run + (quick ? " (quick)" : "") + ": MQTT " + mqttUrl + ", Elasticsearch " + esUrl + ", S3 " + s3Url);
        try {
            NceJob.prepareStores(config("prepare", List.of(), List.of(), 2000, 1000, mqttUrl));
        } catch (Exception e) {
            figures.notes.add("Elasticsearch indices could not be prepared: " + e.getMessage());
        }
        phase("readings, job operators alone", this::readingsJob);
        phase("readings end to end, defaults, then alert -> case", this::readingsE2eDefaults);
        OwnMosquitto own = null;
        try {
            own = OwnMosquitto.start(home, 65535, 5_000_000);
        } catch (Exception e) {
            figures.notes.add("no Mosquitto of the bench's own (" + e.getMessage() + "): tuned readings run skipped, "
                    + "the source/Paho ratio measured on the project broker");
        }
        OwnMosquitto tuned = own;
        if (tuned != null) {
            phase("readings end to end, tuned", () -> readingsE2eTuned(tuned));
        }
        phase("MQTT source vs bare Paho", () -> sourceRatio(tuned));
        if (own != null) {
            try {
                own.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        phase("frames end to end", this::frames);
    }

    interface Phase {
        void run() throws Exception;
    }

    private void phase(String name, Phase p) {
        if (only != null && only.stream().noneMatch(o -> name.toLowerCase(Locale.ROOT).startsWith(o.toLowerCase(Locale.ROOT)))) {
            return;
        }
        say("== " + name);
        long t0 = System.nanoTime();
        try {
            p.run();
        } catch (Exception | Error e) {
            figures.notes.add(name + ": not measured, " + e);
            e.printStackTrace(System.err);
        }
        say("   (" + (System.nanoTime() - t0) / 1_000_000_000 + " s)");
    }

    // ---- configuration ----------------------------------------------------------------------

    PipelineConfig config(String site, List<SensorConfig> sensors, List<CameraConfig> cameras, long checkpointMs,
                          int receiveMaximum, String broker) {
        String topic = cameras.isEmpty() ? "nce/" + site + "/sensor/+/reading" : "nce/" + site + "/camera/+/frame";
        return new PipelineConfig(
                new PipelineConfig.MqttConfig(broker, "nce-pipeline", "NCE_MQTT_PASSWORD", "nce-bench-" + site,
                        List.of(topic), 1, 600, receiveMaximum),
                new PipelineConfig.S3Config(s3Url, null, null, null),
                new PipelineConfig.EsConfig(esUrl),
                new JobConfig(checkpointMs, 2, null, null, null, null, home.resolve("checkpoints-" + site).toUri().toString(), null),
                null, new PipelineConfig.CaseConfig(null, ZONE, null), cameras, sensors);
    }

    static List<SensorConfig> noiseSensors(String site, String prefix, int n, int sustainS) {
        List<SensorConfig> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new SensorConfig(String.format(Locale.ROOT, "%s-%03d", prefix, i), site, "noise", "gb3096", "2", null, sustainS));
        }
        return out;
    }

    /** Quiet readings (35-45 dB(A), under every GB 3096 class-2 limit), one second apart per sensor, all in the past. */
    static byte[][] quietReadings(String site, List<SensorConfig> sensors, int n, String[] topicsOut) {
        int per = (n + sensors.size() - 1) / sensors.size();
        long base = System.currentTimeMillis() - (per + 120) * 1000L;
        Random rnd = new Random(7);
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            SensorConfig s = sensors.get(i % sensors.size());
            long ts = base + (i / sensors.size()) * 1000L;
            out[i] = Json.write(new SensorReading(site, s.id(), SensorKind.NOISE, ts, 35 + 10 * rnd.nextDouble(), null, null));
            topicsOut[i] = Topics.reading(site, s.id());
        }
        return out;
    }

    // ---- readings: the operators alone --------------------------------------------------------

    static volatile MqttRecord[] records;

    void readingsJob() throws Exception {
        int n = quick ? 150_000 : 400_000;
        String site = "bench-" + run + "-j";
        List<SensorConfig> sensors = noiseSensors(site, "nz", SENSORS, 60);
        String[] topics = new String[n];
        byte[][] payloads = quietReadings(site, sensors, n, topics);
        MqttRecord[] rs = new MqttRecord[n];
        for (int i = 0; i < n; i++) {
            rs[i] = new MqttRecord(topics[i], payloads[i], 1, false, System.currentTimeMillis());
        }
        records = rs;
        Map<String, String> siteBySensor = new HashMap<>();
        Map<String, SensorLimits> limits = new HashMap<>();
        for (SensorConfig s : sensors) {
            siteBySensor.put(s.id(), s.site());
            limits.put(s.id(), SensorLimits.forSensor(s));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(BenchSupport.flinkConf(BenchSupport.freePort(), 2));
        env.setParallelism(2);
        var decoded = env.fromSequence(0, n - 1)
                .map(i -> records[(int) (long) i]).returns(TypeInformation.of(MqttRecord.class))
                .process(new DecodeFunction(Map.of(), siteBySensor, JobConfig.of(2000, 2))).name("decode");
        decoded.getSideOutput(DecodeFunction.READINGS)
                .keyBy(SensorReading::sensorId)
                .process(new SensorRuleFunction(limits, ZONE)).name("sensor rules")
                .sinkTo(new DiscardingSink<>());
        long t0 = System.nanoTime();
        env.execute("bench-readings-job");
        double s = (System.nanoTime() - t0) / 1e9;
        records = null;
        figures.readingsPerSJob = n / s;
        say(String.format(Locale.ROOT, "   %d readings of %d sensors in %.2f s (execute, including job start): %.0f/s", n, SENSORS, s, n / s));
    }

    // ---- readings end to end --------------------------------------------------------------------

    record E2e(double perS, long taken, long n, boolean finished) {
    }

    void readingsE2eDefaults() throws Exception {
        long ckpt = JobConfig.of(2000, 2).checkpointIntervalMs();
        int rm = DEFAULT_RECEIVE_MAXIMUM;
        int n = quick ? 5_000 : 10_000;
        String site = "bench-" + run + "-d";
        E2e r = readingsRun(site, mqttUrl, ckpt, rm, n, 4, 500, true);
        figures.readingsPerSE2eDefault = r.perS();
        figures.readingsE2eDefaultSettings = String.format(Locale.ROOT,
                "defaults: checkpoint %d ms, receive_maximum %d, project Mosquitto (max_inflight_messages 1000); N=%d%s", ckpt, rm, n,
                r.finished() ? "" : ", unfinished: " + r.taken() + " taken in");
        figures.notes.add(String.format(Locale.ROOT,
                "readings end to end with the defaults: %.0f/s; the source acknowledges at checkpoints, so at most receive_maximum "
                        + "(%d) messages per session would be in flight per checkpoint interval (%d ms, 2 sessions): %.0f/s, but Mosquitto "
                        + "2.0.11 does not hold a v5 client to its Receive Maximum after the first ack (deploy/local/mosquitto.conf.in), "
                        + "so the figure is above that bound", r.perS(), rm, ckpt, 2 * rm * 1000.0 / ckpt));
    }

    void readingsE2eTuned(OwnMosquitto broker) throws Exception {
        long ckpt = 1000;
        int rm = 65535;
        int n = quick ? 100_000 : 300_000;
        String site = "bench-" + run + "-t";
        E2e r = readingsRun(site, broker.url(), ckpt, rm, n, 4, 2000, false);
        figures.readingsPerSE2e = r.perS();
        figures.readingsE2eSettings = String.format(Locale.ROOT,
                "tuned: checkpoint %d ms, receive_maximum %d, own Mosquitto max_inflight_messages %d; N=%d%s", ckpt, rm,
                broker.maxInflight, n, r.finished() ? "" : ", unfinished: " + r.taken() + " taken in");
        figures.notes.add(String.format(Locale.ROOT,
                "readings_per_s_e2e is the tuned run (checkpoint %d ms, receive_maximum %d, broker max_inflight_messages %d: "
                        + "window bound %.0f/s); publishers: 4 Paho v5 clients, QoS 1, 2000 in flight each", ckpt, rm,
                broker.maxInflight, rm * 1000.0 / ckpt));
    }

    /**
     * Starts the real NceJob for {@code SENSORS} sensors (plus the alert sensors when {@code alerts}), waits until
     * it takes in a first reading, then publishes {@code n} readings with {@code publishers} clients and
     * times from the first publish until the sensor-rule operator's numRecordsIn has all of them.
     */
    E2e readingsRun(String site, String broker, long ckpt, int receiveMax, int n, int publishers, int window,
                    boolean alerts) throws Exception {
        List<SensorConfig> sensors = new ArrayList<>(noiseSensors(site, "nz", SENSORS, 60));
        List<SensorConfig> alertSensors = alerts ? noiseSensors(site, "al", ALERT_SENSORS, ALERT_SUSTAIN_S) : List.of();
        sensors.addAll(alertSensors);
        PipelineConfig config = config(site, sensors, List.of(), ckpt, receiveMax, broker);
        String[] topics = new String[n];
        byte[][] payloads = quietReadings(site, sensors.subList(0, SENSORS), n, topics);
        // The job's session exists before anything is published: nothing is lost while it starts.
        jobSessions(broker, config);
        int restPort = BenchSupport.freePort();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(BenchSupport.flinkConf(restPort, 2));
        NceJob.build(env, config);
        JobClient job = env.executeAsync("bench-readings-" + site);
        Rest rest = new Rest("http://127.0.0.1:" + restPort);
        String jobId = job.getJobID().toHexString();
        List<Publisher> pubs = new ArrayList<>();
        try {
            BenchSupport.waitRunning(rest, jobId, 60_000);
            String rules = rest.vertex(jobId, "sensor rules");
            for (int i = 0; i < publishers; i++) {
                pubs.add(new Publisher(broker, "bench-pub-" + site + "-" + i, "nce-admin", adminPassword, window));
            }
            // One reading first, to know the job reads (its source is subscribed, its metrics report).
            pubs.get(0).publish(Topics.reading(site, sensors.get(0).id()), Json.write(new SensorReading(site, sensors.get(0).id(),
                    SensorKind.NOISE, System.currentTimeMillis() - 3_600_000, 40, null, null)));
            long warm = System.currentTimeMillis() + 60_000;
            while (rest.sum(jobId, rules, "numRecordsIn") < 1) {
                if (System.currentTimeMillis() > warm) {
                    throw new IllegalStateException("the job took in no reading within 60 s");
                }
                Thread.sleep(100);
            }
            long base = rest.sum(jobId, rules, "numRecordsIn");
            long t0 = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                Publisher pub = pubs.get(p);
                int first = p;
                Thread t = new Thread(() -> {
                    try {
                        for (int i = first; i < n; i += publishers) {
                            pub.publish(topics[i], payloads[i]);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "bench-publisher-" + p);
                t.start();
                threads.add(t);
            }
            long timeoutMs = Math.max(60_000, (long) (n * 1000.0 / (receiveMax * 1000.0 / ckpt)) * 3);
            long deadline = System.currentTimeMillis() + Math.min(timeoutMs, quick ? 90_000 : 180_000);
            long taken = 0;
            boolean finished = false;
            double s;
            while (true) {
                taken = rest.sum(jobId, rules, "numRecordsIn") - base;
                s = (System.nanoTime() - t0) / 1e9;
                if (taken >= n) {
                    finished = true;
                    break;
                }
                if (System.currentTimeMillis() > deadline) {
                    break;
                }
                Thread.sleep(100);
            }
            for (Thread t : threads) {
                t.interrupt();
                t.join(5000);
            }
            long published = pubs.stream().mapToLong(pp -> pp.completed.get()).sum();
            double pubS = s;
            say(String.format(Locale.ROOT, "   %d of %d readings taken in by the sensor rules in %.2f s: %.0f/s (%d publishes acknowledged by the broker)",
                    taken, n, s, taken / s, published));
            E2e result = new E2e(taken / pubS, taken, n, finished);
            if (alerts) {
                alertToCase(site, alertSensors, pubs.get(0));
            }
            return result;
        } finally {
            pubs.forEach(Publisher::close);
            job.cancel().get();
            dropJobSessions(broker, config); // their queued backlog would slow the broker for the next phase
        }
    }

    /** The job's sessions (client id {@code <prefix>-<subtask>}, shared subscription) exist before anything is published. */
    private void jobSessions(String broker, PipelineConfig config) throws MqttException {
        for (int i = 0; i < config.job().parallelism(); i++) {
            BenchSupport.createSession(broker, config.mqtt().clientId() + "-" + i,
                    "$share/" + config.mqtt().clientId() + "/" + config.mqtt().topics().get(0), "nce-pipeline", password);
        }
    }

    /** Ends the job's sessions and drops what the broker still queues for them (frames it never took in). */
    private void dropJobSessions(String broker, PipelineConfig config) {
        for (int i = 0; i < config.job().parallelism(); i++) {
            try {
                BenchSupport.discardSession(broker, config.mqtt().clientId() + "-" + i, "nce-pipeline", password);
            } catch (MqttException e) {
                say("   could not drop session " + config.mqtt().clientId() + "-" + i + ": " + e);
            }
        }
    }

    // ---- alert -> case ----------------------------------------------------------------------

    /**
     * Each alert sensor gets {@value #ALERT_SUSTAIN_S} - 1 loud readings (80 dB(A), one second apart), which do
     * not yet cover its sustain window; then, one sensor every 100 ms, the reading that completes the window.
     * From that publish until a case in nce-cases holds the sensor's alert (polled every 50 ms).
     */
    void alertToCase(String site, List<SensorConfig> alertSensors, Publisher pub) throws Exception {
        long t0 = System.currentTimeMillis() - 30_000;
        for (int i = 0; i < ALERT_SUSTAIN_S - 1; i++) {
            for (SensorConfig s : alertSensors) {
                pub.publish(Topics.reading(site, s.id()), Json.write(new SensorReading(site, s.id(), SensorKind.NOISE,
                        t0 + i * 1000L, 80, null, null)));
            }
        }
        pub.drain(10_000);
        Thread.sleep(3_000); // taken in; none is an alert yet (the window is not covered)
        Map<String, Long> publishedAt = new LinkedHashMap<>();
        Map<String, Long> latency = new LinkedHashMap<>();
        Map<String, Long> alertLatency = new LinkedHashMap<>();
        Thread poller = new Thread(() -> pollCases(publishedAt, latency, alertLatency), "bench-case-poller");
        poller.start();
        for (SensorConfig s : alertSensors) {
            String id = Alert.idFor(s.id(), EventType.NOISE_EXCEEDANCE, t0);
            synchronized (publishedAt) {
                publishedAt.put(id, System.currentTimeMillis());
            }
            pub.publish(Topics.reading(site, s.id()), Json.write(new SensorReading(site, s.id(), SensorKind.NOISE,
                    t0 + (ALERT_SUSTAIN_S - 1) * 1000L, 80, null, null)));
            Thread.sleep(100);
        }
        poller.join(40_000);
        poller.interrupt();
        List<Long> values;
        synchronized (publishedAt) {
            values = new ArrayList<>(latency.values());
        }
        figures.alertToCaseMs = Latency.of(values);
        if (values.size() < alertSensors.size()) {
            figures.notes.add("alert -> case: only " + values.size() + " of " + alertSensors.size() + " alerts reached a case within 30 s");
        }
        say(String.format(Locale.ROOT, "   alert -> case: %d of %d, p50 %s ms, p99 %s ms", values.size(), alertSensors.size(),
                figures.alertToCaseMs.p50(), figures.alertToCaseMs.p99()));
        Latency toAlert;
        synchronized (publishedAt) {
            toAlert = Latency.of(new ArrayList<>(alertLatency.values()));
        }
        // Where the time goes: the alert document is written after the evidence stage, in parallel with the case stage.
        figures.notes.add(String.format(Locale.ROOT, "alert -> case breakdown: reading published -> alert (with its evidence) "
                + "searchable in nce-alerts p50 %s / p99 %s ms (%d); -> case searchable in nce-cases p50 %s / p99 %s ms",
                toAlert.p50(), toAlert.p99(), toAlert.samples(), figures.alertToCaseMs.p50(), figures.alertToCaseMs.p99()));
        say("   " + figures.notes.get(figures.notes.size() - 1));
    }

    private void pollCases(Map<String, Long> publishedAt, Map<String, Long> latency, Map<String, Long> alertLatency) {
        long deadline = System.currentTimeMillis() + 30_000 + ALERT_SENSORS * 100L;
        try {
            while (System.currentTimeMillis() < deadline) {
                List<String> pending;
                synchronized (publishedAt) {
                    pending = publishedAt.keySet().stream().filter(k -> !latency.containsKey(k)).toList();
                    if (latency.size() == ALERT_SENSORS && alertLatency.size() == ALERT_SENSORS) {
                        return;
                    }
                }
                List<String> alertsPending;
                synchronized (publishedAt) {
                    alertsPending = publishedAt.keySet().stream().filter(k -> !alertLatency.containsKey(k)).toList();
                }
                if (!alertsPending.isEmpty()) {
                    JsonNode r = BenchSupport.postJson(esUrl + "/" + org.nce.model.StoreLayout.ALERTS + "/_search",
                            "{\"size\":100,\"_source\":false,\"query\":{\"ids\":{\"values\":" + Json.writeString(alertsPending) + "}}}");
                    long now = System.currentTimeMillis();
                    for (JsonNode hit : r.path("hits").path("hits")) {
                        synchronized (publishedAt) {
                            Long at = publishedAt.get(hit.path("_id").asText());
                            if (at != null) {
                                alertLatency.putIfAbsent(hit.path("_id").asText(), now - at);
                            }
                        }
                    }
                }
                if (!pending.isEmpty()) {
                    String body = "{\"size\":100,\"_source\":[\"alert_ids\"],\"query\":{\"terms\":{\"alert_ids\":"
                            + Json.writeString(pending) + "}}}";
                    JsonNode r = BenchSupport.postJson(esUrl + "/" + org.nce.model.StoreLayout.CASES + "/_search", body);
                    long now = System.currentTimeMillis();
                    for (JsonNode hit : r.path("hits").path("hits")) {
                        for (JsonNode id : hit.path("_source").path("alert_ids")) {
                            synchronized (publishedAt) {
                                Long at = publishedAt.get(id.asText());
                                if (at != null && !latency.containsKey(id.asText())) {
                                    latency.put(id.asText(), now - at);
                                }
                            }
                        }
                    }
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            figures.notes.add("alert -> case polling failed: " + e);
        }
    }

    // ---- MQTT source vs bare Paho -------------------------------------------------------------

    static final AtomicLong SINK_COUNT = new AtomicLong();
    static final AtomicLong SINK_FIRST = new AtomicLong();
    static final AtomicLong SINK_LAST = new AtomicLong();

    static void sinkHit() {
        long now = System.nanoTime();
        if (SINK_COUNT.incrementAndGet() == 1) {
            SINK_FIRST.set(now);
        }
        SINK_LAST.set(now);
    }

    void sourceRatio(OwnMosquitto own) throws Exception {
        String broker = own != null ? own.url() : mqttUrl;
        int rm = own != null ? 65535 : DEFAULT_RECEIVE_MAXIMUM;
        int m = quick ? 30_000 : 50_000;
        byte[] payload = new byte[200];
        new Random(3).nextBytes(payload);
        String topicBase = "bench/" + run + "/ratio";

        // Bare Paho: manual acknowledgement, each message acknowledged as it arrives.
        String pahoTopic = topicBase + "/paho";
        String pahoId = "bench-paho-" + run;
        BenchSupport.createSession(broker, pahoId, pahoTopic, "nce-admin", adminPassword);
        publishAll(broker, pahoTopic, payload, m);
        AtomicLong count = new AtomicLong();
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        MqttAsyncClient c = new MqttAsyncClient(broker, pahoId, new MemoryPersistence());
        c.setManualAcks(true);
        MqttAsyncClient cref = c;
        c.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage msg) throws Exception {
                long now = System.nanoTime();
                if (count.incrementAndGet() == 1) {
                    first.set(now);
                }
                last.set(now);
                cref.messageArrivedComplete(msg.getId(), msg.getQos());
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        c.connect(BenchSupport.options("nce-admin", adminPassword, false, 600, rm)).waitForCompletion(10_000);
        long deadline = System.currentTimeMillis() + 120_000;
        while (count.get() < m && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        c.disconnect().waitForCompletion(5000);
        c.close(true);
        double paho = (count.get() - 1) / ((last.get() - first.get()) / 1e9);

        // The job's MQTT source alone, into a discarding sink.
        String srcTopic = topicBase + "/source";
        String prefix = "bench-src-" + run;
        BenchSupport.createSession(broker, prefix + "-0", "$share/" + prefix + "/" + srcTopic, "nce-admin", adminPassword);
        publishAll(broker, srcTopic, payload, m);
        SINK_COUNT.set(0);
        int restPort = BenchSupport.freePort();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(BenchSupport.flinkConf(restPort, 2));
        env.setParallelism(1); // one session, as the bare Paho client has
        env.enableCheckpointing(1000);
        MqttSource source = MqttSource.builder().serverUri(broker).credentials("nce-admin", adminPassword)
                .clientIdPrefix(prefix).topics(srcTopic).qos(1).sessionExpirySeconds(600).receiveMaximum(rm).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "mqtt")
                .map(r -> {
                    sinkHit();
                    return r.payload().length;
                }).returns(TypeInformation.of(Integer.class))
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("bench-source-" + run);
        try {
            deadline = System.currentTimeMillis() + 120_000;
            while (SINK_COUNT.get() < m && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            job.cancel().get();
        }
        double src = (SINK_COUNT.get() - 1) / ((SINK_LAST.get() - SINK_FIRST.get()) / 1e9);
        figures.mqttSourceRatioToPaho = src / paho;
        figures.ratioSettings = String.format(Locale.ROOT, "%d × 200 B pre-queued; Paho %.0f/s (%d), source %.0f/s (%d); "
                        + "receive_maximum %d, one session each (source parallelism 1, checkpoint 1 s)%s", m, paho, count.get(), src, SINK_COUNT.get(), rm,
                own != null ? ", own Mosquitto" : ", project Mosquitto");
        say("   " + figures.ratioSettings);
    }

    private void publishAll(String broker, String topic, byte[] payload, int m) throws Exception {
        try (Publisher p = new Publisher(broker, "bench-fill-" + run + "-" + Math.abs(topic.hashCode()), "nce-admin", adminPassword, 500)) {
            for (int i = 0; i < m; i++) {
                p.publish(topic, payload);
            }
            p.drain(60_000);
        }
    }

    // ---- frames end to end ----------------------------------------------------------------------

    /** A camera's replay: pre-encoded 640x360 JPEGs. */
    record Replay(String source, List<byte[]> jpegs) {
    }

    void frames() throws Exception {
        Path models = testdata.resolve("models/yolo-fastest-1.1_coco");
        Path labels = testdata.resolve("labels.csv");
        if (!Files.isRegularFile(labels) || !Files.isDirectory(models)) {
            figures.notes.add("frames: skipped, no test footage and model at " + testdata.toAbsolutePath()
                    + " (labels.csv, models/yolo-fastest-1.1_coco); see ../shared/testdata/PROVENANCE.md");
            return;
        }
        long t = System.nanoTime();
        List<Replay> events = new ArrayList<>();
        List<Replay> quiet = new ArrayList<>();
        for (LabelsCsv.ClipLabels clip : LabelsCsv.read(labels).clips()) {
            Path file = testdata.resolve(clip.file());
            boolean event = clip.intervals().stream().anyMatch(i -> i.event() != null);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            if (event && events.size() < EVENT_CAMERAS) {
                List<byte[]> jpegs = new ArrayList<>();
                List<Mat> mats = ClipReader.readAll(file, quick ? 100 : 150, new Size(640, 360));
                for (int i = 0; i < mats.size(); i++) {
                    if (i % 5 == 0) {
                        jpegs.add(jpeg(mats.get(i)));
                    }
                    mats.get(i).close();
                }
                if (!jpegs.isEmpty()) {
                    events.add(new Replay(clip.file(), jpegs));
                }
            } else if (!event && quiet.size() < 4) {
                List<Mat> mats = ClipReader.readAll(file, 1, new Size(640, 360));
                if (!mats.isEmpty()) {
                    quiet.add(new Replay(clip.file() + " (first frame, noise, drift)", stillWithNoise(mats.get(0), 40)));
                    mats.forEach(Mat::close);
                }
            }
        }
        if (events.isEmpty() || quiet.isEmpty()) {
            figures.notes.add("frames: skipped, no readable clips in " + testdata);
            return;
        }
        say(String.format(Locale.ROOT, "   %d event clips, %d quiet stills encoded in %.1f s", events.size(), quiet.size(),
                (System.nanoTime() - t) / 1e9));
        Map<String, Object> model = Map.of("model_path", models.resolve("yolo-fastest-1.1.cfg").toString(),
                "weights_path", models.resolve("yolo-fastest-1.1.weights").toString(),
                "names_path", models.resolve("coco.names").toString());
        List<DetectorSpec> detectors = List.of(
                new DetectorSpec(DetectorFactory.OPEN_BURNING, Map.of()),
                new DetectorSpec(DetectorFactory.MUCK_DUMPING, Map.of("zones",
                        List.of(List.of(List.of(0.05, 0.55), List.of(0.60, 0.55), List.of(0.60, 0.98), List.of(0.05, 0.98))),
                        "actor_model", model)),
                new DetectorSpec(DetectorFactory.UNLEASHED_DOG, Map.of("model", model)));
        detectorCosts(events.get(0), detectors);
        gatedCost(events.get(0), detectors);
        gatedCost(quiet.get(0), detectors);

        String site = "bench-" + run + "-f";
        List<CameraConfig> cameras = new ArrayList<>();
        List<Replay> replay = new ArrayList<>();
        for (int i = 0; i < CAMERAS; i++) {
            cameras.add(new CameraConfig(String.format(Locale.ROOT, "cam-%03d", i), site, detectors));
            replay.add(i < EVENT_CAMERAS ? events.get(i % events.size()) : quiet.get(i % quiet.size()));
        }
        PipelineConfig config = config(site, List.of(), cameras, JobConfig.of(2000, 2).checkpointIntervalMs(),
                DEFAULT_RECEIVE_MAXIMUM, mqttUrl);
        jobSessions(mqttUrl, config);
        int restPort = BenchSupport.freePort();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(BenchSupport.flinkConf(restPort, 2));
        NceJob.build(env, config);
        JobClient job = env.executeAsync("bench-frames-" + run);
        Rest rest = new Rest("http://127.0.0.1:" + restPort);
        String jobId = job.getJobID().toHexString();
        List<Publisher> pubs = new ArrayList<>();
        try {
            BenchSupport.waitRunning(rest, jobId, 60_000);
            String vertex = rest.vertex(jobId, "camera detectors");
            for (int i = 0; i < 4; i++) {
                pubs.add(new Publisher(mqttUrl, "bench-cam-" + site + "-" + i, "nce-admin", adminPassword, 500));
            }
            long durationMs = quick ? 30_000 : 60_000;
            long warmupMs = quick ? 10_000 : 15_000;
            String boot = "bench" + run;
            long start = System.currentTimeMillis();
            long periodMs = (long) (1000 / CAMERA_FPS);
            long[] next = new long[CAMERAS];
            long[] seq = new long[CAMERAS];
            for (int i = 0; i < CAMERAS; i++) {
                next[i] = start + i * periodMs / CAMERAS;
            }
            long published = 0;
            long takenAtWarm = -1;
            long publishedAtWarm = 0;
            long warmAt = 0;
            long lastPoll = 0;
            while (true) {
                long now = System.currentTimeMillis();
                if (now - start >= durationMs) {
                    break;
                }
                for (int i = 0; i < CAMERAS; i++) {
                    if (next[i] <= now) {
                        Replay r = replay.get(i);
                        byte[] jpeg = r.jpegs().get((int) ((seq[i] + i) % r.jpegs().size()));
                        String cam = cameras.get(i).id();
                        pubs.get(i % pubs.size()).publish(Topics.frame(site, cam),
                                FrameCodec.encode(new Frame(site, cam, boot, seq[i], now, 640, 360, jpeg)));
                        seq[i]++;
                        published++;
                        next[i] += periodMs;
                    }
                }
                if (takenAtWarm < 0 && now - start >= warmupMs) {
                    takenAtWarm = rest.sum(jobId, vertex, "numRecordsIn");
                    publishedAtWarm = published;
                    warmAt = now;
                }
                if (now - lastPoll > 5000) {
                    lastPoll = now;
                    long taken = rest.sum(jobId, vertex, "numRecordsIn");
                    say(String.format(Locale.ROOT, "   [%2ds] frames published %d, taken in by the camera stage %d (lag %d)",
                            (now - start) / 1000, published, taken, published - taken));
                }
                Thread.sleep(5);
            }
            long end = System.currentTimeMillis();
            long takenEnd = rest.sum(jobId, vertex, "numRecordsIn");
            double rate = (takenEnd - takenAtWarm) * 1000.0 / (end - warmAt);
            double pubRate = (published - publishedAtWarm) * 1000.0 / (end - warmAt);
            long lagWarm = publishedAtWarm - takenAtWarm;
            long lagEnd = published - takenEnd;
            figures.framesPerSE2e = rate;
            figures.framesSettings = String.format(Locale.ROOT,
                    "%d cameras × %.0f fps (%d replaying event clips, %d quiet stills), all 3 detectors each; published %.0f/s; "
                            + "lag %d → %d frames over %d s after %d s warm-up (%s)",
                    CAMERAS, CAMERA_FPS, EVENT_CAMERAS, CAMERAS - EVENT_CAMERAS, pubRate, lagWarm, lagEnd, (end - warmAt) / 1000,
                    warmupMs / 1000, lagEnd - lagWarm > pubRate * 2 ? "fell behind" : "kept up");
            say("   " + figures.framesSettings);
            checkpoints(rest, jobId, warmAt);
            double meanJpeg = replay.stream().flatMap(r -> r.jpegs().stream()).mapToInt(j -> j.length).average().orElse(0);
            int keep = config.evidence().preEventFrames() + config.evidence().postEventFrames() + 1;
            figures.notes.add(String.format(Locale.ROOT, "state per camera was read when the camera stage had taken in %.0f frames "
                            + "per camera; its pre-event buffer keeps up to %d frames, so a camera that keeps up holds about %d × %.0f KB "
                            + "(mean JPEG) = %.1f MB of frames, plus the keys of the frames seen in the last 15 min",
                    takenEnd / (double) CAMERAS, keep, keep, meanJpeg / 1024, keep * meanJpeg / (1024 * 1024)));
        } finally {
            pubs.forEach(Publisher::close);
            job.cancel().get();
            dropJobSessions(mqttUrl, config); // their queued backlog would slow the broker for the next phase
        }
    }

    private void checkpoints(Rest rest, String jobId, long after) throws Exception {
        JsonNode c = rest.checkpoints(jobId);
        List<Long> durations = new ArrayList<>();
        for (JsonNode h : c.path("history")) {
            if ("COMPLETED".equals(h.path("status").asText()) && h.path("trigger_timestamp").asLong() >= after) {
                durations.add(h.path("end_to_end_duration").asLong());
            }
        }
        figures.checkpointMs = Latency.of(durations);
        JsonNode latest = c.path("latest").path("completed");
        if (!latest.isMissingNode() && !latest.isNull()) {
            figures.stateBytesPerCamera = latest.path("state_size").asDouble() / CAMERAS;
        }
        figures.notes.add(String.format(Locale.ROOT, "checkpoints in the frames run: %d completed after warm-up, %d failed in all; "
                        + "hashmap state backend, full checkpoints to file:// (job defaults)", durations.size(),
                c.path("counts").path("failed").asLong()));
        say(String.format(Locale.ROOT, "   checkpoints: %s, latest state %s bytes", figures.checkpointMs, latest.path("state_size").asText()));
    }

    /** Milliseconds per frame of JPEG decode and of each detector, one thread, on an event clip's frames in order. */
    private void detectorCosts(Replay clip, List<DetectorSpec> specs) {
        int passes = 3;
        StringBuilder b = new StringBuilder("ms per frame on one core (" + clip.source() + ", " + clip.jpegs().size()
                + " frames × " + passes + "): ");
        long decodeNs = 0;
        List<Mat> mats = new ArrayList<>();
        for (int p = 0; p < passes; p++) {
            for (byte[] j : clip.jpegs()) {
                long t0 = System.nanoTime();
                Mat m = opencv_imgcodecs.imdecode(new Mat(new BytePointer(j)), opencv_imgcodecs.IMREAD_COLOR);
                decodeNs += System.nanoTime() - t0;
                if (p == 0) {
                    mats.add(m);
                } else {
                    m.close();
                }
            }
        }
        int frames = passes * clip.jpegs().size();
        b.append(String.format(Locale.ROOT, "jpeg decode %.2f", decodeNs / 1e6 / frames));
        double total = decodeNs / 1e6 / frames;
        for (DetectorSpec spec : specs) {
            try (Detector d = DetectorFactory.create(spec.type(), spec.params())) {
                long ns = 0;
                long ts = System.currentTimeMillis() - 3_600_000;
                int k = 0;
                for (int p = 0; p < passes; p++) {
                    for (Mat m : mats) {
                        long t0 = System.nanoTime();
                        d.detect(m, new FrameMeta("cost", k, ts + k * 500L, CAMERA_FPS));
                        ns += System.nanoTime() - t0;
                        k++;
                    }
                }
                double ms = ns / 1e6 / k;
                total += ms;
                b.append(String.format(Locale.ROOT, ", %s %.2f", spec.type(), ms));
            }
        }
        mats.forEach(Mat::close);
        b.append(String.format(Locale.ROOT, "; sum %.2f ms → at most %.0f frames/s per core before Flink, MQTT and the stores,"
                + " when every frame reaches every detector (the motion gate's effect: the next notes)", total, 1000 / total));
        figures.notes.add(b.toString());
        say("   " + b);
    }

    /**
     * Milliseconds per frame of a camera as the camera stage runs it (one thread): the JPEG read at 1/4,
     * the shared motion gate, and for the frames it lets through the full decode and all three detectors.
     */
    private void gatedCost(Replay clip, List<DetectorSpec> specs) {
        int passes = 3;
        List<Detector> ds = new ArrayList<>();
        long ns = 0;
        int frames = 0;
        try (MotionGate gate = new MotionGate(MotionGateConfig.defaults())) {
            for (DetectorSpec spec : specs) {
                ds.add(DetectorFactory.create(spec.type(), spec.params()));
            }
            long ts = System.currentTimeMillis() - 3_600_000;
            for (int p = 0; p < passes; p++) {
                for (byte[] j : clip.jpegs()) {
                    long t0 = System.nanoTime();
                    try (Mat enc = new Mat(new BytePointer(j));
                         Mat small = opencv_imgcodecs.imdecode(enc, gate.decodeFlag(640))) {
                        boolean busy = ds.stream().anyMatch(Detector::busy); // as the camera stage asks
                        if (gate.offer(small, ts + frames * 500L, busy).passes()) {
                            try (Mat bgr = opencv_imgcodecs.imdecode(enc, opencv_imgcodecs.IMREAD_COLOR)) {
                                FrameMeta meta = new FrameMeta("cost", frames, ts + frames * 500L, CAMERA_FPS);
                                for (Detector d : ds) {
                                    d.detect(bgr, meta);
                                }
                            }
                        }
                    }
                    ns += System.nanoTime() - t0;
                    frames++;
                }
            }
            String line = String.format(Locale.ROOT, "camera stage behind the motion gate, one core (%s, %d frames × %d at 2 fps):"
                            + " %.2f ms per frame, %.0f %% of frames reached the detectors", clip.source(), clip.jpegs().size(), passes,
                    ns / 1e6 / frames, 100.0 * gate.passed() / frames);
            figures.notes.add(line);
            say("   " + line);
        } finally {
            ds.forEach(Detector::close);
        }
    }

    static byte[] jpeg(Mat bgr) {
        try (IntPointer params = new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 80);
             BytePointer buf = new BytePointer()) {
            opencv_imgcodecs.imencode(".jpg", bgr, buf, params);
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return out;
        }
    }

    /** A still with sensor noise (sigma 3) and a slow lighting drift (±6 % over the sequence), as a quiet camera sees it. */
    static List<byte[]> stillWithNoise(Mat still, int count) {
        List<byte[]> out = new ArrayList<>();
        try (Mat noise = new Mat(still.size(), opencv_core.CV_16SC3); Mat f16 = new Mat(); Mat frame = new Mat();
             Mat mean = new Mat(1, 1, opencv_core.CV_64FC1, new Scalar(0)); Mat sd = new Mat(1, 1, opencv_core.CV_64FC1, new Scalar(3))) {
            for (int i = 0; i < count; i++) {
                double gain = 1 + 0.06 * Math.sin(2 * Math.PI * i / count);
                still.convertTo(f16, opencv_core.CV_16SC3, gain, 0);
                opencv_core.randn(noise, mean, sd);
                opencv_core.add(f16, noise, f16);
                f16.convertTo(frame, opencv_core.CV_8UC3);
                out.add(jpeg(frame));
            }
        }
        return out;
    }

    // ---- small things ---------------------------------------------------------------------------

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return "unknown";
    }

    static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    /** Writes a bench's figures as pretty JSON, creating the directory. */
    static void writeJson(Path json, Object figures) throws java.io.IOException {
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(json, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(figures));
        say("wrote " + json);
    }

    static void say(String s) {
        System.out.println("bench: " + s);
        System.out.flush();
    }

    static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            // a leftover directory under NCE_HOME/bench is not worth failing for
        }
    }
}
