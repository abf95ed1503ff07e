package org.nce.console.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.GetResponse;
import java.io.IOException;
import java.io.StringReader;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.stereotype.Component;

/**
 * Sequence numbers that are never handed out twice (document 文号, local 行政行为码): one document
 * per counter in {@code nce-counters}, moved on by a conditional write, so two consoles (or two
 * requests) racing for the next number get different ones. A number taken by a request that then
 * fails is not reused: a gap in the register, never a duplicate.
 */
@Component
public class Counters {
    public static final String INDEX = "nce-counters";
    private final ElasticsearchClient es;
    private final AtomicBoolean ready = new AtomicBoolean();

    public Counters(ElasticsearchClient es) {
        this.es = es;
    }

    /** The next number of {@code name} (1 the first time). */
    @SuppressWarnings("rawtypes")
    public long next(String name) {
        ensureIndex();
        try {
            for (int attempt = 0; attempt < 50; attempt++) {
                GetResponse<Map> g = es.get(x -> x.index(INDEX).id(name).realtime(true), Map.class);
                try {
                    if (!g.found()) {
                        es.create(c -> c.index(INDEX).id(name).document(Map.of("n", 1L)));
                        return 1;
                    }
                    long n = ((Number) g.source().get("n")).longValue() + 1;
                    es.index(i -> i.index(INDEX).id(name).ifSeqNo(g.seqNo()).ifPrimaryTerm(g.primaryTerm()).document(Map.of("n", n)));
                    return n;
                } catch (ElasticsearchException | IOException e) {
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

    private void ensureIndex() {
        if (ready.get()) {
            return;
        }
        try {
            es.indices().create(c -> c.index(INDEX).withJson(new StringReader(
                    "{\"settings\": {\"number_of_shards\": 1, \"number_of_replicas\": 0},"
                            + " \"mappings\": {\"dynamic\": \"strict\", \"properties\": {\"n\": {\"type\": \"long\"}}}}")));
        } catch (ElasticsearchException e) {
            if (e.error() == null || !"resource_already_exists_exception".equals(e.error().type())) {
                throw Docs.unavailable(e);
            }
        } catch (IOException e) {
            throw Docs.unavailable(e);
        }
        ready.set(true);
    }
}
