package org.nce.demo.bench;

import static org.nce.demo.bench.PipelineBench.cpuModel;
import static org.nce.demo.bench.PipelineBench.deleteTree;
import static org.nce.demo.bench.PipelineBench.env;
import static org.nce.demo.bench.PipelineBench.say;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
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
import org.nce.demo.bench.BenchSupport.OwnMosquitto;
import org.nce.demo.bench.BenchSupport.Publisher;
import org.nce.demo.bench.GatewayFigures.Figures;
import org.nce.detectors.video.ClipReader;
import org.nce.gateway.Gateway;
import org.nce.gateway.GatewayConfig;
import org.nce.gateway.camera.CameraCapture;
import org.nce.gateway.camera.CameraSettings;
import org.nce.gateway.camera.CameraStats;
import org.nce.gateway.hj212.Hj212Simulator;
import org.nce.gateway.mqtt.BrokerConnection;
import org.nce.gateway.mqtt.Forwarder;
import org.nce.gateway.outbox.Outbox;
import org.nce.gateway.sensor.SensorSimulator;
import org.nce.model.Json;
import org.nce.model.SensorKind;
import org.nce.model.SensorReading;
import org.nce.model.Topics;

/**
 * {@code ./nce bench gateway [--json FILE] [--quick]}: the edge gateway's figures of issue #9 on this
 * machine, against a Mosquitto of the bench's own (free loopback port, users in a password file, as a
 * deployed broker has). Cameras run in child JVMs so their CPU time and resident memory are theirs
 * alone; HJ 212, replay and publish run in this JVM with the real Gateway, listener, outbox and
 * forwarder classes. Nothing here is a unit test: figures are printed and written, never asserted.
 */
public final class GatewayBench {
    static final String USAGE = "usage: GatewayBench [--quick] [--json FILE] [--cameras N] [--monitors N] [--window N]\n"
            + "       [--only cameras,rss,hj212,ratio,replay]";
    static final String ZONE = "Asia/Shanghai";
    static final int CLIP_W = 1280;
    static final int CLIP_H = 720;
    static final int CLIP_FPS = 25;
    static final int CLIP_SECONDS = 24;
    static final int CLIP_BITRATE = 4_000_000;
    static final double SAMPLE_FPS = 2.0;
    static final int LONG_EDGE = 640;
    static final int JPEG_QUALITY = 80;
    static final int RSS_CAMERAS = 16;
    static final String RSS_XMX = "-Xmx256m";
    /** The gateway's default mqtt.window, used for the gateway and for bare Paho alike. */
    static final int WINDOW = new GatewayConfig.Mqtt(null, null, null, null, null, null).window();
    static final int BROKER_INFLIGHT = 1000;
    static final String GW_USER = "gw-bench";
    static final String SUB_USER = "bench";

    private final boolean quick;
    private final int cameras;
    private final int monitors;
    private final int window;
    /** The phases to run (all by default). */
    private final List<String> only;
    private final Path home;
    private final Path cache;
    private final String run;
    private final String gwPassword;
    private final String subPassword;
    private final String hjPassword;
    final Figures figures = new Figures();

    GatewayBench(boolean quick, int cameras, int monitors, int window, List<String> only) throws IOException {
        this.quick = quick;
        this.only = List.copyOf(only);
        this.cameras = cameras;
        this.monitors = monitors;
        this.window = window;
        this.run = Long.toString(System.currentTimeMillis() / 1000 % 1_000_000_000L, 36);
        Path bench = Path.of(env("NCE_HOME", ".nce"), "bench").toAbsolutePath();
        this.cache = Files.createDirectories(bench);
        this.home = Files.createDirectories(bench.resolve("gateway-" + run));
        Random r = new Random();
        this.gwPassword = "gw-" + Long.toString(r.nextLong() >>> 1, 36);
        this.subPassword = "sub-" + Long.toString(r.nextLong() >>> 1, 36);
        this.hjPassword = "pw" + (100000 + r.nextInt(900000));
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            ClipReader.quietFfmpegLogs();
            Child.main(args);
            return;
        }
        Path json = null;
        boolean quick = false;
        Integer cameras = null;
        int monitors = 200;
        int window = 1;
        List<String> only = List.of("cameras", "rss", "hj212", "ratio", "replay");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--json" -> json = Path.of(args[++i]);
                case "--cameras" -> cameras = Integer.parseInt(args[++i]);
                case "--monitors" -> monitors = Integer.parseInt(args[++i]);
                case "--window" -> window = Integer.parseInt(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
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
        GatewayBench b = new GatewayBench(quick, cameras != null ? cameras : quick ? 4 : 8, monitors, window, only);
        b.runAll();
        String table = GatewayFigures.table(b.figures);
        System.out.println();
        System.out.print(table);
        if (json != null) {
            PipelineBench.writeJson(json, GatewayFigures.toJson(b.figures));
        }
        deleteTree(b.home);
        System.exit(0);
    }

