package org.nce.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The store contract every runtime shares, written out once: the Elasticsearch aliases (each points
 * at {@code <alias>-v<version>}), the evidence bucket's default name and its key layout. The
 * pipeline writes by it, the console and the demo read by it; nobody spells these names again.
 */
public final class StoreLayout {
    public static final String ALERTS = "nce-alerts";
    public static final String CASES = "nce-cases";
    public static final String EVIDENCE = "nce-evidence";
    public static final String AUDIT = "nce-audit";
    public static final String DEADLETTER = "nce-deadletter";
    /** Sensors reporting data flagged other than normal (HJ 212): a device to look at, not a violation. */
    public static final String DEVICE_FAULTS = "nce-device-faults";
    /** Gateway heartbeats as they came (one document each): device health and its gaps, for the console. */
    public static final String GATEWAY_HEALTH = "nce-gateway-health";
    public static final List<String> ALIASES = List.of(ALERTS, CASES, EVIDENCE, AUDIT, DEADLETTER, DEVICE_FAULTS, GATEWAY_HEALTH);
    public static final String BUCKET = "nce-evidence";

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private StoreLayout() {
    }

    /** {@code <site>/<source>/<yyyy-MM-dd UTC>/<alert id, made key-safe>}: the part every object of an alert shares. */
    public static String prefix(Alert a) {
        return a.siteId() + "/" + a.sourceId() + "/" + DAY.format(Instant.ofEpochMilli(a.eventTimeMs())) + "/"
                + safe(a.alertId());
    }

    /** Whether {@code key} is one of the objects of alert {@code alertId} (its clip, key frames, readings or chart). */
    public static boolean isObjectOf(String key, String alertId) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        String safe = safe(alertId);
        return name.startsWith(safe) && OBJECT_SUFFIXES.contains(name.substring(safe.length()));
    }

    /** What follows the alert's part in each of its objects' names (clip, key frame, annotated key frame, readings, chart). */
    private static final java.util.Set<String> OBJECT_SUFFIXES = java.util.Set.of(".mp4", ".jpg", "-annotated.jpg", ".json", ".png");

    private static String safe(String alertId) {
        return alertId.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    public static String clip(Alert a) {
        return "clips/" + prefix(a) + ".mp4";
    }

    public static String keyFrame(Alert a) {
        return "keyframes/" + prefix(a) + ".jpg";
    }

    public static String annotatedKeyFrame(Alert a) {
        return "keyframes/" + prefix(a) + "-annotated.jpg";
    }

    public static String readings(Alert a) {
        return "readings/" + prefix(a) + ".json";
    }

    public static String chart(Alert a) {
        return "charts/" + prefix(a) + ".png";
    }
}
