package org.nce.gateway.camera;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.nce.detectors.synthetic.Scenes;
import org.nce.model.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one camera: a capture thread opens the source, grabs and decodes, keeps frames at the
 * sample rate and puts them on a small hand-over queue; a hand-off thread resizes, JPEG-encodes and
 * gives each frame to the sink. A watchdog inside the capture thread reopens the source after a
 * failed open, a failed stream, an end (live streams; files only when not looping) or a stall,
 * with paced exponential back-off.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Capture never waits for the sink: when the queue is full the oldest queued frame is thrown
 *       away and counted ({@code dropped}), so a slow sink gets the newest frames.</li>
 *   <li>{@link Frame#timestampMs()} is the capture time, UTC epoch ms: the stream's own clock when it
 *       has one (RTSP after an RTCP sender report), else the wall clock right after the frame was
 *       grabbed; never the hand-off time. Timestamps strictly increase per camera.</li>
 *   <li>{@link Frame#seq()} counts frames handed to the sink from 0, per camera, for this object.</li>
 *   <li>A frame that does not decode is skipped and counted ({@code corrupt});
 *       {@value #MAX_CONSECUTIVE_FAILURES} failed grabs in a row count as a failed stream.</li>
 * </ul>
 *
 * <p>The sink is called from this camera's hand-off thread only, one frame at a time. It may be
 * slow; it should not throw (a throw is logged and counted as dropped).
 */
public final class CameraCapture implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CameraCapture.class);

    /** Failed grabs in a row after which the stream counts as failed and is reopened. */
    static final int MAX_CONSECUTIVE_FAILURES = 5;
    /** Frames waiting between capture and hand-off: small, so what comes out is recent. */
    static final int DEFAULT_QUEUE_CAPACITY = 2;
    /** A stream clock further than this from the wall clock is not believed (a camera without NTP). */
    static final long MAX_CLOCK_SKEW_MS = Duration.ofMinutes(5).toMillis();
    private static final long FPS_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A step of the frames' clock larger than this (or not forward) is not believed by the sampler. */
    private static final long MAX_CLOCK_STEP_MS = 10_000;

    /** Opens a fresh source for each (re)connection. */
    @FunctionalInterface
    interface SourceOpener {
        FrameSource open() throws Exception;
    }

    /** Reconnect pacing: the first wait, its cap (doubling between), and streaming time that resets it. */
    record Backoff(Duration initial, Duration max, Duration healthyAfter) {
        static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(30));
    }

    private record Grabbed(Mat image, long captureMs) {
    }

    private final String siteId;
    private final String bootId;
    private final CameraSettings settings;
    private final Consumer<Frame> sink;
    private final SourceOpener opener;
    private final Backoff backoff;
    private final LongSupplier wallClock;
    private final BlockingQueue<Grabbed> queue;
    private final Thread captureThread;
    private final Thread handoffThread;
    private final Object wakeUp = new Object();

    private final AtomicLong framesOut = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private final ArrayDeque<Long> handoffTimes = new ArrayDeque<>();
    private volatile long lastFrameMs;
    private volatile long lastGrabNanos;
    private volatile String state = "starting";
    private volatile String lastError;
    private volatile boolean running;
    private volatile long startedNanos;
    private long lastCaptureMs;
    private long seq;

    /**
     * A camera read from {@code settings.source()}; frames go to {@code sink}. Nothing runs until
     * {@link #start()}.
     *
     * @throws IllegalArgumentException listing every problem of {@code settings}
     */
    public CameraCapture(String siteId, String bootId, CameraSettings settings, Consumer<Frame> sink) {
        this(siteId, bootId, settings, sink, () -> open(settings), Backoff.DEFAULT, DEFAULT_QUEUE_CAPACITY,
                System::currentTimeMillis);
    }

    CameraCapture(String siteId, String bootId, CameraSettings settings, Consumer<Frame> sink, SourceOpener opener,
                  Backoff backoff, int queueCapacity, LongSupplier wallClock) {
        List<String> problems = settings.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("camera " + settings.id() + ": " + String.join("; ", problems));
        }
        if (siteId == null || siteId.isBlank() || bootId == null || !Frame.BOOT_ID.matcher(bootId).matches()) {
            throw new IllegalArgumentException("camera " + settings.id() + ": site id and a valid boot id are required");
        }
        this.siteId = siteId;
        this.bootId = bootId;
        this.settings = settings;
        this.sink = sink;
        this.opener = opener;
        this.backoff = backoff;
        this.wallClock = wallClock;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.captureThread = new Thread(this::captureLoop, "camera-" + settings.id() + "-capture");
        this.handoffThread = new Thread(this::handoffLoop, "camera-" + settings.id() + "-handoff");
        captureThread.setDaemon(true);
        handoffThread.setDaemon(true);
    }

    /** Opens the source {@code settings} names: a synthetic scene, or FFmpeg for streams and files. */
    static FrameSource open(CameraSettings settings) throws Exception {
        if (settings.kind() == CameraSettings.Kind.SCENE) {
            return new SceneFrameSource(Scenes.byName(settings.source().substring("scene:".length())), settings.loop());
        }
        return new GrabberFrameSource(settings.source(), settings.loop(), settings.stallSeconds(), settings.longEdge());
    }

    public String id() {
        return settings.id();
    }

    public CameraSettings settings() {
        return settings;
    }

    /** Starts the capture and hand-off threads; returns at once (the first open happens on the capture thread). */
    public synchronized CameraCapture start() {
        if (running || state.equals("closed")) {
            throw new IllegalStateException("camera " + settings.id() + " already started");
        }
        running = true;
        startedNanos = System.nanoTime();
        handoffThread.start();
        captureThread.start();
        return this;
    }

    /** A snapshot of this camera's counters and state; safe from any thread. */
    public CameraStats stats() {
        String s = state;
        long now = System.nanoTime();
        if (s.equals("streaming") && now - lastGrabNanos > TimeUnit.SECONDS.toNanos(settings.stallSeconds())) {
            s = "stalled"; // the capture thread is still waiting on a read that has not timed out yet
        }
        return new CameraStats(settings.id(), fps(now), framesOut.get(), dropped.get(), corrupt.get(), restarts.get(),
                lastFrameMs, s, lastError);
    }

    private double fps(long now) {
        synchronized (handoffTimes) {
            while (!handoffTimes.isEmpty() && now - handoffTimes.peekFirst() > FPS_WINDOW_NANOS) {
                handoffTimes.pollFirst();
            }
            long window = Math.min(FPS_WINDOW_NANOS, now - startedNanos);
            return window <= 0 ? 0 : handoffTimes.size() * 1e9 / window;
        }
    }

    // ---------------------------------------------------------------- capture thread

    private void captureLoop() {
        try {
            superviseSource();
        } catch (Error e) { // natives missing or out of memory: say so in the stats, then die loudly
            lastError = e.toString();
            state = "failed";
            throw e;
        }
    }

    private void superviseSource() {
        long delayMs = backoff.initial().toMillis();
        boolean first = true;
        while (running) {
            if (!first) {
                setState("reconnecting");
                if (!pause(delayMs)) {
                    return;
                }
                restarts.incrementAndGet();
                delayMs = Math.min(delayMs * 2, backoff.max().toMillis());
            }
            first = false;
            long openedNanos = System.nanoTime();
            boolean ended = false;
            try (FrameSource source = opener.open()) {
                lastGrabNanos = System.nanoTime();
                ended = read(source);
            } catch (Exception e) {
                fail(e.toString());
            }
            if (lastGrabNanos - openedNanos >= backoff.healthyAfter().toNanos()) {
                delayMs = backoff.initial().toMillis(); // it streamed well for a while: a fresh failure
            }
            if (ended) {
                setState("ended");
                LOG.info("camera {}: source ended", settings.id());
                return;
            }
        }
    }

    private void setState(String s) {
        if (running) {
            state = s;
        }
    }

    private void fail(String why) {
        if (running) {
            lastError = redact(why);
            LOG.warn("camera {}: {}; reconnecting", settings.id(), lastError);
        }
    }

    private static final java.util.regex.Pattern USER_INFO = java.util.regex.Pattern.compile("://[^/@\\s\"']*@");

    /** FFmpeg's messages quote the URL: a camera's user and password never reach a log or the stats. */
    static String redact(String message) {
        return message == null ? null : USER_INFO.matcher(message).replaceAll("://***@");
    }

    /**
     * Reads until the source ends (true: a file or scene without loop, done for good) or fails
     * (false after recording why: reconnect).
     */
    private boolean read(FrameSource source) {
        boolean live = settings.kind().live();
        long stallNanos = TimeUnit.SECONDS.toNanos(settings.stallSeconds());
        double periodMs = 1000.0 / settings.sampleFps();
        double nextDueMs = Double.NaN;
        long anchorNanos = 0;
        long anchorMediaUs = -1;
        int failures = 0;
        setState("streaming");
        double framePeriodMs = source.fps() > 0 ? 1000.0 / source.fps() : 0;
        // The sampler's own time: it follows the frames' clock step by step, but a clock that stands
        // still, steps back (an NTP step; the stream clock taking over from the wall clock once an RTCP
        // report arrives) or leaps ahead moves it by the real time elapsed instead, so sampling never
        // waits for a clock to catch up. Frames are still stamped by captureTime().
        double cadenceMs = 0;
        long lastSeenMs = Long.MIN_VALUE;
        long lastSeenNanos = 0;
        double[] recentSteps = new double[8];
        int steps = 0;
        while (running) {
            // Only a frame that may be due is converted; the rest are skipped (still decoded). The next
            // frame is expected one step after the last, the step being the stated frame period or the
            // longest of the last few seen, if longer (a camera that states 25 fps and sends 3): it is
            // converted once it could be within half a step of the due time. Unknown rate: every frame.
            double expectedStep = framePeriodMs;
            for (int i = 0; i < Math.min(steps, recentSteps.length); i++) {
                expectedStep = Math.max(expectedStep, recentSteps[i]);
            }
            boolean wanted = Double.isNaN(nextDueMs) || framePeriodMs <= 0 || lastSeenMs == Long.MIN_VALUE
                    || cadenceMs + 1.5 * expectedStep >= nextDueMs;
            Mat image = null;
            boolean got;
            try {
                if (wanted) {
                    image = source.next();
                    got = image != null;
                } else {
                    got = source.skip();
                }
                failures = 0;
            } catch (Exception e) {
                corrupt.incrementAndGet();
                lastError = redact(e.toString());
                if (++failures >= MAX_CONSECUTIVE_FAILURES) {
                    fail(failures + " grabs in a row failed, last: " + e);
                    return false;
                }
                if (System.nanoTime() - lastGrabNanos > stallNanos) {
                    fail("stalled: no good frame for " + settings.stallSeconds() + " s");
                    return false;
                }
                continue;
            }
            if (!got) {
                if (!live && !settings.loop()) {
                    return true;
                }
                boolean stalled = System.nanoTime() - lastGrabNanos >= stallNanos - TimeUnit.MILLISECONDS.toNanos(500);
                fail(stalled ? "stalled: no frame for " + settings.stallSeconds() + " s" : "stream ended");
                if (stalled) {
                    setState("stalled");
                }
                return false;
            }
            try (Mat frame = image) { // null for a skipped frame
                if (!live) {
                    long media = source.mediaTimeUs();
                    if (media >= 0) {
                        long now = System.nanoTime();
                        long due = anchorNanos + (media - anchorMediaUs) * 1000;
                        if (anchorMediaUs < 0 || media < anchorMediaUs || due - now > TimeUnit.SECONDS.toNanos(2)) {
                            anchorNanos = now; // first frame, or the media clock jumped: start pacing afresh
                            anchorMediaUs = media;
                        } else if (due > now && !sleepNanos(due - now)) {
                            return false;
                        }
                    }
                }
                lastGrabNanos = System.nanoTime();
                long seen = clockOf(source.streamClockMs());
                if (lastSeenMs != Long.MIN_VALUE) {
                    long clockStep = seen - lastSeenMs;
                    double step = clockStep > 0 && clockStep <= MAX_CLOCK_STEP_MS ? clockStep : (lastGrabNanos - lastSeenNanos) / 1e6;
                    cadenceMs += step;
                    recentSteps[steps++ % recentSteps.length] = step;
                }
                lastSeenMs = seen;
                lastSeenNanos = lastGrabNanos;
                if (frame == null) {
                    continue;
                }
                if (!Double.isNaN(nextDueMs) && cadenceMs < nextDueMs) {
                    continue;
                }
                nextDueMs = Double.isNaN(nextDueMs) || cadenceMs - nextDueMs > periodMs ? cadenceMs + periodMs
                        : nextDueMs + periodMs;
                handOver(new Grabbed(frame.clone(), captureTime(seen)));
            }
        }
        return false;
    }

    /** The time a frame was captured by the clock {@link #captureTime} believes, without recording it. */
    private long clockOf(long streamClockMs) {
        long wall = wallClock.getAsLong();
        return streamClockMs >= 0 && Math.abs(streamClockMs - wall) <= MAX_CLOCK_SKEW_MS ? streamClockMs : wall;
    }

    /** The capture time of a frame whose clock ({@link #clockOf}) read {@code seenMs}: strictly increasing. */
    private long captureTime(long seenMs) {
        long t = seenMs;
        if (t <= lastCaptureMs) {
            t = lastCaptureMs + 1; // strictly increasing per camera, across reconnects and clock changes
        }
        lastCaptureMs = t;
        return t;
    }

    /** Never blocks: a full queue loses its oldest frame. */
    private void handOver(Grabbed g) {
        while (!queue.offer(g)) {
            Grabbed oldest = queue.poll();
            if (oldest != null) {
                oldest.image().close();
                dropped.incrementAndGet();
            }
        }
    }

    private boolean pause(long ms) {
        return sleepNanos(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    /** Sleeps unless closed; false when closed. */
    private boolean sleepNanos(long nanos) {
        long end = System.nanoTime() + nanos;
        synchronized (wakeUp) {
            long left;
            while (running && (left = end - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(wakeUp, left);
                } catch (InterruptedException e) {
                    return false;
                }
            }
        }
        return running;
    }

    // ---------------------------------------------------------------- hand-off thread

    private void handoffLoop() {
        try (IntPointer params = new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, settings.jpegQuality())) {
            while (running) {
                Grabbed g;
                try {
                    g = queue.poll(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (g == null) {
                    continue;
                }
                Frame frame;
                try (Mat image = g.image()) {
                    frame = encode(image, g.captureMs(), params);
                } catch (RuntimeException e) {
                    dropped.incrementAndGet();
                    lastError = "encode: " + e;
                    LOG.warn("camera {}: encode failed: {}", settings.id(), e.toString());
                    continue;
                }
                try {
                    sink.accept(frame);
                } catch (RuntimeException e) {
                    dropped.incrementAndGet();
                    LOG.warn("camera {}: sink refused frame {}: {}", settings.id(), frame.seq(), e.toString());
                    continue;
                }
                framesOut.incrementAndGet();
                lastFrameMs = frame.timestampMs();
                synchronized (handoffTimes) {
                    handoffTimes.addLast(System.nanoTime());
                }
            }
        } finally {
            Grabbed g;
            while ((g = queue.poll()) != null) {
                g.image().close();
            }
        }
    }

    private Frame encode(Mat image, long captureMs, IntPointer params) {
        int w = image.cols();
        int h = image.rows();
        int edge = Math.max(w, h);
        Mat out = image;
        if (edge > settings.longEdge()) {
            double scale = (double) settings.longEdge() / edge;
            out = new Mat();
            try (Size size = new Size(Math.max(1, (int) Math.round(w * scale)), Math.max(1, (int) Math.round(h * scale)))) {
                opencv_imgproc.resize(image, out, size, 0, 0, opencv_imgproc.INTER_AREA);
            }
        }
        try (BytePointer buf = new BytePointer()) {
            if (!opencv_imgcodecs.imencode(".jpg", out, buf, params)) {
                throw new IllegalStateException("JPEG encoding failed");
            }
            byte[] jpeg = new byte[(int) buf.limit()];
            buf.get(jpeg);
            return new Frame(siteId, settings.id(), bootId, seq++, captureMs, out.cols(), out.rows(), jpeg);
        } finally {
            if (out != image) {
                out.close();
            }
        }
    }

    /**
     * Stops both threads and waits for them; frames still queued are released, not handed on. A
     * network read in progress returns within the source's I/O timeout ({@code stall_seconds}).
     */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            boolean wasRunning = running;
            running = false;
            state = "closed";
            if (!wasRunning) {
                return;
            }
        }
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        handoffThread.interrupt();
        long waitMs = TimeUnit.SECONDS.toMillis(settings.stallSeconds()) + 5_000;
        captureThread.join(waitMs);
        handoffThread.join(waitMs);
        // The capture thread may have handed over one more frame after the hand-off thread's last drain.
        for (Grabbed g; (g = queue.poll()) != null; ) {
            g.image().close();
        }
        if (captureThread.isAlive()) {
            LOG.warn("camera {}: capture thread still in a read after {} ms; it exits when the read returns",
                    settings.id(), waitMs);
        }
    }
}
