package org.nce.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.nce.detectors.synthetic.FireScene;
import org.nce.model.Alert;
import org.nce.model.CaseRecord;
import org.nce.model.EventType;
import org.nce.model.EvidenceRef;
import org.nce.model.EvidencedAlert;
import org.nce.model.Frame;
import org.nce.pipeline.camera.CameraAnalysisFunction;
import org.nce.pipeline.cases.CaseBuilderFunction;
import org.nce.pipeline.cases.CaseInput;
import org.nce.pipeline.cases.OpenCaseLookup;
import org.nce.pipeline.config.PipelineConfig.CameraConfig;
import org.nce.pipeline.config.PipelineConfig.DetectorSpec;
import org.nce.pipeline.config.PipelineConfig.EvidenceConfig;
import org.nce.pipeline.evidence.EvidenceRequest;

/**
 * State written by an earlier version must restore in this one (finding 10: savepoint with this
 * version, restore with the next). The snapshots under {@code src/test/resources/state/} were
 * written by the version named in their file name and are committed; each test restores one and
 * checks the job goes on from it. A change that breaks a state format fails here: then add a
 * serializer migration, or a new operator uid with a documented state drop, never a silent loss.
 *
 * <p>To write the snapshots of a new state version (and commit them beside the old ones):
 * {@code ./mvnw -pl pipeline test -Dtest=StateCompatibilityTest -Dnce.writeStateSnapshots=true}.
 */
class StateCompatibilityTest {
    static final Path DIR = Path.of("src/test/resources/state");
    static final long T0 = 1_795_000_000_000L;
    static final boolean WRITE = Boolean.getBoolean("nce.writeStateSnapshots");

