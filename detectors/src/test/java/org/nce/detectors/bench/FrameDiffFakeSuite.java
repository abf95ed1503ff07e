package org.nce.detectors.bench;

import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.nce.detectors.Detector;
import org.nce.detectors.FrameMeta;
import org.nce.detectors.eval.DetectorSuite;
import org.nce.model.Detection;
import org.nce.model.EventType;

/**
 * A stand-in suite for bench tests: each detector downscales the frame to 160x90 gray and diffs
 * it with the previous one (a typical motion gate), never alerts, and reports the previous frame
 * as its state: exactly 160 * 90 bytes.
 */
public class FrameDiffFakeSuite implements DetectorSuite {

    static final long STATE_BYTES = 160L * 90;

    @Override
    public List<Detector> create(String cameraId) {
        return List.of(new DiffDetector(EventType.OPEN_BURNING), new DiffDetector(EventType.MUCK_DUMPING),
                new DiffDetector(EventType.UNLEASHED_DOG));
    }

    static final class DiffDetector implements Detector {
        private final EventType type;
        private final Mat previous = new Mat();
        private final Mat small = new Mat();
        private final Mat gray = new Mat();
        private final Mat diff = new Mat();

        DiffDetector(EventType type) {
            this.type = type;
        }

        @Override
        public EventType type() {
            return type;
        }

        @Override
        public List<Detection> detect(Mat bgrFrame, FrameMeta meta) {
            opencv_imgproc.resize(bgrFrame, small, new Size(160, 90), 0, 0, opencv_imgproc.INTER_AREA);
            opencv_imgproc.cvtColor(small, gray, opencv_imgproc.COLOR_BGR2GRAY);
            if (!previous.empty()) {
                opencv_core.absdiff(gray, previous, diff);
            }
            gray.copyTo(previous);
            return List.of();
        }

        @Override
        public long stateBytes() {
            return previous.total() * previous.elemSize();
        }

        @Override
        public void close() {
            previous.close();
            small.close();
            gray.close();
            diff.close();
        }
    }
}