    void runAll() throws Exception {
        figures.machine = new GatewayFigures.Machine(Runtime.getRuntime().availableProcessors(), cpuModel(), ramMb(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        figures.commit = env("NCE_BENCH_COMMIT", "unknown");
        figures.date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, Object> p = figures.parameters;
        p.put("quick", quick);
        say("run " + run + (quick ? " (quick)" : "") + ", work in " + home);
        boolean cams = only.contains("cameras") || only.contains("rss");
        Path clip = cams ? phaseValue("720p25 H.264 clip", this::clip) : null;
        if (clip != null && only.contains("cameras")) {
            phase("cameras per core", () -> camerasPerCore(clip));
        }
        OwnMosquitto broker = null;
        try {
            broker = OwnMosquitto.start(new OwnMosquitto.Options(home, 0, BROKER_INFLIGHT, 10_000_000,
                    Map.of(GW_USER, gwPassword, SUB_USER, subPassword), true));
            say("own Mosquitto on " + broker.url() + " (password file, max_inflight_messages " + BROKER_INFLIGHT + ")");
        } catch (Exception e) {
            figures.notes.add("no Mosquitto of the bench's own (" + e.getMessage() + "): nothing through MQTT measured");
        }
        if (broker != null) {
            OwnMosquitto b = broker;
            if (clip != null && only.contains("rss")) {
                phase("resident memory, 16 cameras through a Gateway", () -> rss(clip, b));
            }
            if (only.contains("hj212")) {
                phase("HJ 212 → MQTT, durability fsync", () -> figures.hj212ReadingsPerS = hj212(b, "fsync"));
                phase("HJ 212 → MQTT, durability os", () -> figures.hj212ReadingsPerSOs = hj212(b, "os"));
            }
            if (only.contains("ratio")) {
                phase("gateway publish vs bare Paho", () -> publishRatio(b));
            }
            if (only.contains("replay")) {
                phase("replay after a broker outage", () -> replay(b)); // last: it stops and restarts the broker
            }
            b.close();
        }
    }

    interface Phase {
        void run() throws Exception;
    }

    interface ValuePhase<T> {
        T run() throws Exception;
    }

    private void phase(String name, Phase p) {
        phaseValue(name, () -> {
            p.run();
            return Boolean.TRUE;
        });
    }

    private <T> T phaseValue(String name, ValuePhase<T> p) {
        say("== " + name);
        long t0 = System.nanoTime();
        try {
            return p.run();
        } catch (Exception | Error e) {
            figures.notes.add(name + ": not measured, " + e);
            e.printStackTrace(System.err);
            return null;
        } finally {
            say("   (" + (System.nanoTime() - t0) / 1_000_000_000 + " s)");
        }
    }

    // ---- the clip -------------------------------------------------------------------------------

    /**
     * A 720p 25 fps H.264 clip, made once and kept under {@code $NCE_HOME/bench}: a textured scene
     * panning slowly, a dozen objects moving across it and sensor noise on every frame, so the encoder
     * has real work (about {@value #CLIP_BITRATE} bit/s, a GOP of 2 s, as cameras send).
     */
    Path clip() throws Exception {
        Path clip = cache.resolve(String.format(Locale.ROOT, "gateway-clip-%dx%d-%dfps-%ds-v1.mp4", CLIP_W, CLIP_H, CLIP_FPS,
                CLIP_SECONDS));
        if (!Files.isRegularFile(clip)) {
            say("   writing " + clip + " (once)");
            Path tmp = clip.resolveSibling(clip.getFileName() + ".tmp-" + run);
            writeClip(tmp);
            Files.move(tmp, clip, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(clip.toFile())) {
            g.start();
            String codec = g.getVideoCodecName();
            double seconds = g.getLengthInTime() / 1e6;
            long bitrate = Math.round(Files.size(clip) * 8 / Math.max(seconds, 1e-3));
            String desc = String.format(Locale.ROOT, "%dx%d %.0f fps %s, %.0f s, %.1f Mbit/s", g.getImageWidth(),
                    g.getImageHeight(), g.getFrameRate(), codec, seconds, bitrate / 1e6);
            say("   clip: " + desc);
            figures.parameters.put("clip", desc);
            if (!"h264".equals(codec)) {
                figures.notes.add("the clip is " + codec + ", not H.264 (no H.264 encoder in this FFmpeg build)");
            }
            g.stop();
        }
        return clip;
    }

    private static void writeClip(Path out) throws Exception {
        Random rnd = new Random(9);
        int frames = CLIP_FPS * CLIP_SECONDS;
        int bw = CLIP_W + 520;
        int bh = CLIP_H + 300;
        try (Mat coarse = new Mat(bh, bw, opencv_core.CV_8UC3); Mat fine = new Mat(bh, bw, opencv_core.CV_8UC3);
             Mat base = new Mat(); Mat noise = new Mat(CLIP_H, CLIP_W, opencv_core.CV_16SC3); Mat f16 = new Mat();
             Mat frame = new Mat(); Mat mean = new Mat(1, 1, opencv_core.CV_64FC1, new Scalar(0));
             Mat sd = new Mat(1, 1, opencv_core.CV_64FC1, new Scalar(3));
             FFmpegFrameRecorder rec = new FFmpegFrameRecorder(out.toFile(), CLIP_W, CLIP_H, 0);
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            opencv_core.setRNGSeed(9);
            opencv_core.randu(coarse, new Mat(1, 1, opencv_core.CV_64FC1, new Scalar(0)),
                    new Mat(1, 1, opencv_core.CV_64FC1, new Scalar(255)));
            opencv_imgproc.GaussianBlur(coarse, coarse, new Size(0, 0), 9);
            opencv_core.normalize(coarse, coarse, 0, 255, opencv_core.NORM_MINMAX, -1, null);
            opencv_core.randu(fine, new Mat(1, 1, opencv_core.CV_64FC1, new Scalar(0)),
                    new Mat(1, 1, opencv_core.CV_64FC1, new Scalar(255)));
            opencv_imgproc.GaussianBlur(fine, fine, new Size(0, 0), 1.2);
            opencv_core.addWeighted(coarse, 0.75, fine, 0.25, 0, base);
            rec.setFormat("mp4");
            rec.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            rec.setVideoCodecName("libopenh264");
            rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            rec.setFrameRate(CLIP_FPS);
            rec.setGopSize(CLIP_FPS * 2);
            rec.setVideoBitrate(CLIP_BITRATE);
            rec.start();
            int objects = 12;
            double[][] o = new double[objects][];
            for (int k = 0; k < objects; k++) {
                o[k] = new double[] {rnd.nextInt(CLIP_W), rnd.nextInt(CLIP_H), rnd.nextGaussian() * 6, rnd.nextGaussian() * 3,
                        40 + rnd.nextInt(140), 30 + rnd.nextInt(90), rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)};
            }
            for (int i = 0; i < frames; i++) {
                int x = (int) (260 + 250 * Math.sin(2 * Math.PI * i / (CLIP_FPS * 8.0)));
                int y = (int) (150 + 140 * Math.sin(2 * Math.PI * i / (CLIP_FPS * 11.0)));
                try (Mat view = new Mat(base, new Rect(x, y, CLIP_W, CLIP_H)).clone()) {
                    for (double[] b : o) {
                        b[0] += b[2];
                        b[1] += b[3];
                        if (b[0] < -b[4] || b[0] > CLIP_W) {
                            b[2] = -b[2];
                        }
                        if (b[1] < -b[5] || b[1] > CLIP_H) {
                            b[3] = -b[3];
                        }
                        opencv_imgproc.rectangle(view, new Point((int) b[0], (int) b[1]),
                                new Point((int) (b[0] + b[4]), (int) (b[1] + b[5])), new Scalar(b[6], b[7], b[8], 0),
                                -1, opencv_imgproc.LINE_8, 0);
                    }
                    view.convertTo(f16, opencv_core.CV_16SC3);
                    opencv_core.randn(noise, mean, sd);
                    opencv_core.add(f16, noise, f16);
                    f16.convertTo(frame, opencv_core.CV_8UC3);
                    rec.record(conv.convert(frame));
                }
            }
            rec.stop();
        }
    }

    // ---- cameras --------------------------------------------------------------------------------

    void camerasPerCore(Path clip) throws Exception {
        int warm = quick ? 4 : 10;
        int measure = quick ? 6 : 30;
        JsonNode r = child("cameras", List.of("-Xmx512m"), Map.of(), clip.toString(), Integer.toString(cameras),
                Integer.toString(warm), Integer.toString(measure));
        double cores = r.path("cpu_cores").asDouble();
        double fps = r.path("fps_mean").asDouble();
        figures.cameraCpuCores = cores;
        figures.cameraFpsDelivered = fps;
        // Cameras one core sustains, scaled by what the cameras delivered (a starved camera costs less).
        figures.camerasPerCore = cores > 0 ? cameras / cores * Math.min(1, fps / SAMPLE_FPS) : null;
        figures.camerasSettings = String.format(Locale.ROOT,
                "%d CameraCaptures in a child JVM (-Xmx512m) on the clip (file source, loop: decoded at its own 25 fps, as a live "
                        + "stream is), sample %.0f fps, long edge %d → 640x360, JPEG %d, counting sink; %.3f cores over %d s after "
                        + "%d s warm-up; delivered %.2f fps per camera (min %.2f), mean JPEG %.0f KB; machine %.0f %% busy meanwhile",
                cameras, SAMPLE_FPS, LONG_EDGE, JPEG_QUALITY, cores, measure, warm, fps, r.path("fps_min").asDouble(),
                r.path("jpeg_bytes_mean").asDouble() / 1024, 100 * r.path("machine_busy").asDouble());
        figures.parameters.put("cameras", cameras);
        figures.notes.add("cameras per core = cameras / CPU cores the capture process used (getProcessCpuTime: FFmpeg decode of "
                + "every 25 fps frame, its conversion to BGR, the 2 fps sample's resize and JPEG encode, the JVM's own threads); "
                + "no MQTT, no outbox. It is what one core sustains of such cameras, not a run of 16 cameras on one core.");
        say("   " + figures.camerasSettings);
    }

    void rss(Path clip, OwnMosquitto broker) throws Exception {
        int warm = quick ? 8 : 30;
        int measure = quick ? 4 : 15;
        JsonNode r = child("gateway", List.of(RSS_XMX), Map.of("NCE_BENCH_GW_PASSWORD", gwPassword), clip.toString(),
                Integer.toString(RSS_CAMERAS), broker.url(), home.resolve("rss-outbox.db").toString(), Integer.toString(warm),
                Integer.toString(measure));
        figures.rssMb16Cameras = r.path("rss_mb_max").asDouble();
        figures.rssSettings = String.format(Locale.ROOT,
                "VmRSS of a child JVM (%s, default GC) running a Gateway with %d such cameras publishing frames through its "
                        + "outbox (fsync) to the Mosquitto; max of %d samples over %d s after %d s warm-up (heap used %.0f MB); it "
                        + "used %.2f cores and published %.1f frames/s (%.2f fps per camera)",
                RSS_XMX, RSS_CAMERAS, r.path("samples").asInt(), measure, warm, r.path("heap_used_mb").asDouble(),
                r.path("cpu_cores").asDouble(), r.path("frames_published_per_s").asDouble(),
                r.path("frames_published_per_s").asDouble() / RSS_CAMERAS);
        figures.parameters.put("rss_jvm_options", RSS_XMX);
        say("   " + figures.rssSettings);
    }

    /** Runs {@code GatewayBench --child MODE ARGS} in a JVM of its own; its RESULT line. */
    JsonNode child(String mode, List<String> jvmOptions, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dnce.log.file=" + home.resolve("child-" + mode + ".log"));
        for (String prop : List.of("logback.configurationFile", "logback.statusListenerClass")) {
            if (System.getProperty(prop) != null) {
                cmd.add("-D" + prop + "=" + System.getProperty(prop));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GatewayBench.class.getName(), "--child", mode));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        JsonNode result = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    result = Json.MAPPER.readTree(line.substring("RESULT ".length()));
                } else {
                    say("   [" + mode + "] " + line);
                }
            }
        } finally {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (result == null) {
            throw new IllegalStateException("child " + mode + " ended (exit " + p.exitValue() + ") without a result");
        }
        return result;
    }

