package org.nce.pipeline.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.nce.model.Alert;
import org.nce.model.CaseRecord;
import org.nce.model.EventType;
import org.nce.model.EvidenceRef;
import org.nce.model.EvidencedAlert;

class CaseBuilderFunctionTest {
    static final long H = 3_600_000L;

    static EvidencedAlert alert(String source, long t, String key) {
        Alert a = new Alert(Alert.idFor(source, EventType.OPEN_BURNING, t), EventType.OPEN_BURNING, "site-a", source, t,
                t, t, 0.9, List.of(), "flame");
        return new EvidencedAlert(a, List.of(new EvidenceRef(key, "a".repeat(64), "video/mp4", 10, "clip")));
    }

    static List<CaseRecord> run(List<EvidencedAlert> alerts) throws Exception {
        return run(alerts, OpenCaseLookup.none());
    }

    static List<CaseRecord> run(List<EvidencedAlert> alerts, OpenCaseLookup lookup) throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new CaseBuilderFunction(24, "Asia/Shanghai", lookup)),
                (EvidencedAlert ea) -> CaseBuilderFunction.key(ea.alert()), Types.STRING)) {
            h.open();
            for (EvidencedAlert ea : alerts) {
                h.processElement(new StreamRecord<>(ea));
            }
            return h.extractOutputValues();
        }
    }

    @Test
    void alertsOnOneSubjectWithinTheWindowMergeIntoOneCase() throws Exception {
        long t = 1_780_000_000_000L;
        List<CaseRecord> out = run(List.of(alert("cam-1", t, "k1"), alert("cam-2", t + 2 * H, "k2")));
        CaseRecord last = out.get(out.size() - 1);
        assertEquals(out.get(0).id(), last.id());
        assertEquals(2, last.alertIds().size());
        assertEquals(2, last.evidence().size());
        assertEquals(CaseRecord.STATUS_DRAFT, last.status());
    }

    @Test
    void aRedeliveredAlertChangesNothingAndALaterOneOpensANewCase() throws Exception {
        long t = 1_780_000_000_000L;
        EvidencedAlert a = alert("cam-1", t, "k1");
        List<CaseRecord> out = run(List.of(a, a, alert("cam-1", t + 30 * H, "k3")));
        assertEquals(2, out.size());
        assertNotEquals(out.get(0).id(), out.get(1).id());
        assertEquals(1, out.get(1).alertIds().size());
    }

    /** A store holding one earlier draft, as a previous deployment left it. */
    static final class OneDraft implements OpenCaseLookup {
        private static final long serialVersionUID = 1L;
        final CaseRecord draft;

        OneDraft(CaseRecord draft) {
            this.draft = draft;
        }

        @Override
        public void open() {
        }

        @Override
        public java.util.Optional<CaseRecord> newestDraft(String subject, EventType type, long notBefore) {
            boolean match = draft.subject().equals(subject) && draft.type() == type && draft.lastAlertAt() >= notBefore;
            return match ? java.util.Optional.of(draft) : java.util.Optional.empty();
        }
    }

    @Test
    void aNewDeploymentJoinsTheOpenDraftInsteadOfDoublingIt() throws Exception {
        long t = 1_780_000_000_000L;
        CaseRecord earlier = run(List.of(alert("cam-1", t, "k1"))).get(0);
        List<CaseRecord> out = run(List.of(alert("cam-1", t + 3 * H, "k2"), alert("cam-1", t, "k1")), new OneDraft(earlier));
        assertEquals(1, out.size(), "the redelivered first alert adds nothing");
        assertEquals(earlier.id(), out.get(0).id());
        assertEquals(2, out.get(0).alertIds().size());
        assertEquals(t + 3 * H, out.get(0).lastAlertAt());
        // Outside the window the old draft is not offered, and a new case opens.
        assertNotEquals(earlier.id(), run(List.of(alert("cam-1", t + 30 * H, "k3")), new OneDraft(earlier)).get(0).id());
    }

    @Test
    void caseIdsAreDeterministic() throws Exception {
        long t = 1_780_000_000_000L;
        assertEquals(run(List.of(alert("cam-1", t, "k1"))).get(0).id(), run(List.of(alert("cam-1", t, "k1"))).get(0).id());
    }
}
