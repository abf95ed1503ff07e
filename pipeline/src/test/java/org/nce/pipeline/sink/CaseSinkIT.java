package org.nce.pipeline.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.nce.model.CaseRecord;
import org.nce.model.EventType;
import org.nce.model.EvidenceRef;

/** Case writes against the Elasticsearch that {@code ./nce test} starts. */
class CaseSinkIT {
    static final String URL = System.getenv().getOrDefault("NCE_ES_URL", "http://127.0.0.1:9200");
    static final long OPENED = System.currentTimeMillis();

    @Test
    void pipelineUpdatesKeepAnOfficersDecisionAndNotes() throws Exception {
        anOfficersDecisionAndNotesStand(null);
    }

    /** The sink starts each write from the version it wrote last; the officer's write in between must win. */
    @Test
    void anOfficersWriteAfterTheSinksLastVersionIsNotOverwrittenFromItsMemory() throws Exception {
        anOfficersDecisionAndNotesStand(new EsSink.LastWritten(10));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void anOfficersDecisionAndNotesStand(EsSink.LastWritten known) throws Exception {
        try (Es.Handle es = Es.connect(URL)) {
            Es.ensureIndices(es.client());
            Es.ensureIndices(es.client()); // idempotent
            String id = "case-it-" + UUID.randomUUID();
            CaseRecord draft = new CaseRecord(id, EventType.OPEN_BURNING, CaseRecord.STATUS_DRAFT, "site-it", "site-it", OPENED,
                    List.of("a1"), List.of(), "first", "basis", OPENED);
            EsSink.writeMerged(es.client(), new EsDoc(Es.CASES, id, Es.toSource(draft), true), known);

            // An officer decides and writes a note (what the console will do).
            Map<String, Object> decided = new HashMap<>(es.client().get(g -> g.index(Es.CASES).id(id), Map.class).source());
            decided.put("status", "confirmed");
            decided.put("officer_note", "seen on site");
            es.client().index(i -> i.index(Es.CASES).id(id).document(decided));

            // A later alert for it (written after the officer acted): the decision and notes stay, and the
            // decided case takes no new alert; the sink is told which, to record it.
            CaseRecord grown = new CaseRecord(id, EventType.OPEN_BURNING, CaseRecord.STATUS_DRAFT, "site-it", "site-it", OPENED,
                    List.of("a1", "a2"), List.of(), "second", "basis", OPENED);
            List<String> refused = EsSink.writeMerged(es.client(), new EsDoc(Es.CASES, id, Es.toSource(grown), true), known);

            Map<String, Object> now = es.client().get(g -> g.index(Es.CASES).id(id), Map.class).source();
            assertEquals("confirmed", now.get("status"));
            assertEquals("seen on site", now.get("officer_note"));
            assertEquals(List.of("a1"), now.get("alert_ids"));
            assertEquals(List.of("a2"), refused);
        }
    }

    /**
     * An officer moves the case on between the job's status read and its write: the alert the case
     * refuses gets a draft case of its own, with its objects, instead of none; a replay writes that
     * same case again, not a second one.
     */
    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void anAlertRefusedByACaseThatLeftDraftGetsADraftCaseOfItsOwn() throws Exception {
        try (Es.Handle es = Es.connect(URL)) {
            Es.ensureIndices(es.client());
            String id = "case-it-" + UUID.randomUUID();
            String a1 = id + ":a1";
            String a2 = id + ":a2";
            EvidenceRef clipA1 = new EvidenceRef("clips/site-it/cam-1/2026-12-02/" + a1.replace(':', '_') + ".mp4", "a".repeat(64),
                    "video/mp4", 10, "clip");
            EvidenceRef clipA2 = new EvidenceRef("clips/site-it/cam-1/2026-12-02/" + a2.replace(':', '_') + ".mp4", "b".repeat(64),
                    "video/mp4", 10, "clip");
            EsSink.writeCase(es.client(), new EsDoc(Es.CASES, id, Es.toSource(new CaseRecord(id, EventType.OPEN_BURNING,
                    CaseRecord.STATUS_DRAFT, "site-it", "site-it", OPENED, List.of(a1), List.of(), "first", "basis", OPENED)), true), null);
            Map<String, Object> decided = new HashMap<>(es.client().get(g -> g.index(Es.CASES).id(id), Map.class).source());
            decided.put("status", "decided");
            es.client().index(i -> i.index(Es.CASES).id(id).document(decided));

            EsDoc grown = new EsDoc(Es.CASES, id, Es.toSource(new CaseRecord(id, EventType.OPEN_BURNING, CaseRecord.STATUS_DRAFT,
                    "site-it", "site-it", OPENED, List.of(a1, a2), List.of(clipA1, clipA2), "second", "basis", OPENED + 60_000)), true);
            EsSink.CaseWrite w = EsSink.writeCase(es.client(), grown, new EsSink.LastWritten(10));
            assertEquals(List.of(a2), w.refused());
            assertEquals(List.of(), w.refusedAgain());
            assertEquals(id + "-after", w.caseForRefused(), "the id the case stage looks for when it finds the case moved on");
            Map<String, Object> own = es.client().get(g -> g.index(Es.CASES).id(w.caseForRefused()), Map.class).source();
            assertEquals("draft", own.get("status"));
            assertEquals(List.of(a2), own.get("alert_ids"));
            assertEquals(List.of(clipA2.key()), ((List<Map<String, Object>>) own.get("evidence")).stream().map(e -> e.get("key")).toList(),
                    "only the refused alert's objects");
            assertEquals(List.of(a1), es.client().get(g -> g.index(Es.CASES).id(id), Map.class).source().get("alert_ids"));

            EsSink.CaseWrite again = EsSink.writeCase(es.client(), grown, null); // a replay after a restore
            assertEquals(w.caseForRefused(), again.caseForRefused());
            es.client().indices().refresh(r -> r.index(Es.CASES));
            long holding = es.client().count(c -> c.index(Es.CASES).query(q -> q.term(t -> t.field("alert_ids").value(a2)))).count();
            assertEquals(1, holding, "the refused alert is in exactly one case");
        }
    }

    /** Review finding: a job restored from an older checkpoint sends {a1, a3}; a2, already stored, stays. */
    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void anOlderVersionOfADraftNeverTakesAnAlertOut() throws Exception {
        try (Es.Handle es = Es.connect(URL)) {
            Es.ensureIndices(es.client());
            String id = "case-it-" + UUID.randomUUID();
            EsSink.writeMerged(es.client(), new EsDoc(Es.CASES, id, Es.toSource(new CaseRecord(id, EventType.OPEN_BURNING,
                    CaseRecord.STATUS_DRAFT, "s", "s", OPENED, List.of("a1", "a2"), List.of(), "x", "b", OPENED)), true));
            EsSink.writeMerged(es.client(), new EsDoc(Es.CASES, id, Es.toSource(new CaseRecord(id, EventType.OPEN_BURNING,
                    CaseRecord.STATUS_DRAFT, "s", "s", OPENED, List.of("a1", "a3"), List.of(), "x", "b", OPENED)), true));
            assertEquals(List.of("a1", "a2", "a3"), es.client().get(g -> g.index(Es.CASES).id(id), Map.class).source().get("alert_ids"));
        }
    }

    @Test
    void theLookupFindsTheNewestDraftOfTheSubjectInsideTheWindow() throws Exception {
        try (Es.Handle es = Es.connect(URL); EsOpenCaseLookup lookup = new EsOpenCaseLookup(URL)) {
            Es.ensureIndices(es.client());
            lookup.open();
            String subject = "site-lookup-" + UUID.randomUUID();
            for (int i = 0; i < 2; i++) {
                String id = "case-" + subject + "-" + i;
                CaseRecord c = new CaseRecord(id, EventType.NOISE_EXCEEDANCE, CaseRecord.STATUS_DRAFT, subject, subject,
                        OPENED + i, List.of("n:" + i), List.of(), "s", "b", OPENED + i * 1000L);
                EsSink.writeMerged(es.client(), new EsDoc(Es.CASES, id, Es.toSource(c), true));
            }
            es.client().indices().refresh(r -> r.index(Es.CASES));
            assertEquals("case-" + subject + "-1",
                    lookup.newestDraft(subject, EventType.NOISE_EXCEEDANCE, OPENED - 1).orElseThrow().id());
            assertEquals(java.util.Optional.empty(), lookup.newestDraft(subject, EventType.NOISE_EXCEEDANCE, OPENED + 5_000));
            assertEquals(java.util.Optional.empty(), lookup.newestDraft(subject, EventType.OPEN_BURNING, 0));
        }
    }

    /** Finding 8: the job reads a case's status as the console last wrote it, without waiting for a refresh. */
    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void theLookupSeesAStatusChangeAtOnce() throws Exception {
        try (Es.Handle es = Es.connect(URL); EsOpenCaseLookup lookup = new EsOpenCaseLookup(URL)) {
            Es.ensureIndices(es.client());
            lookup.open();
            String id = "case-status-" + UUID.randomUUID();
            assertEquals(java.util.Optional.empty(), lookup.status(id));
            CaseRecord c = new CaseRecord(id, EventType.OPEN_BURNING, CaseRecord.STATUS_DRAFT, "s", "s", OPENED,
                    List.of("a"), List.of(), "s", "b", OPENED);
            EsSink.writeMerged(es.client(), new EsDoc(Es.CASES, id, Es.toSource(c), true));
            assertEquals(java.util.Optional.of("draft"), lookup.status(id));
            Map<String, Object> doc = new HashMap<>(es.client().get(g -> g.index(Es.CASES).id(id), Map.class).source());
            doc.put("status", "reviewed");
            es.client().index(i -> i.index(Es.CASES).id(id).document(doc));
            assertEquals(java.util.Optional.of("reviewed"), lookup.status(id));
        }
    }

    /**
     * Finding 3: a document Elasticsearch refuses (here a date field fed garbage) becomes a dead letter
     * with the refusal; the good documents of the same batch are indexed and the sink does not fail.
     */
    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aRefusedDocumentBecomesADeadLetterAndTheRestIsIndexed() throws Exception {
        try (Es.Handle es = Es.connect(URL)) {
            Es.ensureIndices(es.client());
            String run = UUID.randomUUID().toString();
            var indexed = new org.apache.flink.metrics.SimpleCounter();
            var refused = new org.apache.flink.metrics.SimpleCounter();
            EsSink.Writer<EsDoc> w = new EsSink.Writer<>(Es.connect(URL), d -> List.of(d), 100, 1000, indexed, refused, new org.apache.flink.metrics.SimpleCounter(),
                    "es-sender-test", List.of());
            w.write(new EsDoc(Es.ALERTS, "good-" + run, Map.of("alert_id", "good-" + run, "event_time_ms", OPENED), false), null);
            w.write(new EsDoc(Es.ALERTS, "bad-" + run, Map.of("alert_id", "bad-" + run, "event_time_ms", "not a time"), false), null);
            w.write(new EsDoc(Es.CASES, "bad-case-" + run, Map.of("opened_at", "never"), true), null);
            w.flush(true);
            w.close();
            assertEquals(1, indexed.getCount());
            assertEquals(2, refused.getCount());
            assertEquals(true, es.client().get(g -> g.index(Es.ALERTS).id("good-" + run), Map.class).found());
            es.client().indices().refresh(r -> r.index(Es.DEADLETTER));
            var hits = es.client().search(q -> q.index(Es.DEADLETTER).query(x -> x.match(m -> m.field("reason").query(run))), Map.class)
                    .hits().hits();
            assertEquals(2, hits.size(), "one dead letter per refused document");
            assertEquals("index", hits.get(0).source().get("stage"));
        }
    }
}
