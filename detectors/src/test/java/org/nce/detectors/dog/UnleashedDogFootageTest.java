package org.nce.detectors.dog;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.nce.detectors.FrameMeta;
import org.nce.detectors.objects.TestFiles;
import org.nce.detectors.objects.YoloConfig;
import org.nce.model.Detection;

/**
 * Quality and speed of {@link UnleashedDogDetector} on every clip of the visible set: the
 * unleashed_dog rows of labels.csv are positives, every other clip is a negative for this event.
 * Scoring as in issue #3: the first alert overlapping a labelled interval is a TP, later ones on the
 * same interval are ignored, any other alert is a FP, an interval without an alert is a FN.
 *
 * <p>Prints a table and P/R/F1; asserts nothing about the numbers (they describe this small set,
 * they are not a contract). Model: system property {@code nce.dog.model} (a cfg base name in the
 * YOLO-Fastest folder), default {@code yolo-fastest-1.1}. Speed is thread CPU time with OpenCV held to
 * one thread, so it reads as "per core" even on a busy machine. Skips without test data.
 */
@org.junit.jupiter.api.Tag("footage")
class UnleashedDogFootageTest {

    private record Interval(String event, int first, int last) {
    }

    @Test
    void visibleSet() throws IOException {
        Path root = TestFiles.root();
        Path labels = root.resolve("labels.csv");
        Path models = TestFiles.models();
        assumeTrue(Files.isRegularFile(labels) && models != null, "no test data at " + root);
        String modelName = System.getProperty("nce.dog.model", "yolo-fastest-1.1");
        assumeTrue(Files.isRegularFile(models.resolve(modelName + ".weights")), "no model " + modelName);
        DogConfig config = DogConfig.defaults().withModel(YoloConfig.darknet(
                models.resolve(modelName + ".cfg").toString(), models.resolve(modelName + ".weights").toString(),
                models.resolve("coco.names").toString()));
        // Overrides for measuring alternatives (documented in docs/detectors/unleashed-dog.md); defaults otherwise.
        config = config.withUnleashedMs(Long.getLong("nce.dog.unleashedMs", config.unleashedMs()))
                .withDetectIntervalMs(Long.getLong("nce.dog.detectIntervalMs", config.detectIntervalMs()))
                .withMinDogHits(Integer.getInteger("nce.dog.minDogHits", config.minDogHits()));

        Map<String, List<Interval>> clips = new LinkedHashMap<>();
        for (String line : Files.readAllLines(labels)) {
            String[] c = line.split(",");
            if (c.length < 4 || c[0].equals("file")) {
                continue;
            }
            List<Interval> rows = clips.computeIfAbsent(c[0], k -> new ArrayList<>());
            if (c[1].equals("unleashed_dog")) {
                rows.add(new Interval(c[1], Integer.parseInt(c[2]), Integer.parseInt(c[3])));
            }
        }

        int prevThreads = opencv_core.getNumThreads();
        opencv_core.setNumThreads(1);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        int tp = 0;
        int fp = 0;
        int fn = 0;
        long totalFrames = 0;
        long totalRuns = 0;
        long totalLooks = 0;
        long totalCpuNs = 0;
        long maxStateBytes = 0;
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%n== unleashed_dog, model %s, unleashed_ms %d, detect_interval_ms %d, min_dog_hits %d ==%n%-62s %6s %5s %6s %8s %4s %4s %4s  %s%n",
                modelName, config.unleashedMs(), config.detectIntervalMs(), config.minDogHits(), "clip", "frames", "runs",
                "looks", "ms/frame", "TP", "FP", "FN", "alerts"));
        try {
            for (Map.Entry<String, List<Interval>> clip : clips.entrySet()) {
                Path file = root.resolve(clip.getKey());
                if (!Files.isRegularFile(file) || clip.getKey().endsWith(".jpg")) {
                    continue;
                }
                List<Detection> alerts = new ArrayList<>();
                long cpuNs = 0;
                long frames;
                long runs;
                long looks;
                try (UnleashedDogDetector det = UnleashedDogDetector.create(config);
                     FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
                     OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
                    grabber.start();
                    double fps = grabber.getFrameRate() > 0 ? grabber.getFrameRate() : 25;
                    long index = 0;
                    Frame f;
                    while ((f = grabber.grabImage()) != null) {
                        Mat bgr = conv.convert(f);
                        long t0 = cpu.getCurrentThreadCpuTime();
                        alerts.addAll(det.detect(bgr, FrameMeta.ofIndex(clip.getKey(), index, fps)));
                        cpuNs += cpu.getCurrentThreadCpuTime() - t0;
                        index++;
                    }
                    maxStateBytes = Math.max(maxStateBytes, det.stateBytes());
                    frames = det.framesSeen();
                    runs = det.networkRuns();
                    looks = det.closerLooks();
                }
                int cTp = 0;
                int cFp = 0;
                boolean[] matched = new boolean[clip.getValue().size()];
                for (Detection a : alerts) {
                    int hit = -1;
                    for (int i = 0; i < matched.length; i++) {
                        Interval iv = clip.getValue().get(i);
                        if (a.firstFrame() <= iv.last() && a.lastFrame() >= iv.first()) {
                            hit = i;
                            break;
                        }
                    }
                    if (hit < 0) {
                        cFp++;
                    } else if (!matched[hit]) {
                        matched[hit] = true;
                        cTp++;
                    }
                }
                int cFn = 0;
                for (boolean m : matched) {
                    cFn += m ? 0 : 1;
                }
                tp += cTp;
                fp += cFp;
                fn += cFn;
                totalFrames += frames;
                totalRuns += runs;
                totalLooks += looks;
                totalCpuNs += cpuNs;
                table.append(String.format(Locale.ROOT, "%-62s %6d %5d %6d %8.2f %4d %4d %4d  %s%n", clip.getKey(),
                        frames, runs, looks, frames == 0 ? 0 : cpuNs / 1e6 / frames, cTp, cFp, cFn,
                        alerts.stream().map(a -> "[" + a.firstFrame() + "-" + a.lastFrame() + " " + a.reason() + "]")
                                .toList()));
            }
        } finally {
            opencv_core.setNumThreads(prevThreads);
        }
        double p = tp + fp == 0 ? 0 : tp / (double) (tp + fp);
        double r = tp + fn == 0 ? 0 : tp / (double) (tp + fn);
        double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
        table.append(String.format(Locale.ROOT,
                "TOTAL TP=%d FP=%d FN=%d precision=%.2f recall=%.2f F1=%.2f; %d frames, %d network runs (%.1f%%)"
                        + " + %d closer looks, %.2f ms/frame CPU amortized, state <= %.1f MB%n", tp, fp, fn, p, r, f1,
                totalFrames, totalRuns, 100.0 * totalRuns / Math.max(1, totalFrames), totalLooks, totalCpuNs / 1e6 / Math.max(1, totalFrames),
                maxStateBytes / 1e6));
        System.out.println(table);
    }
}
