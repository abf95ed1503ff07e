package org.nce.model;

import java.util.List;

/**
 * A confirmed event on one source (camera or sensor). The id is deterministic and never repeats:
 * source, type and, for a camera, the identity of the frame that confirmed it (gateway boot id and
 * frame counter: the counter alone starts again at every gateway restart), for a sensor the time of
 * the first reading of the exceedance. A replay of the same alert gives the same id; a later
 * incident never takes an earlier one's id (and so never its evidence keys).
 * {@code firstSeq}/{@code lastSeq}: the gateway's frame counters of the evidence range (cameras) or
 * the first and last reading times (sensors). {@code threshold}: for a sensor alert, the limit the
 * rule applied (null for cameras).
 */
public record Alert(String alertId, EventType type, String siteId, String sourceId, long eventTimeMs,
                    long firstSeq, long lastSeq, double score, List<Box> boxes, String reason, Threshold threshold) {
    /** A camera alert: no threshold. */
    public Alert(String alertId, EventType type, String siteId, String sourceId, long eventTimeMs,
                 long firstSeq, long lastSeq, double score, List<Box> boxes, String reason) {
        this(alertId, type, siteId, sourceId, eventTimeMs, firstSeq, lastSeq, score, boxes, reason, null);
    }

    public Alert {
        Frame.require(alertId, "alert_id");
        Frame.require(siteId, "site_id");
        Frame.require(sourceId, "source_id");
        boxes = boxes == null ? List.of() : List.copyOf(boxes);
    }

    /** A sensor alert's id: the first reading's time (sensor clocks do not restart from zero). */
    public static String idFor(String sourceId, EventType type, long firstReadingTimeMs) {
        return sourceId + ":" + type.wireName() + ":" + firstReadingTimeMs;
    }

    /** A camera alert's id: the confirming frame's {@link Frame#frameKey() boot id and counter}. */
    public static String idFor(String sourceId, EventType type, Frame confirmingFrame) {
        return sourceId + ":" + type.wireName() + ":" + confirmingFrame.frameKey();
    }

    /** The alert's site: the subject a case is opened against unless the pipeline's config names the device's party (CaseKeys). */
    public String subject() {
        return siteId;
    }
}