    static KeyedOneInputStreamOperatorTestHarness<String, Frame, EvidenceRequest> camera() throws Exception {
        CameraAnalysisFunction fn = new CameraAnalysisFunction(
                Map.of("cam-1", new CameraConfig("cam-1", "site-a", List.of(new DetectorSpec("open_burning", Map.of())))),
                new EvidenceConfig(5, 30, 10_000L));
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), Frame::cameraId, Types.STRING);
    }

    static Frame frame(FireScene scene, int i) {
        try (Mat m = scene.render(i); BytePointer buf = new BytePointer()) {
            opencv_imgcodecs.imencode(".jpg", m, buf);
            byte[] jpeg = new byte[(int) buf.limit()];
            buf.get(jpeg);
            return new Frame("site-a", "cam-1", "boot-v1", i, T0 + i * 100L, m.cols(), m.rows(), jpeg);
        }
    }

    /** Camera state of v1: a fire alert waiting for post-event frames that never came, with its pre-event buffer. */
    @Test
    void cameraStateOfV1Restores() throws Exception {
        Path file = DIR.resolve("camera-detectors-v1.snapshot");
        FireScene scene = new FireScene(7, 160, 90, 10, 300, 60);
        if (WRITE) {
            try (var h = camera()) {
                h.open();
                for (int i = 0; i < 300 && h.numProcessingTimeTimers() == 0; i++) {
                    h.processElement(new StreamRecord<>(frame(scene, i)));
                }
                assertTrue(h.numProcessingTimeTimers() > 0, "the fire was confirmed and its clip is waiting");
                Files.createDirectories(DIR);
                OperatorSnapshotUtil.writeStateHandle(h.snapshot(1, 1), file.toString());
            }
        }
        OperatorSubtaskState state = OperatorSnapshotUtil.readStateHandle(file.toString());
        try (var h = camera()) {
            h.initializeState(state);
            h.open();
            // The restored timer flushes the waiting clip with the restored lead-up.
            h.setProcessingTime(Long.MAX_VALUE / 2);
            h.processElement(new StreamRecord<>(frame(scene, 299)));
            h.setProcessingTime(Long.MAX_VALUE / 2 + 20_000);
            List<EvidenceRequest> out = h.extractOutputValues();
            assertEquals(1, out.size(), "the waiting alert came out of the restored state");
            Alert a = out.get(0).alert();
            assertEquals(EventType.OPEN_BURNING, a.type());
            assertTrue(a.alertId().startsWith("cam-1:open_burning:boot-v1-"), a.alertId());
            assertTrue(out.get(0).frames().size() >= 6, "the restored pre-event frames: " + out.get(0).frames().size());
        }
    }

    static KeyedOneInputStreamOperatorTestHarness<String, CaseInput, CaseRecord> cases() throws Exception {
        return cases(200);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, CaseInput, CaseRecord> cases(int maxAlerts) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new CaseBuilderFunction(24, maxAlerts, "Asia/Shanghai", OpenCaseLookup.none())),
                CaseInput::key, Types.STRING);
    }

    static EvidencedAlert alert(String id, long t) {
        Alert a = new Alert(id, EventType.OPEN_BURNING, "site-a", "cam-1", t, 1, 2, 0.9, List.of(), "flame");
        return new EvidencedAlert(a, List.of(new EvidenceRef("clips/" + id + ".mp4", "a".repeat(64), "video/mp4", 10, "clip")));
    }

    static EvidencedAlert sensorAlert(String id, long t) {
        Alert a = new Alert(id, EventType.NOISE_EXCEEDANCE, "site-a", "noise-1", t, t, t, 0.9, List.of(), "75 dB(A)");
        return new EvidencedAlert(a, List.of(new EvidenceRef("readings/" + id + ".json", "a".repeat(64), "application/json", 10, "readings")));
    }

    /** Case state of v1: one open draft. A later alert joins it after the restore. */
    @Test
    void caseStateOfV1Restores() throws Exception {
        Path file = DIR.resolve("cases-v1.snapshot");
        if (WRITE) {
            try (var h = cases()) {
                h.open();
                h.processElement(new StreamRecord<>(CaseInput.evidence(alert("cam-1:open_burning:boot-v1-93", T0))));
                Files.createDirectories(DIR);
                OperatorSnapshotUtil.writeStateHandle(h.snapshot(1, 1), file.toString());
            }
        }
        try (var h = cases()) {
            h.initializeState(OperatorSnapshotUtil.readStateHandle(file.toString()));
            h.open();
            h.processElement(new StreamRecord<>(CaseInput.evidence(alert("cam-1:open_burning:boot-v1-400", T0 + 3_600_000))));
            CaseRecord c = h.extractOutputValues().get(0);
            assertEquals(List.of("cam-1:open_burning:boot-v1-93", "cam-1:open_burning:boot-v1-400"), c.alertIds());
            assertEquals(2, c.evidence().size());
        }
    }

    /**
     * Case state of v2 (sensor alerts raised before their evidence): three alerts raised, the first two in a
     * case that filled up, the third in the next; none has its evidence yet. After the restore each
     * alert's evidence joins its own case.
     */
    @Test
    void caseStateOfV2Restores() throws Exception {
        Path file = DIR.resolve("cases-v2.snapshot");
        List<String> ids = List.of("noise-1:noise_exceedance:1795000000000", "noise-1:noise_exceedance:1795000060000",
                "noise-1:noise_exceedance:1795000120000");
        if (WRITE) {
            try (var h = cases(2)) {
                h.open();
                for (int k = 0; k < ids.size(); k++) {
                    h.processElement(new StreamRecord<>(CaseInput.raised(sensorAlert(ids.get(k), T0 + k * 60_000L).alert())));
                }
                Files.createDirectories(DIR);
                OperatorSnapshotUtil.writeStateHandle(h.snapshot(1, 1), file.toString());
            }
        }
        try (var h = cases(2)) {
            h.initializeState(OperatorSnapshotUtil.readStateHandle(file.toString()));
            h.open();
            h.processElement(new StreamRecord<>(CaseInput.evidence(sensorAlert(ids.get(0), T0))));
            h.processElement(new StreamRecord<>(CaseInput.evidence(sensorAlert(ids.get(2), T0 + 120_000L))));
            List<CaseRecord> out = h.extractOutputValues();
            assertEquals(2, out.size(), "one update per evidence: " + out);
            assertEquals(List.of(ids.get(0), ids.get(1)), out.get(0).alertIds(), "the full case, not the open one");
            assertEquals(List.of("readings/" + ids.get(0) + ".json"), out.get(0).evidence().stream().map(EvidenceRef::key).toList());
            assertEquals(List.of(ids.get(2)), out.get(1).alertIds());
            assertEquals(List.of("readings/" + ids.get(2) + ".json"), out.get(1).evidence().stream().map(EvidenceRef::key).toList());
        }
    }
}
