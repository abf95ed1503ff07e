package org.nce.detectors.synthetic;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.randn;
import static org.bytedeco.opencv.global.opencv_core.setRNGSeed;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.ellipse;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.nce.model.EventType;

/**
 * An outdoor open fire for tests and the demo's simulated camera: sky, a building with windows, a
 * pole, textured ground; from {@link #fireStart()} on a pile burns with chaotically flickering
 * flames that grow over ten seconds, and grey smoke puffs rise, spread and drift from it, veiling
 * what is behind them. Ground truth: open burning from {@code fireStart} to the last frame.
 *
 * <p>{@link #smokeOnly} makes the smouldering variant (leaves, straw or garbage that burn with
 * little or no visible flame): the same view and the same puffs, rising from a dark heap with no
 * flame colour at all, optionally already smoking when the recording starts.
 *
 * <p>Every random choice comes from {@link Random} seeded with the scene seed and the frame or
 * particle number, and the sensor noise from OpenCV's RNG reseeded per frame, so a frame renders to
 * the same pixels every time.
 */
public final class FireScene implements SyntheticScene {

    public static final int DEFAULT_WIDTH = 640;
    public static final int DEFAULT_HEIGHT = 360;
    public static final double DEFAULT_FPS = 10;
    public static final int DEFAULT_FRAMES = 300;
    public static final int DEFAULT_FIRE_START = 60;

    /** Seconds between two smoke puffs and the life of one puff. */
    private static final double PUFF_EVERY_S = 0.25;
    private static final double PUFF_LIFE_S = 6.0;

    private final long seed;
    private final int width;
    private final int height;
    private final double fps;
    private final int frames;
    private final int fireStart;
    private final Mat background;
    private final int fireX;
    private final int fireY;
    /** False for the smouldering variant: smoke only, no flame drawn. */
    private final boolean flames;

    public FireScene(long seed) {
        this(seed, DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_FPS, DEFAULT_FRAMES, DEFAULT_FIRE_START);
    }

    public FireScene(long seed, int width, int height, double fps, int frames, int fireStart) {
        this(seed, width, height, fps, frames, fireStart, true);
    }

    /**
     * A smouldering pile that gives off grey smoke and shows no flame. {@code smokeStart} is the
     * frame the smoke begins on; a negative value means it began that many frames before the
     * recording, so the plume is already there on frame 0 (truth then starts at frame 0).
     */
    public static FireScene smokeOnly(long seed, int width, int height, double fps, int frames, int smokeStart) {
        return new FireScene(seed, width, height, fps, frames, smokeStart, false);
    }

    private FireScene(long seed, int width, int height, double fps, int frames, int fireStart, boolean flames) {
        if (width < 64 || height < 64) {
            throw new IllegalArgumentException("scene must be at least 64x64, got " + width + "x" + height);
        }
        if (fps <= 0 || frames <= 0 || fireStart >= frames || (flames && fireStart < 0)) {
            throw new IllegalArgumentException("need fps > 0, frames > 0 and 0 <= fireStart < frames "
                    + "(a negative start only for smokeOnly)");
        }
        this.flames = flames;
        this.seed = seed;
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.frames = frames;
        this.fireStart = fireStart;
        this.fireX = width * 11 / 20;
        this.fireY = height * 4 / 5;
        this.background = backdrop(seed, width, height, false);
    }

    /** First frame of the burn (flame, or smoke for {@link #smokeOnly}); negative if it began before frame 0. */
    public int fireStart() {
        return fireStart;
    }

    /** Whether flames are drawn ({@code false} for {@link #smokeOnly}). */
    public boolean hasFlames() {
        return flames;
    }

    @Override
    public String name() {
        return (flames ? "fire-scene-" : "smoke-scene-") + seed;
    }

    @Override
    public Format format() {
        return new Format(width, height, fps, frames);
    }

    @Override
    public List<Truth> truth() {
        return List.of(new Truth(EventType.OPEN_BURNING, Math.max(0, fireStart), frames - 1));
    }

