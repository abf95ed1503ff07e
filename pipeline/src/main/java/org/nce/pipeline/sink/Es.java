package org.nce.pipeline.sink;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.http.HttpHost;
import org.nce.model.StoreLayout;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elasticsearch access shared by the pipeline's sinks and its tests: the client, and the index
 * layout. Each index is created from a versioned index template as {@code <alias>-v<version>} behind
 * its alias, so a mapping change is a new version and a re-index, never an in-place edit. Only core
 * types, no scripts or ingest pipelines: it runs on the minimal integ-test distribution too.
 */
public final class Es {
    private static final Logger LOG = LoggerFactory.getLogger(Es.class);
    public static final String ALERTS = StoreLayout.ALERTS;
    public static final String CASES = StoreLayout.CASES;
    public static final String EVIDENCE = StoreLayout.EVIDENCE;
    public static final String AUDIT = StoreLayout.AUDIT;
    public static final String DEADLETTER = StoreLayout.DEADLETTER;
    public static final List<String> ALIASES = StoreLayout.ALIASES;
    public static final int TEMPLATE_VERSION = 2;

    /** Documents in snake_case; unknown fields tolerated when reading (officers add their own). */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Es() {
    }

    /** A client and the low-level REST client it owns; close both with {@link Handle#close()}. */
    public record Handle(ElasticsearchClient client, RestClient rest) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            rest.close();
        }
    }

    public static Handle connect(String url) {
        RestClient rest = RestClient.builder(HttpHost.create(url)).build();
        return new Handle(new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper(MAPPER))), rest);
    }

    /** Puts every index template and creates each missing index behind its alias. Idempotent. */
    public static void ensureIndices(ElasticsearchClient es) throws IOException {
        for (String alias : ALIASES) {
            try (InputStream in = Es.class.getResourceAsStream("/es/" + alias + ".json")) {
                if (in == null) {
                    throw new IllegalStateException("index template resource es/" + alias + ".json is missing");
                }
                es.indices().putIndexTemplate(b -> b.name(alias).withJson(new InputStreamReader(in, StandardCharsets.UTF_8)));
            }
            if (!es.indices().existsAlias(b -> b.name(alias)).value()) {
                String index = alias + "-v" + TEMPLATE_VERSION;
                if (!es.indices().exists(b -> b.index(index)).value()) {
                    es.indices().create(b -> b.index(index).aliases(alias, a -> a.isWriteIndex(true)));
                    LOG.info("created index {} behind alias {}", index, alias);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> toSource(Object document) {
        return MAPPER.convertValue(document, Map.class);
    }
}
