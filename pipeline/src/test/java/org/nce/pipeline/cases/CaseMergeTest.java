package org.nce.pipeline.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaseMergeTest {
    static Map<String, Object> ev(String key) {
        return Map.of("key", key, "sha256", "a".repeat(64));
    }

    /** Review finding: a job restored from an older checkpoint sends {A1, A3}; A2, already stored, must stay. */
    @Test
    void alertsAndEvidenceAreOnlyEverAdded() {
        Map<String, Object> stored = Map.of("status", "draft", "alert_ids", List.of("A1", "A2"),
                "evidence", List.of(ev("k1"), ev("k2")), "last_alert_at", 200L, "officer_note", "seen");
        Map<String, Object> update = Map.of("status", "draft", "alert_ids", List.of("A1", "A3"),
                "evidence", List.of(ev("k1"), ev("k3")), "last_alert_at", 150L, "summary", "s");
        CaseMerge.Result r = CaseMerge.merge(stored, update);
        assertEquals(List.of("A1", "A2", "A3"), r.document().get("alert_ids"));
        assertEquals(3, ((List<?>) r.document().get("evidence")).size());
        assertEquals(200L, r.document().get("last_alert_at"));
        assertEquals("seen", r.document().get("officer_note"));
        assertEquals(List.of(), r.refusedAlerts());
    }

    /** An officer's decision stands, and a case that left draft takes no new alert: it is refused by name. */
    @Test
    void aDecidedCaseKeepsItsStatusAndRefusesNewAlerts() {
        Map<String, Object> stored = Map.of("status", "decided", "alert_ids", List.of("A1"), "evidence", List.of(ev("k1")));
        Map<String, Object> update = Map.of("status", "draft", "alert_ids", List.of("A1", "A2"),
                "evidence", List.of(ev("k1"), ev("k2")), "summary", "grown");
        CaseMerge.Result r = CaseMerge.merge(stored, update);
        assertEquals("decided", r.document().get("status"));
        assertEquals(List.of("A1"), r.document().get("alert_ids"));
        assertEquals(1, ((List<?>) r.document().get("evidence")).size());
        assertEquals(List.of("A2"), r.refusedAlerts());
    }

    @Test
    void aNewCaseIsTheUpdate() {
        CaseMerge.Result r = CaseMerge.merge(null, Map.of("status", "draft", "alert_ids", List.of("A1"), "evidence", List.of()));
        assertEquals(List.of("A1"), r.document().get("alert_ids"));
        assertEquals("draft", r.document().get("status"));
    }
}
