package org.nce.console.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.GetResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Sequence numbers that are never handed out twice (document 文号, local 行政行为码): one document
 * per counter in {@code nce-counters}, moved on by a conditional write, so two consoles (or two
 * requests) racing for the next number get different ones. A number taken by a request that then
 * fails is not reused: a gap in the register, never a duplicate. Each number actually issued is
 * also reserved by {@link #reserve}, a create-only document keyed by the number itself, so even a
 * counter lost or restored from an old copy cannot issue one twice: the reservation refuses it and
 * the next is taken.
 */
@Component
public class Counters {
    public static final String INDEX = "nce-counters";
    /** Issued 文号 (id = the number) and 行政行为码 (id = the code), each with the case it belongs to. */
    public static final String NUMBERS = "nce-document-numbers";
    public static final String CODES = "nce-action-codes";
    private final ElasticsearchClient es;
    private final StrictIndexes indexes;

    public Counters(ElasticsearchClient es, StrictIndexes indexes) {
        this.es = es;
        this.indexes = indexes;
    }

    /** The next number of {@code name} (1 the first time). */
    @SuppressWarnings("rawtypes")
    public long next(String name) {
        ensureIndex(INDEX, "{\"n\": {\"type\": \"long\"}}");
        try {
            for (int attempt = 0; attempt < 50; attempt++) {
                GetResponse<Map> g;
                try {
                    g = es.get(x -> x.index(INDEX).id(name).realtime(true), Map.class);
                } catch (ElasticsearchException | IOException e) {
                    if (!Docs.shardNotReady(e) || attempt == 49) {
                        throw e;
                    }
                    Docs.pause(200); // a shard another console just created, still recovering (seen in CI): soon ready
                    continue;
                }
                try {
                    if (!g.found()) {
                        es.create(c -> c.index(INDEX).id(name).document(Map.of("n", 1L)));
                        return 1;
                    }
                    long n = ((Number) g.source().get("n")).longValue() + 1;
                    es.index(i -> i.index(INDEX).id(name).ifSeqNo(g.seqNo()).ifPrimaryTerm(g.primaryTerm()).document(Map.of("n", n)));
                    return n;
                } catch (ElasticsearchException | IOException e) {
                    if (Docs.shardNotReady(e)) {
                        Docs.pause(200);
                        continue;
                    }
                    if (!Docs.versionConflict(e)) {
                        throw e;
                    }
                    // another took this number: read again
                }
            }
        } catch (ElasticsearchException | IOException e) {
            throw Docs.unavailable(e);
        }
        throw org.nce.console.web.ApiException.unavailable("counter " + name + " is contended; try again");
    }

    /**
     * Reserves {@code key} in {@code index} for {@code caseId} (create-only). True when this call
     * reserved it or the case already holds it; false when another case holds it.
     */
    @SuppressWarnings("rawtypes")
    public boolean reserve(String index, String key, String caseId, String what) {
        ensureIndex(index, "{\"case_id\": {\"type\": \"keyword\"}, \"what\": {\"type\": \"keyword\"}, \"at\": {\"type\": \"date\", \"format\": \"epoch_millis\"}}");
        try {
            es.create(c -> c.index(index).id(key).document(Map.of("case_id", caseId, "what", what, "at", System.currentTimeMillis())));
            return true;
        } catch (ElasticsearchException | IOException e) {
            if (!Docs.versionConflict(e)) {
                throw Docs.unavailable(e);
            }
        }
        return caseId.equals(holder(index, key));
    }

    /** The case that holds {@code key} in {@code index}, or null. */
    @SuppressWarnings("rawtypes")
    public String holder(String index, String key) {
        try {
            GetResponse<Map> g = es.get(x -> x.index(index).id(key).realtime(true), Map.class);
            return g.found() ? String.valueOf(g.source().get("case_id")) : null;
        } catch (ElasticsearchException e) {
            if (Docs.missingIndex(e)) {
                return null;
            }
            throw Docs.unavailable(e);
        } catch (IOException e) {
            throw Docs.unavailable(e);
        }
    }

    private void ensureIndex(String index, String properties) {
        indexes.ensure(index, properties);
    }
}
