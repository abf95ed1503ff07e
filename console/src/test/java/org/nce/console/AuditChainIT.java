package org.nce.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;
import org.nce.console.hearing.PackageVerifier;
import org.nce.console.store.AuditLog;

/**
 * The custody chain with two consoles (two AuditLogs, each with its own idea of where the chain
 * ends) appending to one case in turn and at once: every entry lands, at its own place, and the
 * chain verifies. Against the loopback Elasticsearch.
 */
class AuditChainIT {
    @Test
    void twoConsolesAppendingToOneCaseMakeOneUnbrokenChain() throws Exception {
        Stores.ensureIndices();
        try (RestClient rest = RestClient.builder(HttpHost.create(Stores.ES)).build()) {
            ElasticsearchClient es = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
            AuditLog first = new AuditLog(es);
            AuditLog second = new AuditLog(es);
            String caseId = "case-chain-" + UUID.randomUUID().toString().substring(0, 8);
            // In turn: each console's remembered end of the chain is stale every other time.
            for (int i = 0; i < 6; i++) {
                (i % 2 == 0 ? first : second).record("u" + i, "case_note", caseId, "ok", "in turn " + i, caseId);
            }
            // At once.
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    AuditLog log = i % 2 == 0 ? first : second;
                    int n = i;
                    done.add(pool.submit(() -> log.record("u" + n, "evidence_view", caseId, "ok", "at once " + n, caseId)));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            var chain = first.chainOf(caseId);
            assertEquals(26, chain.size());
            for (int i = 0; i < chain.size(); i++) {
                assertEquals(i + 1L, ((Number) chain.get(i).get("seq")).longValue());
            }
            List<String> notes = new ArrayList<>();
            assertEquals(List.of(), PackageVerifier.chainProblems(chain, notes));
            assertTrue(notes.isEmpty(), notes.toString());
        }
    }
}
