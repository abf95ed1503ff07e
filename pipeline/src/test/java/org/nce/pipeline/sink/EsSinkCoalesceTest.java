package org.nce.pipeline.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EsSinkCoalesceTest {
    static EsDoc caseDoc(String id, String status, List<String> alerts, List<String> evidence) {
        return new EsDoc("nce-cases", id, Map.of("status", status, "alert_ids", alerts,
                "evidence", evidence.stream().map(k -> Map.of("key", k)).toList()), true);
    }

    /** Each version of a case in a batch was a get and an index; a busy case's updates queued up for seconds. */
    @Test
    void theVersionsOfOneCaseInABatchAreWrittenOnceAsTheirUnion() {
        EsDoc dead = new EsDoc("nce-deadletter", "d1", Map.of("reason", "x"), false);
        List<EsDoc> out = EsSink.Writer.coalesced(List.of(
                caseDoc("c1", "draft", List.of("A1"), List.of()),
                caseDoc("c2", "draft", List.of("B1"), List.of("kb1")),
                dead,
                caseDoc("c1", "draft", List.of("A1"), List.of("ka1")),
                caseDoc("c1", "draft", List.of("A2"), List.of("ka2"))));
        assertEquals(List.of("c2", "d1", "c1"), out.stream().map(EsDoc::id).toList(), "c1 in the place of its last version");
        Map<String, Object> c1 = out.get(2).source();
        // Not just the last version: what an earlier one held stays (as written one after the other).
        assertEquals(List.of("A1", "A2"), c1.get("alert_ids"));
        assertEquals(List.of(Map.of("key", "ka1"), Map.of("key", "ka2")), c1.get("evidence"));
    }

    @Test
    void aBatchWithoutRepeatsOrWithAVersionThatIsNotADraftIsWrittenAsItCame() {
        List<EsDoc> plain = List.of(caseDoc("c1", "draft", List.of("A1"), List.of()), caseDoc("c2", "draft", List.of("B1"), List.of()));
        assertEquals(plain, EsSink.Writer.coalesced(plain));
        List<EsDoc> decided = List.of(caseDoc("c1", "reviewed", List.of("A1"), List.of()), caseDoc("c1", "draft", List.of("A1", "A2"), List.of()));
        assertEquals(decided, EsSink.Writer.coalesced(decided));
    }
}
