package org.nce.pipeline.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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
        return run(alerts, lookup, 200);
    }

    static List<CaseRecord> run(List<EvidencedAlert> alerts, OpenCaseLookup lookup, int maxAlerts) throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new CaseBuilderFunction(24, maxAlerts, "Asia/Shanghai", lookup)),
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
        public java.util.Optional<CaseRecord> newestDraft(String subject, EventType type, long openedNotBefore) {
            boolean match = draft.subject().equals(subject) && draft.type() == type && draft.openedAt() >= openedNotBefore;
            return match ? java.util.Optional.of(draft) : java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<String> status(String caseId) {
            return java.util.Optional.empty();
        }
    }

    /** The case index as the console leaves it: officers move cases out of draft. */
    static final class Statuses implements OpenCaseLookup {
        private static final long serialVersionUID = 1L;
        static final java.util.Map<String, String> BY_CASE = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void open() {
        }

        @Override
        public java.util.Optional<CaseRecord> newestDraft(String subject, EventType type, long openedNotBefore) {
            return java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<String> status(String caseId) {
            return java.util.Optional.ofNullable(BY_CASE.get(caseId));
        }
    }

    /** Finding 8: a case an officer confirmed takes no more alerts; the next alert opens a new draft. */
    @Test
    void aCaseThatLeftDraftTakesNoMoreAlerts() throws Exception {
        long t = 1_780_000_000_000L;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new CaseBuilderFunction(24, 200, "Asia/Shanghai", new Statuses())),
                (EvidencedAlert ea) -> CaseBuilderFunction.key(ea.alert()), Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(alert("cam-1", t, "k1")));
            CaseRecord first = h.extractOutputValues().get(0);
            Statuses.BY_CASE.put(first.id(), "reviewed"); // the officer acts in the console
            h.processElement(new StreamRecord<>(alert("cam-1", t + H, "k2")));
            h.processElement(new StreamRecord<>(alert("cam-1", t + 2 * H, "k3")));
            List<CaseRecord> out = h.extractOutputValues();
            CaseRecord last = out.get(out.size() - 1);
            assertNotEquals(first.id(), last.id(), "a new draft");
            assertEquals(CaseRecord.STATUS_DRAFT, last.status());
            assertEquals(2, last.alertIds().size(), "the later alerts share the new draft");
            assertEquals(1, out.stream().filter(c -> c.id().equals(first.id())).count(), "the reviewed case was not written again");
        }
    }

    /** Finding 8: the window is anchored at the opening, so an alert every 2 h does not keep one case open forever. */
    @Test
    void theWindowRunsFromTheOpeningNotTheLastAlert() throws Exception {
        long t = 1_780_000_000_000L;
        List<EvidencedAlert> alerts = new ArrayList<>();
        for (int k = 0; k < 30; k++) {
            alerts.add(alert("cam-1", t + k * 2 * H, "k" + k));
        }
        List<CaseRecord> out = run(alerts);
        long cases = out.stream().map(CaseRecord::id).distinct().count();
        assertEquals(3, cases, "60 h of alerts in 24 h windows from each opening");
        for (CaseRecord c : out) {
            assertTrue(c.lastAlertAt() - c.openedAt() <= 24 * H, c.id());
        }
    }

    /** Finding 8: a case's lists are bounded; a full case hands over to a new draft. */
    @Test
    void aFullCaseHandsOverToANewDraft() throws Exception {
        long t = 1_780_000_000_000L;
        List<EvidencedAlert> alerts = new ArrayList<>();
        for (int k = 0; k < 7; k++) {
            alerts.add(alert("cam-1", t + k * 60_000L, "k" + k));
        }
        List<CaseRecord> out = run(alerts, OpenCaseLookup.none(), 3);
        assertTrue(out.stream().allMatch(c -> c.alertIds().size() <= 3));
        assertEquals(3, out.stream().map(CaseRecord::id).distinct().count());
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