    // ---- HJ 212 → MQTT --------------------------------------------------------------------------

    GatewayConfig gatewayConfig(String site, String url, Path outbox, String durability, int devices, List<GatewayConfig.Camera> cams) {
        List<GatewayConfig.Device> ds = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            ds.add(new GatewayConfig.Device(sensorId(i), mn(i), "noise", "NCE_BENCH_HJ212_PW", Map.of("laeq", "LA", "lmax", "LMx"),
                    "2", null, null));
        }
        return new GatewayConfig(site, ZONE, new GatewayConfig.Mqtt(url, GW_USER, "NCE_BENCH_GW_PASSWORD", null, 30, null),
                new GatewayConfig.Outbox(outbox, 4L << 30, durability), 10, cams,
                new GatewayConfig.Hj212("127.0.0.1:0", 600, ds, List.of(), !ds.isEmpty()));
    }

    Map<String, String> gatewayEnv() {
        return Map.of("NCE_BENCH_GW_PASSWORD", gwPassword, "NCE_BENCH_HJ212_PW", hjPassword);
    }

    static String sensorId(int i) {
        return String.format(Locale.ROOT, "noise-%04d", i);
    }

    static String mn(int i) {
        return String.format(Locale.ROOT, "BENCH%019d", i);
    }

    /** Simulated monitors with {@code perMonitor} real-time uploads each queued, one a second of data time. */
    List<Hj212Simulator> monitors(String site, int port, int perMonitor) {
        List<Hj212Simulator> sims = new ArrayList<>();
        long start = (System.currentTimeMillis() / 1000 - perMonitor - 3600) * 1000;
        for (int i = 0; i < monitors; i++) {
            Hj212Simulator s = new Hj212Simulator("127.0.0.1", port, new Hj212Simulator.Device(mn(i), hjPassword, SensorKind.NOISE,
                    Map.of("laeq", "LA", "lmax", "LMx")), ZoneId.of(ZONE), window, 30_000, perMonitor);
            SensorSimulator values = new SensorSimulator(site, sensorId(i), SensorSimulator.Profile.NOISE_QUIET, start, i + 1);
            for (int k = 0; k < perMonitor; k++) {
                if (!s.offer(values.readingAt(start + k * 1000L))) {
                    throw new IllegalStateException("simulator queue full");
                }
            }
            sims.add(s);
        }
        return sims;
    }

    /** Readings/s at a subscriber, steady window, monitors → listener → outbox → forwarder → Mosquitto. */
    double hj212(OwnMosquitto broker, String durability) throws Exception {
        int warm = quick ? 2 : 5;
        int measure = quick ? 4 : 20;
        int perMonitor = (int) Math.ceil(20_000.0 * (warm + measure + 3) / monitors);
        String site = "gwb-" + run + "-" + durability;
        say(String.format(Locale.ROOT, "   %d monitors, window %d, %d readings each queued", monitors, window, perMonitor));
        List<Hj212Simulator> sims = new ArrayList<>();
        try (Subscriber sub = new Subscriber(broker.url(), "sub-" + site, Topics.reading(site, "+"), true, subPassword);
             Gateway gw = new Gateway(gatewayConfig(site, broker.url(), home.resolve("outbox-" + durability + ".db"), durability,
                     monitors, List.of()), gatewayEnv()::get, null).start()) {
            sims.addAll(monitors(site, gw.listener().port(), perMonitor));
            long offered = (long) perMonitor * monitors;
            sims.forEach(Hj212Simulator::start);
            Thread.sleep(warm * 1000L);
            long t0 = System.nanoTime();
            long got0 = sub.count();
            long stored0 = gw.listener().readings();
            long cpu0 = Child.cpuNanos();
            Map<String, Long> threads0 = threadCpu();
            long brokerCpu0 = broker.cpuNanos();
            long[] stat0 = Child.procStat();
            long end = t0 + measure * 1_000_000_000L;
            boolean dry = false;
            while (System.nanoTime() < end) {
                Thread.sleep(200);
                if (gw.listener().readings() >= offered) {
                    dry = true;
                    break;
                }
            }
            long t1 = System.nanoTime();
            double cores = (Child.cpuNanos() - cpu0) / (double) (t1 - t0);
            String byThread = coresByThread(threads0, threadCpu(), cores, t1 - t0);
            double brokerCores = (broker.cpuNanos() - brokerCpu0) / (double) (t1 - t0);
            double busy = Child.busy(stat0, Child.procStat());
            double secs = (t1 - t0) / 1e9;
            double rate = (sub.count() - got0) / secs;
            double storedRate = (gw.listener().readings() - stored0) / secs;
            String settings = String.format(Locale.ROOT,
                    "%d simulated monitors (Hj212Simulator, window %d%s) → the Gateway's listener → outbox (durability %s) → "
                            + "forwarder (window %d) → Mosquitto → one QoS 1 subscriber; %.0f s after %d s warm-up; listener "
                            + "stored %.0f/s; outbox backlog at the end %d%s; CPU: this JVM (monitors, gateway, subscriber) %.2f "
                            + "cores (%s), Mosquitto %.2f, machine %.0f %% busy",
                    monitors, window, window == 1 ? ": a real monitor waits for each 9014" : ": pipelined", durability, WINDOW, secs,
                    warm, storedRate, gw.outbox().rows(Outbox.Lane.READINGS), dry ? "; the monitors ran out of readings early" : "",
                    cores, byThread, brokerCores, 100 * busy);
            if ("fsync".equals(durability)) {
                figures.hj212Settings = settings;
                figures.parameters.put("monitors", monitors);
                figures.parameters.put("monitor_window", window);
                figures.parameters.put("mqtt_window", WINDOW);
            } else {
                figures.hj212OsSettings = settings;
            }
            say(String.format(Locale.ROOT, "   %.0f readings/s at the subscriber; %s", rate, settings));
            closeAll(sims); // before the listener goes: else each waits out its reconnect back-off
            return rate;
        } finally {
            closeAll(sims);
        }
    }

    /** Broker stopped: readings into the outbox; broker started: the rate at which the backlog arrives. */
    void replay(OwnMosquitto broker) throws Exception {
        int total = quick ? 10_000 : 100_000;
        int perMonitor = (int) Math.ceil((double) total / monitors);
        long offered = (long) perMonitor * monitors;
        String site = "gwb-" + run + "-replay";
        String filter = Topics.reading(site, "+");
        // A persistent session, so what the gateway sends before the subscriber is back is queued for it.
        new Subscriber(broker.url(), "sub-" + site, filter, false, subPassword).close();
        broker.close();
        OwnMosquitto restarted = null;
        List<Hj212Simulator> sims = new ArrayList<>();
        try (Gateway gw = new Gateway(gatewayConfig(site, broker.url(), home.resolve("outbox-replay.db"), "fsync", monitors, List.of()),
                gatewayEnv()::get, null).start()) {
            sims.addAll(monitors(site, gw.listener().port(), perMonitor));
            long t0 = System.nanoTime();
            sims.forEach(Hj212Simulator::start);
            long deadline = t0 + TimeUnit.SECONDS.toNanos(300);
            while (gw.listener().readings() < offered && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            double fillSecs = (System.nanoTime() - t0) / 1e9;
            long stored = gw.listener().readings();
            figures.replayFillPerS = stored / fillSecs;
            say(String.format(Locale.ROOT, "   broker down: %d readings stored in %.1f s (%.0f/s); outbox %d rows, %d bytes", stored,
                    fillSecs, stored / fillSecs, gw.outbox().rows(Outbox.Lane.READINGS), gw.outbox().bytes()));
            restarted = broker.restart();
            try (Subscriber sub = new Subscriber(restarted.url(), "sub-" + site, filter, false, subPassword)) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
                while (sub.count() < stored && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                double secs = (sub.lastNanos() - sub.firstNanos()) / 1e9;
                figures.replayReadingsPerS = sub.count() > 1 && secs > 0 ? (sub.count() - 1) / secs : null;
                figures.replaySettings = String.format(Locale.ROOT,
                        "%d readings (%d monitors, window %d) stored with the broker stopped; broker started again: first to last "
                                + "arrival at the subscriber, %d received in %.1f s (forwarder window %d, outbox fsync)",
                        stored, monitors, window, sub.count(), secs, WINDOW);
                figures.parameters.put("replay_readings", stored);
                say("   " + figures.replaySettings);
            }
            closeAll(sims);
        } finally {
            closeAll(sims);
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    // ---- gateway publish vs bare Paho -----------------------------------------------------------

    void publishRatio(OwnMosquitto broker) throws Exception {
        int n = quick ? 20_000 : 100_000;
        int rounds = quick ? 1 : 3;
        String site = "gwb-" + run + "-ratio";
        List<String> topics = new ArrayList<>(n);
        List<byte[]> payloads = new ArrayList<>(n);
        long start = System.currentTimeMillis() / 1000 * 1000 - n * 1000L;
        List<SensorSimulator> values = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            values.add(new SensorSimulator(site, sensorId(i), SensorSimulator.Profile.NOISE_QUIET, start, i + 1));
        }
        for (int k = 0; k < n; k++) {
            SensorReading r = values.get(k % 100).readingAt(start + (k / 100) * 1000L);
            topics.add(Topics.reading(site, r.sensorId()));
            payloads.add(Json.write(r));
        }
        double bestGw = 0;
        double bestPaho = 0;
        List<String> each = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            double gw = gatewayPublish(broker, site, round, topics, payloads);
            double paho = pahoPublish(broker, round, topics, payloads);
            each.add(String.format(Locale.ROOT, "%.0f/%.0f", gw, paho));
            say(String.format(Locale.ROOT, "   round %d: gateway %.0f/s, bare Paho %.0f/s", round + 1, gw, paho));
            bestGw = Math.max(bestGw, gw);
            bestPaho = Math.max(bestPaho, paho);
        }
        figures.gatewayPublishPerS = bestGw;
        figures.pahoPublishPerS = bestPaho;
        figures.publishRatioToPaho = bestPaho > 0 ? bestGw / bestPaho : null;
        figures.ratioSettings = String.format(Locale.ROOT,
                "%,d readings (%.0f-byte JSON) QoS 1 to the same Mosquitto, window %d each: outbox (fsync) → Forwarder → "
                        + "BrokerConnection %.0f/s vs a bare MqttAsyncClient loop %.0f/s (best of %d rounds, gateway/Paho per round %s)",
                n, payloads.stream().mapToInt(p -> p.length).average().orElse(0), WINDOW, bestGw, bestPaho, rounds,
                String.join(", ", each));
        say("   " + figures.ratioSettings);
    }

    /** The outbox filled first (not timed), then sent: connect to the last broker ack. */
    double gatewayPublish(OwnMosquitto broker, String site, int round, List<String> topics, List<byte[]> payloads) throws Exception {
        Path file = home.resolve("ratio-outbox-" + round + ".db");
        try (Outbox outbox = Outbox.open(file, 4L << 30, Outbox.Durability.FSYNC)) {
            for (int from = 0; from < topics.size(); from += 5_000) {
                List<CompletableFuture<Void>> done = new ArrayList<>();
                for (int k = from; k < Math.min(topics.size(), from + 5_000); k++) {
                    done.add(outbox.append(Outbox.Lane.READINGS, topics.get(k), payloads.get(k)));
                }
                CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            }
            BrokerConnection conn = new BrokerConnection(new BrokerConnection.Settings(broker.url(), "gw-" + site + "-" + round,
                    GW_USER, gwPassword, null, null, null, 30));
            try (Forwarder fw = new Forwarder(outbox, Outbox.Lane.READINGS, conn, WINDOW)) {
                conn.start();
                if (!conn.awaitConnected(10_000)) {
                    throw new IllegalStateException("gateway connection did not come up");
                }
                long t0 = System.nanoTime();
                fw.start();
                long end = t0 + TimeUnit.SECONDS.toNanos(120);
                while (fw.published() < topics.size() && System.nanoTime() < end) {
                    Thread.sleep(2);
                }
                long t1 = System.nanoTime();
                return fw.published() / ((t1 - t0) / 1e9);
            } finally {
                conn.close();
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-wal"));
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-shm"));
        }
    }

    double pahoPublish(OwnMosquitto broker, int round, List<String> topics, List<byte[]> payloads) throws Exception {
        try (Publisher p = new Publisher(broker.url(), "paho-bench-" + run + "-" + round, SUB_USER, subPassword, WINDOW)) {
            long t0 = System.nanoTime();
            for (int k = 0; k < topics.size(); k++) {
                p.publish(topics.get(k), payloads.get(k));
            }
            p.drain(120_000);
            long t1 = System.nanoTime();
            return p.completed.get() / ((t1 - t0) / 1e9);
        }
    }

    // ---- small things ---------------------------------------------------------------------------

    /** CPU time so far of every live Java thread, ns, summed by what the thread does. */
    static Map<String, Long> threadCpu() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new java.util.TreeMap<>();
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long ns = mx.getThreadCpuTime(t.getThreadId());
            if (ns > 0) {
                out.merge(threadGroup(t.getThreadName()), ns, Long::sum);
            }
        }
        return out;
    }

    static String threadGroup(String name) {
        if (name.startsWith("hj212-sim-")) {
            return "simulated monitors";
        } else if (name.startsWith("nioEventLoopGroup")) {
            return "listener";
        } else if (name.startsWith("outbox-writer")) {
            return "outbox writer";
        } else if (name.startsWith("forward-")) {
            return "forwarders";
        } else if (name.startsWith("MQTT")) {
            return "Paho threads";
        }
        return "other Java threads";
    }

    /** "group cores, ..." over a window; what no Java thread accounts for is the JVM's own (JIT, GC). */
    static String coresByThread(Map<String, Long> before, Map<String, Long> after, double totalCores, long windowNanos) {
        List<String> parts = new ArrayList<>();
        double sum = 0;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            double c = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / (double) windowNanos;
            sum += c;
            parts.add(String.format(Locale.ROOT, "%s %.2f", e.getKey(), c));
        }
        parts.add(String.format(Locale.ROOT, "JIT and GC %.2f", Math.max(0, totalCores - sum)));
        return String.join(", ", parts);
    }

    /** Closes every simulator at once (each close waits for its thread) and forgets them. */
    static void closeAll(List<Hj212Simulator> sims) throws InterruptedException {
        List<Thread> closing = new ArrayList<>();
        for (Hj212Simulator s : sims) {
            Thread t = new Thread(() -> {
                try {
                    s.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            closing.add(t);
        }
        for (Thread t : closing) {
            t.join();
        }
        sims.clear();
    }

    /** A QoS 1 subscriber that counts what arrives (clean: a fresh session; else one that outlives the connection). */
    static final class Subscriber implements AutoCloseable {
        private final MqttAsyncClient client;
        private final AtomicLong count = new AtomicLong();
        private volatile long firstNanos;
        private volatile long lastNanos;

        Subscriber(String url, String clientId, String filter, boolean clean, String password) throws MqttException {
            client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
            client.setCallback(new MqttCallback() {
                @Override
                public void disconnected(MqttDisconnectResponse r) {
                    // the bench sees it in the counts
                }

                @Override
                public void mqttErrorOccurred(MqttException e) {
                    // likewise
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    long now = System.nanoTime();
                    if (count.getAndIncrement() == 0) {
                        firstNanos = now;
                    }
                    lastNanos = now;
                }

                @Override
                public void deliveryComplete(IMqttToken token) {
                    // subscribes only
                }

                @Override
                public void connectComplete(boolean reconnect, String serverURI) {
                    // connected once, below
                }

                @Override
                public void authPacketArrived(int reasonCode, MqttProperties properties) {
                    // no enhanced authentication
                }
            });
            client.connect(BenchSupport.options(SUB_USER, password, clean, 3600, 65535)).waitForCompletion(10_000);
            client.subscribe(filter, 1).waitForCompletion(10_000);
        }

        long count() {
            return count.get();
        }

        long firstNanos() {
            return firstNanos;
        }

        long lastNanos() {
            return lastNanos;
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

    static long ramMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize()
                / (1024 * 1024);
    }

    /** What runs in the child JVMs: cameras alone, or a whole Gateway with cameras. Prints one RESULT line. */
    static final class Child {
        private Child() {
        }

        static void main(String[] args) throws Exception {
            String mode = args[1];
            ObjectNode out = switch (mode) {
                case "cameras" -> cameras(Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
                case "gateway" -> gateway(Path.of(args[2]), Integer.parseInt(args[3]), args[4], Path.of(args[5]),
                        Integer.parseInt(args[6]), Integer.parseInt(args[7]));
                default -> throw new IllegalArgumentException("unknown child mode " + mode);
            };
            System.out.println("RESULT " + Json.MAPPER.writeValueAsString(out));
            System.out.flush();
            System.exit(0);
        }

        static ObjectNode cameras(Path clip, int n, int warm, int measure) throws Exception {
            List<CameraCapture> cams = new ArrayList<>();
            AtomicLong[] frames = new AtomicLong[n];
            AtomicLong bytes = new AtomicLong();
            for (int i = 0; i < n; i++) {
                AtomicLong c = frames[i] = new AtomicLong();
                CameraSettings s = new CameraSettings("cam-" + i, clip.toString(), SAMPLE_FPS, LONG_EDGE, JPEG_QUALITY, true, 10);
                cams.add(new CameraCapture("bench", "boot-1", s, f -> {
                    c.incrementAndGet();
                    bytes.addAndGet(f.jpeg().length);
                }).start());
            }
            Thread.sleep(warm * 1000L);
            long[] f0 = new long[n];
            for (int i = 0; i < n; i++) {
                f0[i] = frames[i].get();
            }
            long b0 = bytes.get();
            long total0 = sumFrames(frames);
            long[] stat0 = procStat();
            long cpu0 = cpuNanos();
            long t0 = System.nanoTime();
            Thread.sleep(measure * 1000L);
            long cpu1 = cpuNanos();
            long t1 = System.nanoTime();
            long[] stat1 = procStat();
            double secs = (t1 - t0) / 1e9;
            double min = Double.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                min = Math.min(min, (frames[i].get() - f0[i]) / secs);
            }
            long delivered = sumFrames(frames) - total0;
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("cameras", n);
            o.put("cpu_cores", (cpu1 - cpu0) / (double) (t1 - t0));
            o.put("fps_mean", delivered / secs / n);
            o.put("fps_min", min);
            o.put("jpeg_bytes_mean", delivered == 0 ? 0 : (bytes.get() - b0) / (double) delivered);
            o.put("machine_busy", busy(stat0, stat1));
            long dropped = 0;
            long restarts = 0;
            for (CameraCapture c : cams) {
                CameraStats st = c.stats();
                dropped += st.dropped();
                restarts += st.restarts();
            }
            o.put("dropped", dropped);
            o.put("restarts", restarts);
            o.put("rss_mb", rssMb());
            for (CameraCapture c : cams) {
                c.close();
            }
            return o;
        }

        static ObjectNode gateway(Path clip, int n, String url, Path outbox, int warm, int measure) throws Exception {
            List<GatewayConfig.Camera> cams = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                cams.add(new GatewayConfig.Camera("cam-" + i, clip.toString(), SAMPLE_FPS, LONG_EDGE, JPEG_QUALITY, true, 10, null));
            }
            GatewayConfig config = new GatewayConfig("gwb-rss", ZONE, new GatewayConfig.Mqtt(url, GW_USER, "NCE_BENCH_GW_PASSWORD",
                    null, 30, null), new GatewayConfig.Outbox(outbox, 1L << 30, "fsync"), 10, cams, null);
            try (Gateway gw = new Gateway(config, System::getenv, null).start()) {
                Thread.sleep(warm * 1000L);
                long p0 = gw.framesPublished();
                long cpu0 = cpuNanos();
                long t0 = System.nanoTime();
                double max = 0;
                int samples = 0;
                long end = t0 + measure * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    Thread.sleep(1000);
                    max = Math.max(max, rssMb());
                    samples++;
                }
                long t1 = System.nanoTime();
                ObjectNode o = Json.MAPPER.createObjectNode();
                o.put("rss_mb_max", max);
                o.put("samples", samples);
                o.put("cpu_cores", (cpuNanos() - cpu0) / (double) (t1 - t0));
                o.put("frames_published_per_s", (gw.framesPublished() - p0) / ((t1 - t0) / 1e9));
                Runtime rt = Runtime.getRuntime();
                o.put("heap_used_mb", (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024));
                return o;
            }
        }

        private static long sumFrames(AtomicLong[] frames) {
            long s = 0;
            for (AtomicLong f : frames) {
                s += f.get();
            }
            return s;
        }

        static long cpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }

        static double rssMb() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
            return -1;
        }

        /** The first line of /proc/stat: all CPUs' jiffies by kind. */
        static long[] procStat() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long[] v = new long[f.length - 1];
                for (int i = 1; i < f.length; i++) {
                    v[i - 1] = Long.parseLong(f[i]);
                }
                return v;
            } catch (IOException | RuntimeException e) {
                return new long[0];
            }
        }

        /** Share of the machine's CPU time not idle (idle and iowait) between two /proc/stat samples. */
        static double busy(long[] a, long[] b) {
            if (a.length < 5 || b.length < 5) {
                return Double.NaN;
            }
            long total = 0;
            for (int i = 0; i < Math.min(a.length, b.length); i++) {
                total += b[i] - a[i];
            }
            long idle = (b[3] - a[3]) + (b[4] - a[4]);
            return total == 0 ? 0 : 1 - idle / (double) total;
        }
    }
}
