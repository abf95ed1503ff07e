package org.nce.pipeline.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch._types.Refresh;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The restore rule's look-up of a camera's newest alert (against the loopback Elasticsearch). A
 * camera id is unique within its site only: two sites may both have a {@code cam-01}. Before, the
 * look-up ignored the site, so a fire at one site's {@code cam-01} silenced the first fire of the
 * other's for 30 min (found by PipelineFailuresIT: 0 of 20 fires in a run that reused camera ids).
 */
class EsRecentAlertsIT {
    static final String URL = System.getenv().getOrDefault("NCE_ES_URL",
            "http://127.0.0.1:" + System.getenv().getOrDefault("NCE_ES_PORT", "9200"));

    @Test
    void aCamerasNewestAlertIsLookedUpWithinItsSite() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        long t = System.currentTimeMillis();
        try (Es.Handle es = Es.connect(URL); EsRecentAlerts recent = new EsRecentAlerts(URL)) {
            Es.ensureIndices(es.client());
            String id = "cam-01:open_burning:" + run + "-7";
            es.client().index(i -> i.index(Es.ALERTS).id(id).refresh(Refresh.True).document(Map.of("alert_id", id, "site_id",
                    "site-a-" + run, "source_id", "cam-01", "type", "open_burning", "event_time_ms", t)));
            recent.open();
            var found = recent.newest("site-a-" + run, "cam-01", "open_burning", t - 60_000);
            assertTrue(found.isPresent());
            assertEquals(id, found.get().alertId());
            assertTrue(recent.newest("site-b-" + run, "cam-01", "open_burning", t - 60_000).isEmpty(),
                    "another site's cam-01 has alerted nothing");
            assertTrue(recent.newest("site-a-" + run, "cam-01", "open_burning", t + 1).isEmpty(), "nothing that recent");
        }
    }
}
