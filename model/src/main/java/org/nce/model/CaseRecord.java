package org.nce.model;

import java.util.List;

/**
 * A draft enforcement case as indexed in {@code nce-cases}. Opened by the pipeline, decided by an
 * officer. The id is deterministic (subject, type and opening alert) so a replay overwrites it.
 * {@code lastAlertAt} is the event time of its newest alert: the merge window runs from it.
 */
public record CaseRecord(String id, EventType type, String status, String subject, String siteId,
                         long openedAt, List<String> alertIds, List<EvidenceRef> evidence, String summary,
                         String legalBasis, long lastAlertAt) {
    public static final String STATUS_DRAFT = "draft";

    public CaseRecord {
        Frame.require(id, "id");
        alertIds = alertIds == null ? List.of() : List.copyOf(alertIds);
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }
}
