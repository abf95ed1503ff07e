package org.nce.detectors.motion;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nce.detectors.Detector;
import org.nce.detectors.FrameMeta;
import org.nce.model.Detection;
import org.nce.model.EventType;

/**
 * A camera's detectors behind one shared {@link MotionGate}, each still a plain {@link Detector}: the
 * gate decides once per frame (the first detector asked computes it, the others reuse it), and a
 * still frame reaches none of them. This is how {@code ./nce eval} and the bench see the gate; the
 * pipeline asks the gate itself first, before it decodes the full frame.
 */
public final class GatedDetectors {
    private GatedDetectors() {
    }

    /** The detectors behind one new gate; closing all of them closes the gate. */
    public static List<Detector> wrap(List<Detector> detectors, MotionGateConfig config) {
        if (!config.enabled() || detectors.isEmpty()) {
            return detectors;
        }
        Shared shared = new Shared(new MotionGate(config), detectors.size());
        List<Detector> out = new ArrayList<>();
        for (Detector d : detectors) {
            out.add(new Gated(d, shared));
            shared.inner.add(d);
        }
        return out;
    }

    /** The gate and its verdict on the frame last offered. */
    private static final class Shared {
        final MotionGate gate;
        int open;
        long seq = Long.MIN_VALUE;
        long ts = Long.MIN_VALUE;
        MotionGate.Verdict verdict;

        Shared(MotionGate gate, int open) {
            this.gate = gate;
            this.open = open;
        }

        final List<Detector> inner = new ArrayList<>();

        MotionGate.Verdict verdict(Mat bgr, FrameMeta meta) {
            if (verdict == null || meta.seq() != seq || meta.timestampMs() != ts) {
                verdict = gate.offer(bgr, meta.timestampMs(), inner.stream().anyMatch(Detector::busy));
                seq = meta.seq();
                ts = meta.timestampMs();
            }
            return verdict;
        }

        void closeOne() {
            if (--open == 0) {
                gate.close();
            }
        }
    }

    private static final class Gated implements Detector {
        private final Detector inner;
        private final Shared shared;
        private boolean closed;

        Gated(Detector inner, Shared shared) {
            this.inner = inner;
            this.shared = shared;
        }

        @Override
        public EventType type() {
            return inner.type();
        }

        @Override
        public List<Detection> detect(Mat bgrFrame, FrameMeta meta) {
            return shared.verdict(bgrFrame, meta).passes() ? inner.detect(bgrFrame, meta) : List.of();
        }

        @Override
        public boolean busy() {
            return inner.busy();
        }

        @Override
        public long stateBytes() {
            return inner.stateBytes() + shared.gate.stateBytes() / Math.max(1, shared.open);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                inner.close();
                shared.closeOne();
            }
        }
    }
}
