package org.nce.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaseRepositoryTest {
    @Test
    void apiShapeKeepsTheContractFieldsAndDropsInternalOnes() {
        Map<String, Object> src = Map.of("id", "case-1", "type", "open_burning", "status", "draft", "subject", "site-a",
                "opened_at", 1_780_000_000_000L, "updated_at", 5L, "officer_notes", "seen",
                "evidence", List.of(Map.of("key", "clips/a.mp4", "sha256", "ab".repeat(32), "kind", "clip",
                        "content_type", "video/mp4", "size_bytes", 10)));
        Map<String, Object> api = CaseRepository.toApi(src);
        assertEquals(List.of("id", "type", "status", "subject", "site_id", "opened_at", "summary", "legal_basis",
                "alert_ids", "evidence"), List.copyOf(api.keySet()));
        @SuppressWarnings("unchecked")
        Map<String, Object> e = ((List<Map<String, Object>>) api.get("evidence")).get(0);
        assertEquals("clips/a.mp4", e.get("key"));
        assertEquals("ab".repeat(32), e.get("sha256"));
    }
}
