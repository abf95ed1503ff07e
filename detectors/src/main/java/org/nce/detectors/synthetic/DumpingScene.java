package org.nce.detectors.synthetic;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nce.model.Box;
import org.nce.model.EventType;

/**
 * A fixed roadside camera: textured asphalt, a kerb and a brick wall. Deterministic for a seed.
 * <ul>
 *   <li>{@link Variant#DUMPING}: a tipper truck (yellow cab, grey bed, dark wheels: box shapes)
 *       drives in, stops, raises its bed while a textured brown pile grows behind it, and drives
 *       off; the pile stays. Truth: muck dumping from the frame the pile starts to the last frame.</li>
 *   <li>{@link Variant#LIGHTING_AND_PASSING}: the same truck passes without stopping, a cloud dims
 *       the whole scene to 55% and back, a street lamp switches on (a pool of light that stays), a
 *       headlight beam sweeps across the road and the camera's exposure steps down. No truth.</li>
 *   <li>{@link Variant#PARKED_TRUCK}: the truck drives in, stands for 10 s and leaves, dumping
 *       nothing. No truth. Without an object detector a vehicle standing still is
 *       indistinguishable from a pile by pixels alone; this variant tests the detector-backed gate.</li>
 * </ul>
 * 640x360 at 10 fps, 300 frames (30 s) by default.
 */
public final class DumpingScene implements SyntheticScene {

    public enum Variant { DUMPING, LIGHTING_AND_PASSING, PARKED_TRUCK }

    /** The truck cab's exact BGR colour, so a test fake can find it. */
    public static final int[] CAB_BGR = {0, 200, 255};

    private static final int FRAMES = 300;
    private static final double FPS = 10;
    private static final int ROAD_TOP = 150;

    // Timeline (frame numbers at 10 fps).
    private static final int ARRIVE_START = 40;
    private static final int ARRIVE_END = 80;
    private static final int DUMP_START = 90;
    private static final int DUMP_END = 140;
    private static final int LEAVE_START = 150;
    private static final int LEAVE_END = 190;
    private static final int PARK_LEAVE_START = 180;
    private static final int PARK_LEAVE_END = 220;
    private static final int LAMP_ON = 240;
    private static final int EXPOSURE_STEP = 285;

    // Truck geometry: cab on the right (it drives to the right), bed behind it.
    private static final int BED_W = 150;
    private static final int CAB_W = 60;
    private static final int TRUCK_H = 80;
    private static final int TRUCK_Y = 200;
    private static final int STOP_X = 260; // left edge (rear) of the bed when stopped

    // The pile: an ellipse on the road behind the truck's rear.
    private static final int PILE_CX = 215;
    private static final int PILE_CY = 268;
    private static final int PILE_RX = 55;
    private static final int PILE_RY = 30;

    private final Variant variant;
    private final long seed;
    private final int width = 640;
    private final int height = 360;
    private final byte[] background;
    private final byte[] pileTexture;

    public DumpingScene(Variant variant, long seed) {
        if (variant == null) {
            throw new IllegalArgumentException("variant is required");
        }
        this.variant = variant;
        this.seed = seed;
        this.background = makeBackground(seed);
        this.pileTexture = makePileTexture(seed);
    }

    public static DumpingScene dumping(long seed) {
        return new DumpingScene(Variant.DUMPING, seed);
    }

    public static DumpingScene lightingAndPassing(long seed) {
        return new DumpingScene(Variant.LIGHTING_AND_PASSING, seed);
    }

    public static DumpingScene parkedTruck(long seed) {
        return new DumpingScene(Variant.PARKED_TRUCK, seed);
    }

    @Override
    public String name() {
        return "dumping-" + variant.name().toLowerCase(java.util.Locale.ROOT) + "-" + seed;
    }

    @Override
    public Format format() {
        return new Format(width, height, FPS, FRAMES);
    }

    @Override
    public List<Truth> truth() {
        return variant == Variant.DUMPING
                ? List.of(new Truth(EventType.MUCK_DUMPING, DUMP_START, FRAMES - 1))
                : List.of();
    }

    /** Where the finished pile lies (frame pixels). */
    public Box pileBox() {
        return new Box(PILE_CX - PILE_RX, PILE_CY - PILE_RY, 2 * PILE_RX, 2 * PILE_RY);
    }

    /** The truck's box in frame {@code index}, if it is in view. */
    public Optional<Box> truckBox(int index) {
        Double x = truckX(index);
        if (x == null) {
            return Optional.empty();
        }
        int x0 = (int) Math.round(x);
        int lift = bedLift(index);
        int y0 = TRUCK_Y - lift;
        int x1 = x0 + BED_W + CAB_W;
        int cx0 = Math.max(0, x0);
        int cx1 = Math.min(width, x1);
        if (cx1 <= cx0) {
            return Optional.empty();
        }
        return Optional.of(new Box(cx0, y0, cx1 - cx0, TRUCK_Y + TRUCK_H + 12 - y0));
    }

