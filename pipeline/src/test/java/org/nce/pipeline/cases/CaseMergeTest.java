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

    /**
     * The case is opened when the alert is raised; its clip may come after an officer has acted on the
     * case, in an update that also brings an alert the case refuses. The held alert's evidence is added
     * (told by its key), the refused one's is not.
     */
    @Test
    void aDecidedCaseStillTakesTheEvidenceOfAnAlertItHolds() {
        String clipA1 = "clips/site-a/cam-1/2026-05-29/cam-1_open_burning_boot-a-93.mp4";
        String clipA2 = "clips/site-a/cam-1/2026-05-29/cam-1_open_burning_boot-a-930.mp4";
        String frameA2 = "keyframes/site-a/cam-1/2026-05-29/cam-1_open_burning_boot-a-930-annotated.jpg";
        Map<String, Object> stored = Map.of("status", "reviewed", "alert_ids", List.of("cam-1:open_burning:boot-a-93"),
                "evidence", List.of(), "officer_note", "confirmed on site");
        Map<String, Object> update = Map.of("status", "draft",
                "alert_ids", List.of("cam-1:open_burning:boot-a-93", "cam-1:open_burning:boot-a-930"),
                "evidence", List.of(ev(clipA1), ev(clipA2), ev(frameA2)));
        CaseMerge.Result r = CaseMerge.merge(stored, update);
        assertEquals("reviewed", r.document().get("status"));
        assertEquals(List.of("cam-1:open_burning:boot-a-93"), r.document().get("alert_ids"));
        assertEquals(List.of(ev(clipA1)), r.document().get("evidence"));
        assertEquals("confirmed on site", r.document().get("officer_note"));
        assertEquals(List.of("cam-1:open_burning:boot-a-930"), r.refusedAlerts());
    }

    @Test
    void aNewCaseIsTheUpdate() {
        CaseMerge.Result r = CaseMerge.merge(null, Map.of("status", "draft", "alert_ids", List.of("A1"), "evidence", List.of()));
        assertEquals(List.of("A1"), r.document().get("alert_ids"));
        assertEquals("draft", r.document().get("status"));
    }
}
