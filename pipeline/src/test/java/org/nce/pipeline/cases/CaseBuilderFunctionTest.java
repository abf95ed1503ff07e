package org.nce.pipeline.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /** A sensor alert: the kind that reaches the case stage twice, raised and then with its evidence. */
    static EvidencedAlert sensorAlert(String source, long t, String key) {
        Alert a = new Alert(Alert.idFor(source, EventType.NOISE_EXCEEDANCE, t), EventType.NOISE_EXCEEDANCE, "site-a", source, t,
                t, t, 0.9, List.of(), "75 dB(A)");
        return new EvidencedAlert(a, List.of(new EvidenceRef(key, "a".repeat(64), "application/json", 10, "readings")));
    }

    static List<CaseRecord> run(List<EvidencedAlert> alerts) throws Exception {
        return run(alerts, OpenCaseLookup.none());
    }

    static List<CaseRecord> run(List<EvidencedAlert> alerts, OpenCaseLookup lookup) throws Exception {
        return run(alerts, lookup, 200);
    }

    /** Each alert as one arrival that brings its evidence (the path of an alert raised before the job kept raised alerts). */
    static List<CaseRecord> run(List<EvidencedAlert> alerts, OpenCaseLookup lookup, int maxAlerts) throws Exception {
        return run(alerts, lookup, maxAlerts, CaseKeys.BY_SITE_AND_TYPE);
    }

    /** As above, with cases keyed by {@code keys} (the stream keyed the same way). */
    static List<CaseRecord> run(List<EvidencedAlert> alerts, OpenCaseLookup lookup, int maxAlerts, CaseKeys keys) throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new CaseBuilderFunction(24, maxAlerts, "Asia/Shanghai", lookup, keys)), keys, Types.STRING)) {
            h.open();
            for (EvidencedAlert ea : alerts) {
                h.processElement(new StreamRecord<>(CaseInput.evidence(ea)));
            }
            return h.extractOutputValues();
        }
    }

    /** 综合查一次: a fire seen by the yard camera and a fume alarm at the same restaurant are one case with two violations. */
    @Test
    void aFireAlertAndAFumeAlarmAtOneRestaurantBecomeOneCaseAndAnotherPartyAtTheSiteStaysApart() throws Exception {
        long t = 1_780_000_000_000L;
        CaseKeys keys = new CaseKeys(Map.of("cam-1", "restaurant-7", "fume-1", "restaurant-7", "noise-1", "builder-3"), true);
        Alert fume = new Alert(Alert.idFor("fume-1", EventType.LAMPBLACK_EXCEEDANCE, t + H), EventType.LAMPBLACK_EXCEEDANCE, "site-a", "fume-1",
                t + H, t + H, t + H, 0.8, List.of(), "3.1 mg/m³");
        List<EvidencedAlert> alerts = List.of(alert("cam-1", t, "k1"),
                new EvidencedAlert(fume, List.of(new EvidenceRef("k2", "b".repeat(64), "application/json", 10, "readings"))),
                sensorAlert("noise-1", t + 2 * H, "k3"));
        List<CaseRecord> out = run(alerts, OpenCaseLookup.none(), 200, keys);
        Map<String, CaseRecord> latest = new java.util.LinkedHashMap<>();
        out.forEach(c -> latest.put(c.id(), c));
        assertEquals(2, latest.size(), "one case for the restaurant, one for the builder: " + latest.keySet());
        CaseRecord restaurant = latest.values().stream().filter(c -> c.subject().equals("restaurant-7")).findFirst().orElseThrow();
        assertEquals(List.of(alert("cam-1", t, "k1").alert().alertId(), fume.alertId()), restaurant.alertIds(), "fire and fume in one case");
        assertEquals(2, restaurant.evidence().size());
        CaseRecord builder = latest.values().stream().filter(c -> c.subject().equals("builder-3")).findFirst().orElseThrow();
        assertEquals(1, builder.alertIds().size(), "the builder's noise at the same site is its own case");
        // Without 综合查一次 the restaurant's two types are two cases.
        CaseKeys byType = new CaseKeys(keys.subjectBySource(), false);
        assertNotEquals(byType.key(alerts.get(0).alert()), byType.key(fume));
        assertEquals(keys.key(alerts.get(0).alert()), keys.key(fume));
    }

    /**
     * After an upgrade that changed how cases are keyed, a sensor alert raised before it brings its evidence
     * to a key with no state: the evidence joins the case in the index that holds the alert, and the alert
     * joins no second case.
     */
    @Test
    void evidenceOfAnAlertRaisedBeforeAnUpgradeJoinsTheCaseThatHoldsItAndOpensNoOther() throws Exception {
        long t = 1_780_000_000_000L;
        EvidencedAlert ea = sensorAlert("noise-1", t, "clip-a");
        CaseRecord before = new CaseRecord("case-old", EventType.NOISE_EXCEEDANCE, CaseRecord.STATUS_DRAFT, "site-a", "site-a", t,
                List.of(ea.alert().alertId()), List.of(), "s", "b", t);
        OpenCaseLookup holds = new OpenCaseLookup() {
            private static final long serialVersionUID = 1L;

            @Override
            public void open() {
            }

            @Override
            public java.util.Optional<CaseRecord> newestDraft(String subject, EventType type, long openedNotBefore) {
                return java.util.Optional.empty();
            }

            @Override
            public java.util.Optional<String> status(String caseId) {
                return java.util.Optional.of(CaseRecord.STATUS_DRAFT);
            }

            @Override
            public java.util.Optional<CaseRecord> holding(String alertId) {
                return alertId.equals(ea.alert().alertId()) ? java.util.Optional.of(before) : java.util.Optional.empty();
            }
        };
        CaseKeys keys = new CaseKeys(Map.of("noise-1", "builder-3"), true);
        List<CaseRecord> out = run(List.of(ea), holds, 200, keys);
        assertEquals(1, out.size(), out.toString());
        assertEquals("case-old", out.get(0).id(), "the case that holds the alert, not a new one");
        assertEquals(List.of(ea.alert().alertId()), out.get(0).alertIds());
        assertEquals("clip-a", out.get(0).evidence().get(0).key());
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
        static final java.util.Map<String, CaseRecord> BY_ID = new java.util.concurrent.ConcurrentHashMap<>();

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

        @Override
        public java.util.Optional<CaseRecord> byId(String caseId) {
            return java.util.Optional.ofNullable(BY_ID.get(caseId));
        }
    }

    /** Finding 8: a case an officer confirmed takes no more alerts; the next alert opens a new draft. */
    @Test
    void aCaseThatLeftDraftTakesNoMoreAlerts() throws Exception {
        long t = 1_780_000_000_000L;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new CaseBuilderFunction(24, 200, "Asia/Shanghai", new Statuses())),
                CaseInput::key, Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(CaseInput.evidence(alert("cam-1", t, "k1"))));
            CaseRecord first = h.extractOutputValues().get(0);
            Statuses.BY_CASE.put(first.id(), "reviewed"); // the officer acts in the console
            h.processElement(new StreamRecord<>(CaseInput.evidence(alert("cam-1", t + H, "k2"))));
            h.processElement(new StreamRecord<>(CaseInput.evidence(alert("cam-1", t + 2 * H, "k3"))));
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

    static KeyedOneInputStreamOperatorTestHarness<String, CaseInput, CaseRecord> harness(int maxAlerts, OpenCaseLookup lookup)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new CaseBuilderFunction(24, maxAlerts, "Asia/Shanghai", lookup)), CaseInput::key, Types.STRING);
    }

    /** The case is written when the alert is raised, before its evidence; the evidence joins it later. */
    @Test
    void theCaseOpensWhenTheAlertIsRaisedAndItsEvidenceJoinsLater() throws Exception {
        long t = 1_780_000_000_000L;
        EvidencedAlert a = sensorAlert("noise-1", t, "k1");
        try (var h = harness(200, OpenCaseLookup.none())) {
            h.open();
            h.processElement(new StreamRecord<>(CaseInput.raised(a.alert())));
            List<CaseRecord> out = h.extractOutputValues();
            assertEquals(1, out.size(), "a case before any evidence");
            assertEquals(List.of(a.alert().alertId()), out.get(0).alertIds());
            assertEquals(List.of(), out.get(0).evidence());
            h.processElement(new StreamRecord<>(CaseInput.evidence(a)));
            out = h.extractOutputValues();
            assertEquals(2, out.size());
            assertEquals(out.get(0).id(), out.get(1).id());
            assertEquals(List.of(a.alert().alertId()), out.get(1).alertIds(), "the evidence adds no alert");
            assertEquals(List.of("k1"), out.get(1).evidence().stream().map(EvidenceRef::key).toList());
        }
    }

    /**
     * A clip comes after its post-roll; meanwhile the case it joined filled up and a new draft opened. The
     * evidence goes to the alert's own case; the alert is never added to the new one.
     */
    @Test
    void lateEvidenceGoesToTheCaseItsAlertJoinedEvenWhenThatIsNoLongerOpen() throws Exception {
        long t = 1_780_000_000_000L;
        List<EvidencedAlert> alerts = List.of(sensorAlert("noise-1", t, "clip-a"), sensorAlert("noise-1", t + 60_000, "clip-b"),
                sensorAlert("noise-1", t + 120_000, "clip-c"));
        try (var h = harness(2, OpenCaseLookup.none())) {
            h.open();
            for (EvidencedAlert ea : alerts) {
                h.processElement(new StreamRecord<>(CaseInput.raised(ea.alert())));
            }
            List<CaseRecord> raised = h.extractOutputValues();
            String first = raised.get(0).id();
            String second = raised.get(2).id();
            assertNotEquals(first, second, "a full case hands over");
            for (EvidencedAlert ea : alerts) {
                h.processElement(new StreamRecord<>(CaseInput.evidence(ea)));
            }
            List<CaseRecord> out = h.extractOutputValues();
            for (EvidencedAlert ea : alerts) {
                assertEquals(1, out.stream().filter(c -> c.alertIds().contains(ea.alert().alertId())).map(CaseRecord::id)
                        .distinct().count(), ea.alert().alertId() + " is in one case only");
            }
            CaseRecord lastFirst = out.stream().filter(c -> c.id().equals(first)).reduce((x, y) -> y).orElseThrow();
            CaseRecord lastSecond = out.stream().filter(c -> c.id().equals(second)).reduce((x, y) -> y).orElseThrow();
            assertEquals(List.of("clip-a", "clip-b"), lastFirst.evidence().stream().map(EvidenceRef::key).toList());
            assertEquals(List.of("clip-c"), lastSecond.evidence().stream().map(EvidenceRef::key).toList());
        }
    }

    /** An officer acts on the case between the alert and its clip: the next alert opens a new draft, the clip joins the old case. */
    @Test
    void evidenceOfACaseThatLeftDraftStillGoesToThatCase() throws Exception {
        long t = 1_780_000_000_000L;
        EvidencedAlert a = sensorAlert("noise-1", t, "clip-a");
        EvidencedAlert b = sensorAlert("noise-1", t + 60_000, "clip-b");
        try (var h = harness(200, new Statuses())) {
            h.open();
            h.processElement(new StreamRecord<>(CaseInput.raised(a.alert())));
            String caseOfA = h.extractOutputValues().get(0).id();
            Statuses.BY_CASE.put(caseOfA, "reviewed");
            h.processElement(new StreamRecord<>(CaseInput.raised(b.alert())));
            h.processElement(new StreamRecord<>(CaseInput.evidence(a)));
            List<CaseRecord> out = h.extractOutputValues();
            CaseRecord last = out.get(out.size() - 1);
            assertEquals(caseOfA, last.id());
            assertEquals(List.of(a.alert().alertId()), last.alertIds());
            assertEquals(List.of("clip-a"), last.evidence().stream().map(EvidenceRef::key).toList());
            assertEquals(1, out.stream().filter(c -> c.alertIds().contains(b.alert().alertId())).map(CaseRecord::id).distinct().count());
        }
    }

    /** Killed between the alert and its evidence: the restored job attaches the evidence to the same case, once. */
    @Test
    void evidenceAfterARestoreJoinsTheCaseRaisedBeforeIt() throws Exception {
        long t = 1_780_000_000_000L;
        EvidencedAlert a = sensorAlert("noise-1", t, "clip-a");
        EvidencedAlert b = sensorAlert("noise-1", t + 60_000, "clip-b");
        EvidencedAlert c = sensorAlert("noise-1", t + 120_000, "clip-c");
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        String caseOfA;
        try (var h = harness(2, OpenCaseLookup.none())) {
            h.open();
            for (EvidencedAlert x : List.of(a, b, c)) { // a and b fill the first case, c opens the next
                h.processElement(new StreamRecord<>(CaseInput.raised(x.alert())));
            }
            caseOfA = h.extractOutputValues().get(0).id();
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(2, OpenCaseLookup.none())) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(CaseInput.evidence(a))); // the evidence stage's restored request
            List<CaseRecord> out = h.extractOutputValues();
            assertEquals(1, out.size(), "the evidence once: " + out);
            assertEquals(caseOfA, out.get(0).id());
            assertEquals(List.of(a.alert().alertId(), b.alert().alertId()), out.get(0).alertIds());
            assertEquals(List.of("clip-a"), out.get(0).evidence().stream().map(EvidenceRef::key).toList());
        }
    }

    /** The evidence can overtake its raised alert (two paths into the stage): one case, the alert once, and the state let go. */
    @Test
    void evidenceThatOvertakesItsRaisedAlertMakesOneCaseAndTheRaisedAlertAddsNothing() throws Exception {
        long t = 1_780_000_000_000L;
        EvidencedAlert a = sensorAlert("noise-1", t, "clip-a");
        try (var h = harness(200, OpenCaseLookup.none())) {
            h.open();
            h.processElement(new StreamRecord<>(CaseInput.evidence(a)));
            h.processElement(new StreamRecord<>(CaseInput.raised(a.alert())));
            List<CaseRecord> out = h.extractOutputValues();
            assertEquals(1, out.size(), "the late raised alert changes nothing: " + out);
            assertEquals(List.of(a.alert().alertId()), out.get(0).alertIds());
            assertEquals(List.of("clip-a"), out.get(0).evidence().stream().map(EvidenceRef::key).toList());
        }
    }

    /**
     * After a restore the job replays an alert that the sink had put into the "-after" draft of a case an
     * officer moved on (CaseMerge.caseIdAfter): it goes there again, not into a second draft, and later
     * alerts join that draft.
     */
    @Test
    void anAlertTheSinkPutInTheAfterDraftGoesThereAgainAfterARestore() throws Exception {
        long t = 1_780_000_000_000L;
        EvidencedAlert a1 = sensorAlert("noise-after", t, "r1");
        EvidencedAlert a2 = sensorAlert("noise-after", t + 60_000, "r2");
        EvidencedAlert a3 = sensorAlert("noise-after", t + 120_000, "r3");
        // A sensor of its own: Statuses' maps are shared by the tests.
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new CaseBuilderFunction(24, 200, "Asia/Shanghai", new Statuses())), CaseInput::key, Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(CaseInput.raised(a1.alert())));
            CaseRecord c = h.extractOutputValues().get(0);
            // Before the restore the job added a2 to c; the officer had decided c, so the sink put a2 in c's "-after" draft.
            Statuses.BY_CASE.put(c.id(), "decided");
            CaseRecord after = new CaseRecord(CaseMerge.caseIdAfter(c.id()), c.type(), CaseRecord.STATUS_DRAFT, c.subject(),
                    c.siteId(), a2.alert().eventTimeMs(), List.of(a2.alert().alertId()), List.of(), "after", c.legalBasis(),
                    a2.alert().eventTimeMs());
            Statuses.BY_ID.put(after.id(), after);
            h.processElement(new StreamRecord<>(CaseInput.raised(a2.alert()))); // replayed after the restore
            h.processElement(new StreamRecord<>(CaseInput.raised(a3.alert())));
            List<CaseRecord> out = h.extractOutputValues();
            assertEquals(1, out.stream().filter(x -> x.alertIds().contains(a2.alert().alertId())).map(CaseRecord::id).distinct().count());
            CaseRecord last = out.get(out.size() - 1);
            assertEquals(after.id(), last.id(), "later alerts join the -after draft");
            assertEquals(List.of(a2.alert().alertId(), a3.alert().alertId()), last.alertIds());
        }
    }
}