    /** Left edge of the truck (bed rear) in frame {@code index}, or null when it is out of view. */
    private Double truckX(int index) {
        double outLeft = -(BED_W + CAB_W) - 5.0;
        double outRight = width + 5.0;
        switch (variant) {
            case DUMPING:
                return travel(index, ARRIVE_START, ARRIVE_END, LEAVE_START, LEAVE_END, outLeft, outRight);
            case PARKED_TRUCK:
                return travel(index, ARRIVE_START, ARRIVE_END, PARK_LEAVE_START, PARK_LEAVE_END, outLeft, outRight);
            case LIGHTING_AND_PASSING:
            default:
                int start = 60;
                int end = 120;
                if (index < start || index > end) {
                    return null;
                }
                return outLeft + (outRight - outLeft) * (index - start) / (end - start);
        }
    }

    private static Double travel(int i, int a0, int a1, int l0, int l1, double outLeft, double outRight) {
        if (i < a0 || i > l1) {
            return null;
        }
        if (i <= a1) {
            double u = (double) (i - a0) / (a1 - a0);
            double ease = 1 - (1 - u) * (1 - u); // decelerates to a stop
            return outLeft + (STOP_X - outLeft) * ease;
        }
        if (i < l0) {
            return (double) STOP_X;
        }
        double u = (double) (i - l0) / (l1 - l0);
        return STOP_X + (outRight - STOP_X) * u * u; // accelerates away
    }

    /** How far the bed's rear is raised (tipping), in pixels. */
    private int bedLift(int index) {
        if (variant != Variant.DUMPING || index < DUMP_START - 5 || index > DUMP_END + 5) {
            return 0;
        }
        return 25;
    }

    /** Fraction of the pile visible at frame {@code index} (0 before the drop, 1 when done). */
    private double pileGrowth(int index) {
        if (variant != Variant.DUMPING || index < DUMP_START) {
            return 0;
        }
        if (index >= DUMP_END) {
            return 1;
        }
        return 0.15 + 0.85 * (index - DUMP_START) / (double) (DUMP_END - DUMP_START);
    }

    /** Global brightness factor (the cloud, then an exposure step) at frame {@code index}. */
    private double gain(int index) {
        if (variant != Variant.LIGHTING_AND_PASSING) {
            return 1;
        }
        if (index >= EXPOSURE_STEP) {
            return 0.8;
        }
        double low = 0.55;
        if (index < 130) {
            return 1;
        }
        if (index < 160) {
            return 1 - (1 - low) * (index - 130) / 30.0;
        }
        if (index < 200) {
            return low;
        }
        if (index < 230) {
            return low + (1 - low) * (index - 200) / 30.0;
        }
        return 1;
    }

    @Override
    public Mat render(int index) {
        if (index < 0 || index >= FRAMES) {
            throw new IllegalArgumentException("frame index " + index + " outside 0.." + (FRAMES - 1));
        }
        byte[] px = background.clone();
        double growth = pileGrowth(index);
        if (growth > 0) {
            drawPile(px, growth);
        }
        Double tx = truckX(index);
        if (tx != null) {
            drawTruck(px, (int) Math.round(tx), bedLift(index));
        }
        applyLighting(px, index);
        addNoise(px, index);
        Mat m = new Mat(height, width, CV_8UC3);
        ((ByteBuffer) m.createBuffer()).put(px);
        return m;
    }

    private void drawPile(byte[] px, double growth) {
        double rx = PILE_RX * Math.sqrt(growth);
        double ry = PILE_RY * Math.sqrt(growth);
        // The pile builds up from the ground: its centre sits lower while it is small.
        double cy = PILE_CY + (PILE_RY - ry) * 0.8;
        for (int y = (int) (cy - ry); y <= (int) (cy + ry); y++) {
            for (int x = (int) (PILE_CX - rx); x <= (int) (PILE_CX + rx); x++) {
                if (x < 0 || y < 0 || x >= width || y >= height) {
                    continue;
                }
                double dx = (x - PILE_CX) / rx;
                double dy = (y - cy) / ry;
                if (dx * dx + dy * dy <= 1) {
                    int i = 3 * (y * width + x);
                    System.arraycopy(pileTexture, i, px, i, 3);
                }
            }
        }
    }

    private void drawTruck(byte[] px, int x0, int lift) {
        // Wheels, bed (raised at the rear while tipping), cab.
        fillRect(px, x0 + 15, TRUCK_Y + TRUCK_H - 8, 36, 20, 25, 25, 25);
        fillRect(px, x0 + BED_W - 30, TRUCK_Y + TRUCK_H - 8, 36, 20, 25, 25, 25);
        fillRect(px, x0 + BED_W + 15, TRUCK_Y + TRUCK_H - 8, 36, 20, 25, 25, 25);
        fillRect(px, x0, TRUCK_Y - lift, BED_W, TRUCK_H - 10 + lift, 90, 95, 100);
        fillRect(px, x0 + 4, TRUCK_Y - lift + 4, BED_W - 8, 8, 60, 65, 70);
        for (int rib = 12; rib < BED_W - 6; rib += 22) { // the bed's vertical stiffening ribs
            fillRect(px, x0 + rib, TRUCK_Y - lift, 5, TRUCK_H - 10 + lift, 140, 145, 150);
        }
        fillRect(px, x0 + BED_W, TRUCK_Y + 5, CAB_W, TRUCK_H - 15, CAB_BGR[0], CAB_BGR[1], CAB_BGR[2]);
        fillRect(px, x0 + BED_W + 25, TRUCK_Y + 12, 28, 22, 120, 90, 60); // window
    }

