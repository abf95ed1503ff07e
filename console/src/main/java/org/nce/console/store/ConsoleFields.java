package org.nce.console.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import java.io.StringReader;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nce.model.StoreLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The mappings of the fields the console owns on the pipeline's documents (review and claim on
 * alerts; confirmed alerts and status history on cases). The store contract's index templates
 * (model's {@code es/*.json}) carry them for new indices; this puts the template's mappings on
 * indices created before they had them, so that a review is a keyword from the first one on, not
 * whatever dynamic mapping would guess. Idempotent; done before the first write.
 */
@Component
public class ConsoleFields {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleFields.class);
    private final ElasticsearchClient es;
    private final AtomicBoolean alertsDone = new AtomicBoolean();
    private final AtomicBoolean casesDone = new AtomicBoolean();

    public ConsoleFields(ElasticsearchClient es) {
        this.es = es;
    }

    void ensureAlerts() {
        ensure(StoreLayout.ALERTS, java.util.List.of("review_status", "review", "claim"), alertsDone);
    }

    public void ensureCases() {
        ensure(StoreLayout.CASES, java.util.List.of("confirmed_alert_ids", "status_history", "notes", "decision", "case_number",
                "action_code", "action_code_source", "document_plan", "documents", "credit_repairs"), casesDone);
    }

    /** The mappings of {@code fields} in the store contract's template for {@code alias} (model's {@code es/<alias>.json}). */
    static String mappings(String alias, java.util.List<String> fields) throws java.io.IOException {
        try (java.io.InputStream in = ConsoleFields.class.getResourceAsStream("/es/" + alias + ".json")) {
            if (in == null) {
                throw new IllegalStateException("index template es/" + alias + ".json is missing from the model jar");
            }
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.JsonNode all = json.readTree(in).path("template").path("mappings").path("properties");
            com.fasterxml.jackson.databind.node.ObjectNode props = json.createObjectNode();
            for (String f : fields) {
                if (all.path(f).isMissingNode()) {
                    throw new IllegalStateException("index template es/" + alias + ".json does not map the console's field " + f);
                }
                props.set(f, all.path(f));
            }
            return json.writeValueAsString(json.createObjectNode().set("properties", props));
        }
    }

    /**
     * Puts the console's fields on the index before its first write there. If Elasticsearch refuses
     * (an index that mapped them otherwise by dynamic mapping), nothing is written: a review stored
     * as free text would drop out of every queue and count. The message names the index and why.
     */
    private void ensure(String alias, java.util.List<String> fields, AtomicBoolean done) {
        if (done.get()) {
            return;
        }
        try {
            String mapping = mappings(alias, fields);
            es.indices().putMapping(m -> m.index(alias).withJson(new StringReader(mapping)));
            done.set(true);
        } catch (ElasticsearchException e) {
            if (Docs.missingIndex(e)) { // no index yet: the pipeline's template will carry the fields
                return;
            }
            LOG.error("the console's fields {} cannot be mapped on {}: {}", fields, alias, e.getMessage());
            throw new org.nce.console.web.ApiException(org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE, "mapping",
                    "index " + alias + " maps the console's fields otherwise; an administrator must reindex it (details in the log)");
        } catch (java.io.IOException e) {
            throw Docs.unavailable(e);
        }
    }
}
