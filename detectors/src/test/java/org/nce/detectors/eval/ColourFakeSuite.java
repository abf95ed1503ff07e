package org.nce.detectors.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.nce.detectors.Detector;
import org.nce.detectors.FrameMeta;
import org.nce.model.Box;
import org.nce.model.Detection;
import org.nce.model.EventType;

/**
 * A stand-in suite for harness tests: each "detector" confirms its event when one colour
 * dominates the frame (red = open burning, green = muck dumping, blue = unleashed dog) for
 * {@value #CONFIRM_FRAMES} frames in a row, and re-arms after {@value #QUIET_FRAMES} frames
 * without it, following the {@link Detector} contract. The reason records the frame's timestamp
 * and fps so tests can check the harness plays clips at their own rate.
 */
public class ColourFakeSuite implements DetectorSuite {

    static final int CONFIRM_FRAMES = 3;
    static final int QUIET_FRAMES = 5;

    @Override
    public List<Detector> create(String cameraId) {
        List<Detector> list = new ArrayList<>();
        list.add(new ColourDetector(EventType.OPEN_BURNING, 2));
        list.add(new ColourDetector(EventType.MUCK_DUMPING, 1));
        list.add(new ColourDetector(EventType.UNLEASHED_DOG, 0));
        return list;
    }

    @Override
    public String describe() {
        return "colour fake suite";
    }

    static final class ColourDetector implements Detector {
        private final EventType type;
        private final int channel;
        private long runStart = -1;
        private int runLength;
        private int absent;
        private boolean reported;

        ColourDetector(EventType type, int channel) {
            this.type = type;
            this.channel = channel;
        }

        @Override
        public EventType type() {
            return type;
        }

        @Override
        public List<Detection> detect(Mat bgrFrame, FrameMeta meta) {
            Scalar mean = opencv_core.mean(bgrFrame);
            boolean present = true;
            for (int c = 0; c < 3; c++) {
                present &= c == channel ? mean.get(c) > 150 : mean.get(c) < 100;
            }
            if (!present) {
                runLength = 0;
                if (++absent >= QUIET_FRAMES) {
                    reported = false;
                }
                return List.of();
            }
            absent = 0;
            if (runLength++ == 0) {
                runStart = meta.seq();
            }
            if (runLength >= CONFIRM_FRAMES && !reported) {
                reported = true;
                String reason = String.format(Locale.ROOT, "colour %d for %d frames, t=%dms fps=%.1f", channel,
                        runLength, meta.timestampMs(), meta.fps());
                return List.of(new Detection(type, 0.9, List.of(new Box(0, 0, bgrFrame.cols(), bgrFrame.rows())),
                        runStart, meta.seq(), reason));
            }
            return List.of();
        }

        @Override
        public void close() {
        }
    }
}