    private void fillRect(byte[] px, int x, int y, int w, int h, int b, int g, int r) {
        int x0 = Math.max(0, x);
        int y0 = Math.max(0, y);
        int x1 = Math.min(width, x + w);
        int y1 = Math.min(height, y + h);
        for (int yy = y0; yy < y1; yy++) {
            for (int xx = x0; xx < x1; xx++) {
                int i = 3 * (yy * width + xx);
                px[i] = (byte) b;
                px[i + 1] = (byte) g;
                px[i + 2] = (byte) r;
            }
        }
    }

    private void applyLighting(byte[] px, int index) {
        double g = gain(index);
        // Headlight beam sweeping across the road (negative variant), an additive bright ellipse.
        boolean beam = variant == Variant.LIGHTING_AND_PASSING && index >= 240 && index < 280;
        double bx = beam ? -100 + (width + 200) * (index - 240) / 40.0 : 0;
        double by = 280;
        // A street lamp switches on at once and stays on: a brighter pool on the road whose texture
        // is the asphalt's, scaled.
        boolean lamp = variant == Variant.LIGHTING_AND_PASSING && index >= LAMP_ON;
        if (g == 1 && !beam && !lamp) {
            return;
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double add = 0;
                if (beam) {
                    double dx = (x - bx) / 110;
                    double dy = (y - by) / 45;
                    double r2 = dx * dx + dy * dy;
                    add = r2 < 4 ? 70 * Math.exp(-r2) : 0;
                }
                double boost = 1;
                if (lamp) {
                    double dx = (x - 120) / 90.0;
                    double dy = (y - 262) / 35.0;
                    double r2 = dx * dx + dy * dy;
                    boost = r2 < 1 ? 1.6 : r2 < 1.44 ? 1 + 0.6 * (1.44 - r2) / 0.44 : 1;
                }
                int i = 3 * (y * width + x);
                for (int c = 0; c < 3; c++) {
                    double v = (px[i + c] & 0xff) * g * boost + add;
                    px[i + c] = (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
                }
            }
        }
    }

    private void addNoise(byte[] px, int index) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + index);
        for (int i = 0; i < px.length; i++) {
            int v = (px[i] & 0xff) + rnd.nextInt(7) - 3;
            px[i] = (byte) Math.max(0, Math.min(255, v));
        }
    }

    private byte[] makeBackground(long s) {
        SplittableRandom rnd = new SplittableRandom(s);
        byte[] px = new byte[width * height * 3];
        // Coarse random grain, smoothed by a 3x3 mean, gives asphalt a texture (not a flat colour).
        int[] grain = new int[width * height];
        for (int i = 0; i < grain.length; i++) {
            grain[i] = rnd.nextInt(41) - 20;
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int sum = 0;
                int cnt = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        if (yy >= 0 && xx >= 0 && yy < height && xx < width) {
                            sum += grain[yy * width + xx];
                            cnt++;
                        }
                    }
                }
                int t = sum / cnt;
                int b;
                int g;
                int r;
                if (y < ROAD_TOP - 20) {
                    // Brick wall: rows of bricks with mortar lines.
                    int row = y / 16;
                    boolean mortar = y % 16 == 0 || (x + (row % 2) * 20) % 40 == 0;
                    b = mortar ? 170 : 60 + t;
                    g = mortar ? 175 : 75 + t;
                    r = mortar ? 180 : 140 + t;
                } else if (y < ROAD_TOP) {
                    b = 150 + t; // kerb / pavement
                    g = 150 + t;
                    r = 145 + t;
                } else {
                    b = 105 + t; // asphalt
                    g = 105 + t;
                    r = 100 + t;
                    if (y > 318 && y < 326 && (x / 40) % 2 == 0) {
                        b = 220; // lane marking
                        g = 220;
                        r = 220;
                    }
                }
                int i = 3 * (y * width + x);
                px[i] = (byte) clamp(b);
                px[i + 1] = (byte) clamp(g);
                px[i + 2] = (byte) clamp(r);
            }
        }
        return px;
    }

    private byte[] makePileTexture(long s) {
        SplittableRandom rnd = new SplittableRandom(s ^ 0x5DEECE66DL);
        byte[] px = new byte[width * height * 3];
        // Brown soil with lumps: random blotches of darker and lighter earth and grey rubble.
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = 3 * (y * width + x);
                int lump = ((x / 6) * 7 + (y / 5) * 13 + rnd.nextInt(3)) % 5;
                int base = 55 + lump * 18 + rnd.nextInt(15);
                px[i] = (byte) clamp(base * 45 / 100);
                px[i + 1] = (byte) clamp(base * 75 / 100);
                px[i + 2] = (byte) clamp(base);
            }
        }
        return px;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