    @Override
    public Mat render(int index) {
        if (index < 0 || index >= frames) {
            throw new IndexOutOfBoundsException("frame " + index + " of " + frames);
        }
        Mat frame = background.clone();
        double t = (index - fireStart) / fps;
        if (t >= 0) {
            double growth = Math.min(1.0, 0.35 + 0.065 * t);
            drawPile(frame, growth);
            if (flames) {
                drawFlames(frame, index, growth);
                drawSmoke(frame, t, growth, width * 0.08 * growth);
            } else {
                drawHeap(frame);
                // Smouldering smoke leaves the top of the heap itself, not the tip of a flame.
                drawSmoke(frame, t, growth, width * 0.02);
            }
        }
        addNoise(frame, index);
        return frame;
    }

    private void drawPile(Mat frame, double growth) {
        int rx = (int) (width * 0.05 * (0.6 + 0.4 * growth));
        try (Point c = new Point(fireX, fireY + 4); Size axes = new Size(rx, Math.max(3, rx / 4));
             Scalar ash = new Scalar(40, 45, 50, 0)) {
            ellipse(frame, c, axes, 0, 180, 360, ash, FILLED, LINE_AA, 0);
        }
    }

    /**
     * A heap of leaves and straw: dull browns and greys, darker than any flame (Y well below 90) and
     * static, so nothing in it is fire-coloured or flickers.
     */
    private void drawHeap(Mat frame) {
        int rx = (int) (width * 0.045);
        try (Point c = new Point(fireX, fireY + 2); Size axes = new Size(rx, Math.max(3, rx / 2));
             Scalar brown = new Scalar(45, 60, 75, 0)) {
            ellipse(frame, c, axes, 0, 180, 360, brown, FILLED, LINE_AA, 0);
        }
        Random r = new Random(seed * 31 + 5);
        for (int k = 0; k < 40; k++) {
            double a = Math.PI * r.nextDouble();
            double d = r.nextDouble();
            int x = (int) (fireX + Math.cos(a) * d * rx);
            int y = (int) (fireY + 2 - Math.sin(a) * d * rx / 2.0);
            int g = r.nextInt(25);
            fillRect(frame, x, y, 2, 2, 35 + g, 50 + g, 62 + g);
        }
    }

    /** Tongues of flame: each frame draws new random heights and sways, so the outline flickers. */
    private void drawFlames(Mat frame, int index, double growth) {
        Random r = new Random(seed * 7_919 + index);
        double base = width * 0.045 * growth;
        int tongues = 5;
        // Outer red-orange, then orange, then a yellow-white core: drawn largest first.
        double[][] layers = {{1.0, 20, 70, 235}, {0.7, 10, 140, 255}, {0.4, 140, 225, 255}};
        for (int k = 0; k < tongues; k++) {
            double offset = (k - (tongues - 1) / 2.0) / tongues * 2 * base;
            double tongueH = base * (1.6 + 1.4 * r.nextDouble());
            double sway = (r.nextDouble() - 0.5) * base * 0.6;
            double tongueW = base * (0.35 + 0.25 * r.nextDouble());
            for (double[] layer : layers) {
                double s = layer[0];
                int h = (int) Math.max(2, tongueH * s);
                int w = (int) Math.max(1, tongueW * s);
                int cx = (int) (fireX + offset + sway * s);
                int cy = fireY - h;
                try (Point c = new Point(cx, cy); Size axes = new Size(w, h);
                     Scalar colour = new Scalar(layer[1], layer[2], layer[3], 0)) {
                    ellipse(frame, c, axes, (r.nextDouble() - 0.5) * 20, 0, 360, colour, FILLED, LINE_AA, 0);
                }
            }
        }
    }

