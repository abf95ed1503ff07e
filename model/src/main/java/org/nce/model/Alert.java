package org.nce.model;

import java.util.List;

/**
 * A confirmed event on one source (camera or sensor). The id is deterministic (source, type and
 * the first frame or reading time), so a replay after a restart produces the same alert id and
 * the idempotent sinks overwrite instead of duplicating.
 */
public record Alert(String alertId, EventType type, String siteId, String sourceId, long eventTimeMs,
                    long firstSeq, long lastSeq, double score, List<Box> boxes, String reason) {
    public Alert {
        Frame.require(alertId, "alert_id");
        Frame.require(siteId, "site_id");
        Frame.require(sourceId, "source_id");
        boxes = boxes == null ? List.of() : List.copyOf(boxes);
    }

    public static String idFor(String sourceId, EventType type, long firstSeqOrTime) {
        return sourceId + ":" + type.wireName() + ":" + firstSeqOrTime;
    }

    /** The subject a case is opened against: one site and one kind of violation (综合查一次 merges on it). */
    public String subject() {
        return siteId;
    }
}
