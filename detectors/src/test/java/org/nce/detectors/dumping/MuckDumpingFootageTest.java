package org.nce.detectors.dumping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nce.detectors.FrameMeta;
import org.nce.detectors.objects.YoloConfig;
import org.nce.model.Detection;
import org.nce.model.EventType;

/**
 * Quality of {@link MuckDumpingDetector} (default config; with the motion actor gate, and with the
 * YOLO actor gate when the model is in the test data) on the real visible
 * footage in {@code shared/testdata}: every labelled clip, the muck_dumping ones as positives and
 * all others as negatives. Scoring as in the project's evaluation: the first alert overlapping a
 * labelled interval is a true positive, later ones on the same interval are ignored, any other alert
 * is a false positive, an interval without an alert is a false negative. Prints per-clip results and
 * precision / recall / F1; asserts nothing about any one clip. Skips when the footage is absent.
 */
@org.junit.jupiter.api.Tag("footage")
class MuckDumpingFootageTest {

    private static final String EVENT = EventType.MUCK_DUMPING.wireName();

    static Path testdata() {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("nce.testdata");
        if (prop != null && !prop.isBlank()) {
            candidates.add(Paths.get(prop));
        }
        candidates.add(Paths.get("..", "..", "shared", "testdata")); // from the detectors module
        candidates.add(Paths.get("..", "shared", "testdata")); // from the project root
        for (Path p : candidates) {
            if (Files.isRegularFile(p.resolve("labels.csv"))) {
                return p;
            }
        }
        return null;
    }

    private record Interval(int first, int last) {
    }

    @Test
    void precisionAndRecallOnTheVisibleSet() throws IOException {
        Path root = testdata();
        Assumptions.assumeTrue(root != null, "no shared/testdata with labels.csv; skipping footage evaluation");
        evaluate(root, "default config, motion actor gate", DumpingConfig.defaults());
    }

    @Test
    void precisionAndRecallWithTheYoloActorGate() throws IOException {
        Path root = testdata();
        Assumptions.assumeTrue(root != null, "no shared/testdata with labels.csv; skipping footage evaluation");
        Path models = root.resolve("models/yolo-fastest-1.1_coco");
        Assumptions.assumeTrue(Files.isDirectory(models), "no YOLO-Fastest model in the test data; skipping");
        YoloConfig yolo = YoloConfig.darknet(models.resolve("yolo-fastest-1.1.cfg").toString(),
                models.resolve("yolo-fastest-1.1.weights").toString(), models.resolve("coco.names").toString());
        evaluate(root, "default config, YOLO-Fastest 1.1 actor gate", DumpingConfig.defaults().withActorModel(yolo));
    }

    private void evaluate(Path root, String label, DumpingConfig config) throws IOException {
        Map<String, List<Interval>> clips = new LinkedHashMap<>();
        try (Stream<String> lines = Files.lines(root.resolve("labels.csv"))) {
            lines.skip(1).filter(l -> !l.isBlank()).forEach(l -> {
                String[] p = l.split(",");
                List<Interval> iv = clips.computeIfAbsent(p[0].trim(), k -> new ArrayList<>());
                if (p[1].trim().equals(EVENT)) {
                    iv.add(new Interval(Integer.parseInt(p[2].trim()), Integer.parseInt(p[3].trim())));
                }
            });
        }
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        int tp = 0;
        int fp = 0;
        int fn = 0;
        long frames = 0;
        long nanos = 0;
        System.out.println("MuckDumpingFootageTest (" + label + ")");
        for (Map.Entry<String, List<Interval>> clip : clips.entrySet()) {
            Path file = root.resolve(clip.getKey());
            if (!Files.isRegularFile(file)) {
                System.out.println("  missing " + clip.getKey());
                continue;
            }
            List<Detection> alerts = new ArrayList<>();
            int n = 0;
            long ns = 0;
            try (MuckDumpingDetector detector = MuckDumpingDetector.create(config);
                 FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toString());
                 OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
                grabber.start();
                double fps = grabber.getFrameRate();
                if (!(fps > 0 && fps < 300)) {
                    fps = 25; // GIFs may report nothing usable
                }
                Frame f;
                while ((f = grabber.grabImage()) != null) {
                    Mat m = converter.convert(f);
                    long t0 = System.nanoTime();
                    List<Detection> out = detector.detect(m, FrameMeta.ofIndex(clip.getKey(), n, fps));
                    ns += System.nanoTime() - t0;
                    alerts.addAll(out);
                    n++;
                }
                grabber.stop();
            }
            assertTrue(n > 0, "decoded no frame of " + clip.getKey());
            List<Interval> truth = clip.getValue();
            boolean[] matched = new boolean[truth.size()];
            int ctp = 0;
            int cfp = 0;
            for (Detection a : alerts) {
                assertEquals(EventType.MUCK_DUMPING, a.type());
                assertTrue(a.score() >= 0 && a.score() <= 1);
                int hit = -1;
                for (int i = 0; i < truth.size(); i++) {
                    if (a.firstFrame() <= truth.get(i).last() && a.lastFrame() >= truth.get(i).first()) {
                        hit = i;
                        break;
                    }
                }
                if (hit < 0) {
                    cfp++;
                } else if (!matched[hit]) {
                    matched[hit] = true;
                    ctp++;
                }
            }
            int cfn = 0;
            for (boolean m : matched) {
                cfn += m ? 0 : 1;
            }
            tp += ctp;
            fp += cfp;
            fn += cfn;
            frames += n;
            nanos += ns;
            System.out.printf(Locale.ROOT, "  %-66s %5d frames %6.2f ms/frame  TP=%d FP=%d FN=%d%n", clip.getKey(), n,
                    ns / 1e6 / n, ctp, cfp, cfn);
            for (Detection a : alerts) {
                System.out.printf(Locale.ROOT, "      alert frames %d..%d %s: %s%n", a.firstFrame(), a.lastFrame(),
                        a.boxes(), a.reason());
            }
        }
        double precision = tp + fp == 0 ? 1 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 1 : (double) tp / (tp + fn);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        System.out.printf(Locale.ROOT, "  TOTAL TP=%d FP=%d FN=%d precision=%.2f recall=%.2f F1=%.2f, %.2f ms/frame "
                + "(detect() only, all sizes, shared machine)%n", tp, fp, fn, precision, recall, f1,
                nanos / 1e6 / Math.max(1, frames));
    }
}
