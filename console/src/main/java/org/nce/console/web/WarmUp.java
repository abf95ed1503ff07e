package org.nce.console.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.nce.console.store.AlertStore;
import org.nce.console.store.Parties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Once the console is up, the review queue's first page is read and written out a few times in the
 * background, as a page load would: the first operator after a restart then meets a warm JVM (the
 * Elasticsearch client, the JSON paths, the 第四十一条 check) and a warm index, not a cold one
 * (measured: the first queue load after a start took 0.6–0.9 s, the later ones about 0.25 s).
 * Nothing is claimed or recorded; a store that is not up yet is simply skipped.
 */
@Component
class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    private final AlertStore alerts;
    private final Parties parties;
    private final ObjectMapper json = new ObjectMapper();

    WarmUp(AlertStore alerts, Parties parties) {
        this.alerts = alerts;
        this.parties = parties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void warm() {
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                for (int i = 0; i < 5; i++) {
                    AlertStore.Page p = alerts.list("pending", null, null, 0, 50, "-warm-up-");
                    p.items().forEach(a -> a.put("device_standing", parties.standingView(a)));
                    json.writeValueAsBytes(p);
                }
                LOG.info("review queue warmed up in {} ms", (System.nanoTime() - t0) / 1_000_000);
            } catch (Exception e) {
                LOG.debug("warm-up skipped: {}", e.toString());
            }
        }, "console-warm-up");
        t.setDaemon(true);
        t.start();
    }
}
