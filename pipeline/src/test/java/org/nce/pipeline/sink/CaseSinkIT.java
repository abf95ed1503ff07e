package org.nce.pipeline.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.nce.model.CaseRecord;
import org.nce.model.EventType;

/** Case writes against the Elasticsearch that {@code ./nce test} starts. */
class CaseSinkIT {
    static final String URL = System.getenv().getOrDefault("NCE_ES_URL", "http://127.0.0.1:9200");
    static final long OPENED = System.currentTimeMillis();

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void pipelineUpdatesKeepAnOfficersDecisionAndNotes() throws Exception {
        try (Es.Handle es = Es.connect(URL)) {
            Es.ensureIndices(es.client());
            Es.ensureIndices(es.client()); // idempotent
            String id = "case-it-" + UUID.randomUUID();
            CaseRecord draft = new CaseRecord(id, EventType.OPEN_BURNING, CaseRecord.STATUS_DRAFT, "site-it", "site-it", OPENED,
                    List.of("a1"), List.of(), "first", "basis", OPENED);
            EsSink.writeMerged(es.client(), new EsDoc(Es.CASES, id, Es.toSource(draft), true));

            // An officer decides and writes a note (what the console will do).
            Map<String, Object> decided = new HashMap<>(es.client().get(g -> g.index(Es.CASES).id(id), Map.class).source());
            decided.put("status", "confirmed");
            decided.put("officer_note", "seen on site");
            es.client().index(i -> i.index(Es.CASES).id(id).document(decided));

            // A later alert merges into the case: pipeline fields change, the decision stays.
            CaseRecord grown = new CaseRecord(id, EventType.OPEN_BURNING, CaseRecord.STATUS_DRAFT, "site-it", "site-it", OPENED,
                    List.of("a1", "a2"), List.of(), "second", "basis", OPENED);
            EsSink.writeMerged(es.client(), new EsDoc(Es.CASES, id, Es.toSource(grown), true));

            Map<String, Object> now = es.client().get(g -> g.index(Es.CASES).id(id), Map.class).source();
            assertEquals("confirmed", now.get("status"));
            assertEquals("seen on site", now.get("officer_note"));
            assertEquals(List.of("a1", "a2"), now.get("alert_ids"));
            assertEquals("second", now.get("summary"));
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
}
