package org.nce.detectors.synthetic;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.line;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.nce.model.Box;
import org.nce.model.EventType;

/**
 * A park path seen by a fixed camera, with a person and/or a dog drawn as flat colour-coded shapes.
 * YOLO will not recognise them; {@link SceneObjectDetector} finds them by their exact colours, so
 * detector logic can be tested on exact truth.
 *
 * <ul>
 *   <li>{@link Variant#LEASHED_WALK}: a person walks a dog on a leash across the view (negative).</li>
 *   <li>{@link Variant#DOG_ALONE}: a dog runs back and forth with nobody in view (positive, every
 *       frame).</li>
 *   <li>{@link Variant#DOG_FAR_FROM_PERSON}: a person stands at one side while a dog runs loose far
 *       from them (positive, every frame).</li>
 * </ul>
 * Deterministic for a seed: the seed only varies the background texture.
 */
public final class DogScene implements SyntheticScene {

    public enum Variant { LEASHED_WALK, DOG_ALONE, DOG_FAR_FROM_PERSON }

    /** Exact BGR colours of the shapes. The background never contains them (its channels stay in 40..180). */
    public static final Scalar PERSON_COLOUR = new Scalar(255, 0, 255, 0);
    public static final Scalar DOG_COLOUR = new Scalar(0, 255, 255, 0);
    private static final Scalar LEASH_COLOUR = new Scalar(20, 20, 230, 0);

    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final double FPS = 10;
    private static final int FRAMES = 150;
    private static final int PERSON_W = 30;
    private static final int PERSON_H = 90;
    private static final int DOG_W = 40;
    private static final int DOG_H = 22;
    private static final int GROUND_Y = 300;

    private final Variant variant;
    private final long seed;
    /** Two BGR backgrounds, the second shifted one pixel left. */
    private final byte[][] backgrounds;

    public DogScene(Variant variant, long seed) {
        this.variant = variant;
        this.seed = seed;
        this.backgrounds = makeBackgrounds(seed);
    }

    public static DogScene leashedWalk(long seed) {
        return new DogScene(Variant.LEASHED_WALK, seed);
    }

    public static DogScene dogAlone(long seed) {
        return new DogScene(Variant.DOG_ALONE, seed);
    }

    public static DogScene dogFarFromPerson(long seed) {
        return new DogScene(Variant.DOG_FAR_FROM_PERSON, seed);
    }

    public Variant variant() {
        return variant;
    }

    @Override
    public String name() {
        return "dog-" + variant.name().toLowerCase(java.util.Locale.ROOT) + "-" + seed;
    }

    @Override
    public Format format() {
        return new Format(WIDTH, HEIGHT, FPS, FRAMES);
    }

    @Override
    public List<Truth> truth() {
        return variant == Variant.LEASHED_WALK ? List.of()
                : List.of(new Truth(EventType.UNLEASHED_DOG, 0, FRAMES - 1));
    }

    /** Where the person is in frame {@code index}, or null when there is none. */
    public Box personBox(int index) {
        return switch (variant) {
            case LEASHED_WALK -> new Box(40 + index * 3, GROUND_Y - PERSON_H, PERSON_W, PERSON_H);
            case DOG_FAR_FROM_PERSON -> new Box(560, GROUND_Y - PERSON_H, PERSON_W, PERSON_H);
            case DOG_ALONE -> null;
        };
    }

    /** Where the dog is in frame {@code index}. */
    public Box dogBox(int index) {
        return switch (variant) {
            // Trots just ahead of its owner at the end of a short leash.
            case LEASHED_WALK -> new Box(40 + index * 3 + PERSON_W + 15, GROUND_Y - DOG_H, DOG_W, DOG_H);
            case DOG_ALONE -> new Box(bounce(index, 20, WIDTH - 20 - DOG_W, 8), GROUND_Y - 40 - DOG_H, DOG_W, DOG_H);
            case DOG_FAR_FROM_PERSON -> new Box(bounce(index, 20, 260, 6), GROUND_Y - DOG_H, DOG_W, DOG_H);
        };
    }

    /** Ground-truth boxes of frame {@code index}: persons first, then dogs. */
    public List<Box> objects(int index) {
        List<Box> out = new ArrayList<>();
        Box p = personBox(index);
        if (p != null) {
            out.add(p);
        }
        out.add(dogBox(index));
        return out;
    }

    @Override
    public Mat render(int index) {
        if (index < 0 || index >= FRAMES) {
            throw new IndexOutOfBoundsException("frame " + index + " of " + FRAMES);
        }
        Mat m = new Mat(HEIGHT, WIDTH, CV_8UC3);
        // The background texture shifts by one pixel every other frame so frames are never identical,
        // like sensor noise; the motion gate must still open on the animals, not on this.
        m.data().put(backgrounds[index % 2]);
        Box p = personBox(index);
        Box d = dogBox(index);
        if (p != null) {
            fill(m, p, PERSON_COLOUR);
        }
        fill(m, d, DOG_COLOUR);
        if (variant == Variant.LEASHED_WALK) {
            try (Point hand = new Point(p.x() + p.w(), p.y() + p.h() / 2);
                 Point collar = new Point(d.x() + 4, d.y() + 3)) {
                line(m, hand, collar, LEASH_COLOUR, 2, LINE_8, 0);
            }
        }
        return m;
    }

    private static void fill(Mat m, Box b, Scalar colour) {
        try (Rect r = new Rect(b.x(), b.y(), b.w(), b.h())) {
            rectangle(m, r, colour, FILLED, LINE_8, 0);
        }
    }

    /** Back-and-forth motion between lo and hi at {@code step} pixels per frame. */
    private static int bounce(int index, int lo, int hi, int step) {
        int span = hi - lo;
        int pos = (index * step) % (2 * span);
        return lo + (pos <= span ? pos : 2 * span - pos);
    }

    private static byte[][] makeBackgrounds(long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        int[] grey = new int[WIDTH * HEIGHT];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                grey[y * WIDTH + x] = 90 + (y * 60) / HEIGHT + rnd.nextInt(21) - 10; // brighter towards the camera
            }
        }
        byte[][] out = new byte[2][WIDTH * HEIGHT * 3];
        for (int shift = 0; shift < 2; shift++) {
            for (int y = 0; y < HEIGHT; y++) {
                for (int x = 0; x < WIDTH; x++) {
                    int v = grey[y * WIDTH + Math.min(WIDTH - 1, x + shift)];
                    int o = (y * WIDTH + x) * 3;
                    out[shift][o] = (byte) (v / 2 + 40);
                    out[shift][o + 1] = (byte) (v / 2 + 70);
                    out[shift][o + 2] = (byte) (v / 3 + 40);
                }
            }
        }
        return out;
    }
}
