package org.nce.pipeline.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.nce.detectors.synthetic.FireScene;
import org.nce.model.EventType;
import org.nce.model.Frame;
import org.nce.pipeline.config.PipelineConfig.CameraConfig;
import org.nce.pipeline.config.PipelineConfig.DetectorSpec;
import org.nce.pipeline.config.PipelineConfig.EvidenceConfig;
import org.nce.pipeline.evidence.EvidenceRequest;

class CameraAnalysisFunctionTest {
    static final long T0 = 1_795_000_000_000L;

    static Frame frame(FireScene scene, int i) {
        try (Mat m = scene.render(i); BytePointer buf = new BytePointer()) {
            opencv_imgcodecs.imencode(".jpg", m, buf);
            byte[] jpeg = new byte[(int) buf.limit()];
            buf.get(jpeg);
            return new Frame("site-a", "cam-1", i, T0 + i * 100L, m.cols(), m.rows(), jpeg);
        }
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Frame, EvidenceRequest> harness(int pre, int post) throws Exception {
        CameraAnalysisFunction fn = new CameraAnalysisFunction(
                Map.of("cam-1", new CameraConfig("cam-1", "site-a", List.of(new DetectorSpec("open_burning", null)))),
                new EvidenceConfig(pre, post, 10_000));
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), Frame::cameraId, Types.STRING);
        h.open();
        return h;
    }

    @Test
    void aFireBecomesAClipWithPreAndPostEventFramesAndRedeliveriesAreIgnored() throws Exception {
        FireScene scene = new FireScene(7);
        try (var h = harness(10, 5)) {
            for (int i = 0; i < 200 && h.extractOutputValues().isEmpty(); i++) {
                Frame f = frame(scene, i);
                h.processElement(new StreamRecord<>(f));
                h.processElement(new StreamRecord<>(f)); // at-least-once: the same frame again
            }
            List<EvidenceRequest> out = h.extractOutputValues();
            assertEquals(1, out.size());
            EvidenceRequest r = out.get(0);
            assertEquals(EventType.OPEN_BURNING, r.alert().type());
            assertTrue(r.alert().lastSeq() >= FireScene.DEFAULT_FIRE_START, "not before the fire: " + r.alert().lastSeq());
            assertEquals(16, r.frames().size(), "10 before, the detection frame, 5 after");
            for (int k = 1; k < r.frames().size(); k++) {
                assertEquals(r.frames().get(k - 1).seq() + 1, r.frames().get(k).seq(), "consecutive, no duplicates");
            }
        }
    }

    @Test
    void aCameraThatGoesSilentStillGetsItsClipAfterTheFlushTime() throws Exception {
        FireScene scene = new FireScene(7);
        try (var h = harness(10, 500)) { // 500 post-event frames will never come
            int i = 0;
            for (; i < 200; i++) {
                h.processElement(new StreamRecord<>(frame(scene, i)));
                if (h.numProcessingTimeTimers() > 0) {
                    break;
                }
            }
            assertTrue(h.extractOutputValues().isEmpty());
            h.setProcessingTime(h.getProcessingTime() + 10_001);
            List<EvidenceRequest> out = h.extractOutputValues();
            assertEquals(1, out.size());
            assertEquals(11, out.get(0).frames().size(), "the lead-up and the detection frame");
        }
    }
}
