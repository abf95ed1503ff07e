package org.nce.detectors.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.nce.detectors.eval.LabelsCsv;
import org.nce.detectors.video.ClipReader;
import org.nce.model.EventType;

/**
 * A sequence of 640x360 BGR frames held in memory for the bench, decoded once from a real clip
 * with motion of the event's kind, so that detectors pay their amortized per-frame cost (motion
 * gates open and close as in a live stream) without decode time in the measurement. Falls back
 * to generated frames with a moving object when the shared test footage is absent.
 */
public final class BenchFrames implements AutoCloseable {

    public static final int WIDTH = 640;
    public static final int HEIGHT = 360;

    /**
     * Clips with motion, preferred per event (relative to the testdata folder): an outdoor grass
     * fire with moving flames and smoke, a person walking in and dropping a bag, a dog walking
     * across a field. If one is missing, the first clip labelled with the event is used.
     */
    static final Map<EventType, String> PREFERRED = Map.of(
            EventType.OPEN_BURNING, "fire/roadside_grass_fire_smoke_istock_punpayut.mp4",
            EventType.MUCK_DUMPING, "dumping/night_street_person_drops_garbage_bag_kasinadhan.mp4",
            EventType.UNLEASHED_DOG, "dog_unleashed/dog_alone_on_grass_dinov3demo.mp4");

    private final List<Mat> frames;
    private final double fps;
    private final String source;

    private BenchFrames(List<Mat> frames, double fps, String source) {
        this.frames = frames;
        this.fps = fps;
        this.source = source;
    }

    /**
     * Up to {@code count} frames for {@code event}: from the preferred clip, else the first
     * labelled clip of that event, else synthetic (also when {@code forceSynthetic}).
     */
    public static BenchFrames load(EventType event, Path testdata, int count, boolean forceSynthetic) throws IOException {
        if (!forceSynthetic && testdata != null) {
            Path clip = pickClip(event, testdata);
            if (clip != null) {
                double fps;
                try (ClipReader reader = ClipReader.open(clip)) {
                    fps = reader.fps();
                }
                List<Mat> frames = ClipReader.readAll(clip, count, new Size(WIDTH, HEIGHT));
                if (!frames.isEmpty()) {
                    return new BenchFrames(frames, fps, testdata.relativize(clip) + " (" + frames.size() + " frames)");
                }
            }
        }
        return synthetic(event, count);
    }

    static Path pickClip(EventType event, Path testdata) throws IOException {
        Path preferred = testdata.resolve(PREFERRED.get(event));
        if (Files.isRegularFile(preferred)) {
            return preferred;
        }
        Path labels = testdata.resolve("labels.csv");
        if (!Files.isRegularFile(labels)) {
            return null;
        }
        for (LabelsCsv.ClipLabels clip : LabelsCsv.read(labels).clips()) {
            boolean ofEvent = clip.intervals().stream().anyMatch(i -> i.event() == event);
            Path file = testdata.resolve(clip.file());
            if (ofEvent && Files.isRegularFile(file)) {
                return file;
            }
        }
        return null;
    }

    /**
     * Generated stand-in: a fixed noisy background with a coloured blob that moves and changes
     * size every frame (so motion gates stay open), 25 fps. Deterministic.
     */
    public static BenchFrames synthetic(EventType event, int count) {
        Scalar colour = switch (event) {
            case OPEN_BURNING -> new Scalar(20, 120, 250, 0);
            case UNLEASHED_DOG -> new Scalar(40, 70, 110, 0);
            default -> new Scalar(30, 30, 30, 0);
        };
        List<Mat> frames = new ArrayList<>(count);
        try (Mat background = new Mat(HEIGHT, WIDTH, opencv_core.CV_8UC3);
             Mat low = new Mat(1, 1, opencv_core.CV_64FC1, new Scalar(60));
             Mat high = new Mat(1, 1, opencv_core.CV_64FC1, new Scalar(140))) {
            opencv_core.setRNGSeed(42);
            opencv_core.randu(background, low, high);
            opencv_imgproc.GaussianBlur(background, background, new Size(5, 5), 0);
            for (int i = 0; i < count; i++) {
                Mat frame = background.clone();
                int x = 40 + (i * 7) % (WIDTH - 80);
                int y = HEIGHT / 2 + (int) (60 * Math.sin(i / 10.0));
                int r = 20 + (i % 12);
                opencv_imgproc.circle(frame, new Point(x, y), r, colour, -1, opencv_imgproc.LINE_8, 0);
                frames.add(frame);
            }
        }
        return new BenchFrames(frames, 25.0, "synthetic moving blob (" + count + " frames)");
    }

    public int size() {
        return frames.size();
    }

    /** Frame {@code i}; owned by this object, do not close. */
    public Mat get(int i) {
        return frames.get(i);
    }

    public double fps() {
        return fps;
    }

    /** Where the frames came from, for the report. */
    public String source() {
        return source;
    }

    @Override
    public void close() {
        frames.forEach(Mat::close);
        frames.clear();
    }
}
