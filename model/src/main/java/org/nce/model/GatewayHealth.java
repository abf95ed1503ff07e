package org.nce.model;

/**
 * One heartbeat of a site's gateway as the pipeline stores it: who, which run, when, and the
 * heartbeat's JSON as the gateway sent it (docs/mqtt-topics.md), checked to be a JSON object.
 */
public record GatewayHealth(String siteId, String bootId, long timeMs, String json) {
    public GatewayHealth {
        Frame.require(siteId, "site_id");
        Frame.require(bootId, "boot_id");
        if (timeMs <= 0) {
            throw new IllegalArgumentException("'time_ms' must be a positive epoch time in milliseconds");
        }
    }

    /** Written once per heartbeat: a replay finds it there. */
    public String documentId() {
        return siteId + ":" + bootId + ":" + timeMs;
    }
}
