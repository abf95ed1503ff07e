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
                    List.of("a1"), List.of(), "first", "basis");
            EsSink.writeMerged(es.client(), new EsDoc(Es.CASES, id, Es.toSource(draft), true));

            // An officer decides and writes a note (what the console will do).
            Map<String, Object> decided = new HashMap<>(es.client().get(g -> g.index(Es.CASES).id(id), Map.class).source());
            decided.put("status", "confirmed");
            decided.put("officer_note", "seen on site");
            es.client().index(i -> i.index(Es.CASES).id(id).document(decided));

            // A later alert merges into the case: pipeline fields change, the decision stays.
            CaseRecord grown = new CaseRecord(id, EventType.OPEN_BURNING, CaseRecord.STATUS_DRAFT, "site-it", "site-it", OPENED,
                    List.of("a1", "a2"), List.of(), "second", "basis");
            EsSink.writeMerged(es.client(), new EsDoc(Es.CASES, id, Es.toSource(grown), true));

            Map<String, Object> now = es.client().get(g -> g.index(Es.CASES).id(id), Map.class).source();
            assertEquals("confirmed", now.get("status"));
            assertEquals("seen on site", now.get("officer_note"));
            assertEquals(List.of("a1", "a2"), now.get("alert_ids"));
            assertEquals("second", now.get("summary"));
        }
    }
}