    /** Grey puffs born at the fire, rising and spreading, blended over the scene (they hide detail). */
    private void drawSmoke(Mat frame, double t, double growth, double sourceHeight) {
        int born = (int) Math.floor(t / PUFF_EVERY_S);
        int first = Math.max(0, (int) Math.ceil((t - PUFF_LIFE_S) / PUFF_EVERY_S));
        for (int k = first; k <= born; k++) {
            double age = t - k * PUFF_EVERY_S;
            if (age < 0 || age > PUFF_LIFE_S) {
                continue;
            }
            Random r = new Random(seed * 104_729 + k);
            double rise = height * (0.06 + 0.02 * r.nextDouble()) * age;
            double drift = width * (0.012 + 0.01 * r.nextDouble()) * age;
            int radius = (int) (width * 0.02 * growth + width * 0.012 * age);
            int cx = (int) (fireX + drift + (r.nextDouble() - 0.5) * width * 0.02);
            int cy = (int) (fireY - sourceHeight - rise);
            double alpha = 0.55 * (1 - age / PUFF_LIFE_S);
            int grey = 150 + r.nextInt(40);
            int x0 = Math.max(0, cx - radius - 1);
            int y0 = Math.max(0, cy - radius - 1);
            int x1 = Math.min(width, cx + radius + 2);
            int y1 = Math.min(height, cy + radius + 2);
            if (x1 - x0 < 2 || y1 - y0 < 2) {
                continue;
            }
            // Blend only the puff's bounding square: same pixels as a full-frame blend, far cheaper.
            try (Rect box = new Rect(x0, y0, x1 - x0, y1 - y0); Mat roi = frame.apply(box); Mat layer = roi.clone();
                 Point c = new Point(cx - x0, cy - y0); Scalar colour = new Scalar(grey, grey, grey + 4, 0)) {
                circle(layer, c, radius, colour, FILLED, LINE_AA, 0);
                org.bytedeco.opencv.global.opencv_core.addWeighted(layer, alpha, roi, 1 - alpha, 0, roi);
            }
        }
    }

    private static void addNoise(Mat frame, int index) {
        setRNGSeed(1_000_003 + index);
        try (Mat noise = new Mat(frame.size(), org.bytedeco.opencv.global.opencv_core.CV_16SC3);
             Mat wide = new Mat(); Mat mean = new Mat(1, 1, org.bytedeco.opencv.global.opencv_core.CV_64FC1,
                     new Scalar(0)); Mat sd = new Mat(1, 1, org.bytedeco.opencv.global.opencv_core.CV_64FC1,
                     new Scalar(2.0))) {
            randn(noise, mean, sd);
            frame.convertTo(wide, org.bytedeco.opencv.global.opencv_core.CV_16SC3);
            add(wide, noise, wide);
            wide.convertTo(frame, CV_8UC3);
        }
    }

    /** Frees the cached background. */
    public void close() {
        background.close();
    }

    /**
     * A static outdoor view with detail (edges) everywhere smoke could veil it: graded sky, a
     * building with a grid of windows, a pole, a fence, textured ground. {@code dusk} darkens it.
     */
    static Mat backdrop(long seed, int w, int h, boolean dusk) {
        Mat m = new Mat(h, w, CV_8UC3);
        double light = dusk ? 0.45 : 1.0;
        int horizon = h * 11 / 20;
        for (int y = 0; y < horizon; y += 4) {
            double f = (double) y / horizon;
            fillRect(m, 0, y, w, 4, light * (225 - 40 * f), light * (190 - 20 * f), light * (150 + 10 * f));
        }
        fillRect(m, 0, horizon, w, h - horizon, light * 70, light * 120, light * 105);
        Random r = new Random(seed);
        // Ground texture: clumps of grass and gravel.
        for (int k = 0; k < w * h / 300; k++) {
            int x = r.nextInt(w);
            int y = horizon + r.nextInt(h - horizon);
            int g = r.nextInt(60);
            fillRect(m, x, y, 2 + r.nextInt(4), 2 + r.nextInt(3), light * (50 + g), light * (100 + g), light * (85 + g));
        }
        // A building with windows (strong, fixed edges for the smoke's edge-loss cue).
        int bx = w * 3 / 10;
        int bw = w / 5;
        int by = h / 6;
        fillRect(m, bx, by, bw, horizon - by, light * 150, light * 155, light * 165);
        for (int y = by + 10; y < horizon - 16; y += 22) {
            for (int x = bx + 8; x < bx + bw - 14; x += 20) {
                fillRect(m, x, y, 10, 12, light * 70, light * 60, light * 55);
            }
        }
        // A pole and a fence line across the middle distance.
        fillRect(m, w * 3 / 4, h / 8, 5, horizon - h / 8 + 20, light * 90, light * 90, light * 95);
        for (int x = 0; x < w; x += 12) {
            fillRect(m, x, horizon - 22, 3, 26, light * 60, light * 70, light * 75);
        }
        fillRect(m, 0, horizon - 18, w, 3, light * 60, light * 70, light * 75);
        return m;
    }

    static void fillRect(Mat m, int x, int y, int w, int h, double b, double g, double r) {
        try (Rect rect = new Rect(x, y, w, h); Scalar s = new Scalar(b, g, r, 0)) {
            rectangle(m, rect, s, FILLED, 8, 0);
        }
    }
}
