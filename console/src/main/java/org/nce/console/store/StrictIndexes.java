package org.nce.console.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.HealthStatus;
import java.io.IOException;
import java.io.StringReader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.nce.console.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * The console's own small indices (counters, reservations, accounts): created on first use with a
 * strict mapping, one shard, no replica, and waited for until they take reads and writes.
 */
@Component
public class StrictIndexes {
    private final ElasticsearchClient es;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();

    public StrictIndexes(ElasticsearchClient es) {
        this.es = es;
    }

    /** Creates {@code index} with these mapping {@code properties} (a JSON object) unless it exists. */
    public void ensure(String index, String properties) {
        if (ready.contains(index)) {
            return;
        }
        try {
            es.indices().create(c -> c.index(index).withJson(new StringReader(
                    "{\"settings\": {\"number_of_shards\": 1, \"number_of_replicas\": 0},"
                            + " \"mappings\": {\"dynamic\": \"strict\", \"properties\": " + properties + "}}")));
        } catch (ElasticsearchException e) {
            if (e.error() == null || !"resource_already_exists_exception".equals(e.error().type())) {
                throw Docs.unavailable(e);
            }
        } catch (IOException e) {
            throw Docs.unavailable(e);
        }
        try {
            // Another console may have just created it: its shard can still be starting (a get would be a 503
            // no_shard_available, seen in CI with two consoles). Wait until it takes reads and writes.
            if (es.cluster().health(h -> h.index(index).waitForStatus(HealthStatus.Yellow).timeout(t -> t.time("30s"))).timedOut()) {
                throw ApiException.unavailable("index " + index + " is not ready yet; try again in a moment");
            }
        } catch (ElasticsearchException | IOException e) {
            throw Docs.unavailable(e);
        }
        ready.add(index);
    }
}
