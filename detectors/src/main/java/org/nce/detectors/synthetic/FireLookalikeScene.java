package org.nce.detectors.synthetic;

import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * A negative scene for the open-burning detector: the same kind of outdoor view at dusk with the
 * classic traps and no fire. A red-orange car drives across twice, a street lamp glows steadily
 * orange-yellow, an amber beacon blinks regularly (0.5 s on, 0.5 s off), and a person in an
 * orange jacket stands still. Truth is empty. Deterministic for a seed.
 */
public final class FireLookalikeScene implements SyntheticScene {

    private final long seed;
    private final int width;
    private final int height;
    private final double fps;
    private final int frames;
    private final Mat background;

    public FireLookalikeScene(long seed) {
        this(seed, FireScene.DEFAULT_WIDTH, FireScene.DEFAULT_HEIGHT, FireScene.DEFAULT_FPS, FireScene.DEFAULT_FRAMES);
    }

    public FireLookalikeScene(long seed, int width, int height, double fps, int frames) {
        if (width < 64 || height < 64 || fps <= 0 || frames <= 0) {
            throw new IllegalArgumentException("need at least 64x64, fps > 0 and frames > 0");
        }
        this.seed = seed;
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.frames = frames;
        this.background = FireScene.backdrop(seed, width, height, true);
        // Static traps are part of the background: the lamp and the orange-clad person.
        int lampX = width * 3 / 4 + 2;
        int lampY = height / 8;
        for (int r = 18; r >= 4; r -= 2) {
            double f = 1 - r / 18.0;
            disc(background, lampX, lampY, r, 60 + 140 * f, 150 + 90 * f, 230 + 25 * f);
        }
        FireScene.fillRect(background, width / 8, height * 3 / 5, 14, 40, 20, 110, 240);
        disc(background, width / 8 + 7, height * 3 / 5 - 7, 7, 120, 150, 190);
    }

    @Override
    public String name() {
        return "fire-lookalike-scene-" + seed;
    }

    @Override
    public Format format() {
        return new Format(width, height, fps, frames);
    }

    @Override
    public List<Truth> truth() {
        return List.of();
    }

    @Override
    public Mat render(int index) {
        if (index < 0 || index >= frames) {
            throw new IndexOutOfBoundsException("frame " + index + " of " + frames);
        }
        Mat frame = background.clone();
        double t = index / fps;
        // Amber beacon on the building roof: regular 1 Hz blink.
        if ((long) Math.floor(t * 2) % 2 == 0) {
            disc(frame, width * 4 / 10, height / 6 - 8, 7, 0, 150, 255);
        }
        // A red-orange car crossing left to right in 8 s, then right to left.
        double period = 10.0;
        double phase = t % period;
        if (phase < 8.0) {
            boolean back = ((long) Math.floor(t / period)) % 2 == 1;
            double p = phase / 8.0;
            int carW = width / 6;
            int x = (int) (back ? width - p * (width + carW) : -carW + p * (width + carW));
            int y = height * 3 / 4;
            FireScene.fillRect(frame, x, y, carW, height / 14, 30, 70, 220);
            FireScene.fillRect(frame, x + carW / 5, y - height / 20, carW * 3 / 5, height / 20, 40, 90, 235);
            FireScene.fillRect(frame, x + carW / 4, y - height / 24, carW / 5, height / 30, 120, 100, 90);
            disc(frame, x + carW / 5, y + height / 14, height / 40, 25, 25, 25);
            disc(frame, x + carW * 4 / 5, y + height / 14, height / 40, 25, 25, 25);
            // Tail/head lights.
            disc(frame, back ? x + carW - 3 : x + 3, y + 6, 4, 20, 20, 255);
        }
        return frame;
    }

    /** Frees the cached background. */
    public void close() {
        background.close();
    }

    private static void disc(Mat m, int x, int y, int r, double b, double g, double red) {
        try (Point c = new Point(x, y); Scalar s = new Scalar(b, g, red, 0)) {
            circle(m, c, r, s, FILLED, LINE_AA, 0);
        }
    }
}
