package org.nce.console;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;

/**
 * Reads what the pipeline wrote to Elasticsearch. The console never calls pipeline code: the
 * indices (by alias) are the contract. A missing index reads as empty (the pipeline has not run yet).
 */
public final class CaseRepository implements AutoCloseable {
    static final String CASES = org.nce.model.StoreLayout.CASES;
    static final String ALERTS = org.nce.model.StoreLayout.ALERTS;
    static final String EVIDENCE = org.nce.model.StoreLayout.EVIDENCE;
    static final String DEADLETTER = org.nce.model.StoreLayout.DEADLETTER;
    static final String AUDIT = org.nce.model.StoreLayout.AUDIT;

    private final RestClient rest;
    private final ElasticsearchClient es;

    public CaseRepository(String url) {
        rest = RestClient.builder(HttpHost.create(url)).build();
        ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        es = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper(mapper)));
    }

    /** Cases, newest first, in the API's shape. */
    @SuppressWarnings("rawtypes")
    public List<Map<String, Object>> cases(int limit) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            SearchResponse<Map> r = es.search(s -> s.index(CASES).size(limit)
                    .sort(o -> o.field(f -> f.field("opened_at").order(SortOrder.Desc))), Map.class);
            for (Hit<Map> h : r.hits().hits()) {
                out.add(toApi(h.source()));
            }
        } catch (ElasticsearchException e) {
            if (!isMissingIndex(e)) {
                throw e;
            }
        }
        return out;
    }

    @SuppressWarnings("rawtypes")
    public Optional<Map<String, Object>> caseById(String id) throws IOException {
        try {
            var r = es.get(g -> g.index(CASES).id(id), Map.class);
            return r.found() ? Optional.of(toApi(r.source())) : Optional.empty();
        } catch (ElasticsearchException e) {
            if (isMissingIndex(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The stored SHA-256 of an evidence object, as indexed when it was written. */
    @SuppressWarnings("rawtypes")
    public Optional<String> evidenceSha256(String key) throws IOException {
        try {
            var r = es.get(g -> g.index(EVIDENCE).id(key), Map.class);
            return r.found() ? Optional.ofNullable((String) r.source().get("sha256")) : Optional.empty();
        } catch (ElasticsearchException e) {
            if (isMissingIndex(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public long count(String index) throws IOException {
        try {
            return es.count(c -> c.index(index)).count();
        } catch (ElasticsearchException e) {
            if (isMissingIndex(e)) {
                return 0;
            }
            throw e;
        }
    }

    @SuppressWarnings("rawtypes")
    public List<Map<String, Object>> recent(String index, String timeField, int limit) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            SearchResponse<Map> r = es.search(s -> s.index(index).size(limit)
                    .sort(o -> o.field(f -> f.field(timeField).order(SortOrder.Desc))), Map.class);
            for (Hit<Map> h : r.hits().hits()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = new LinkedHashMap<>(h.source());
                out.add(m);
            }
        } catch (ElasticsearchException e) {
            if (!isMissingIndex(e)) {
                throw e;
            }
        }
        return out;
    }

    /** Records who read what: chain of custody starts with the first look. */
    public void audit(String actor, String action, String target, String detail) {
        Map<String, Object> doc = Map.of("at", System.currentTimeMillis(), "actor", actor, "action", action,
                "target", target, "detail", detail);
        try {
            // require_alias: never auto-create a plain "nce-audit" index that would block the
            // pipeline's versioned index behind that alias.
            es.index(i -> i.index(AUDIT).document(doc).requireAlias(true));
        } catch (IOException | ElasticsearchException e) {
            // The read itself succeeded; an audit outage is logged, not hidden.
            System.err.println("audit write failed for " + action + " " + target + ": " + e.getMessage());
        }
    }

    /** The public API shape of a case (issue #2): id, type, status, subject, opened_at, evidence[]. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Map<String, Object> toApi(Map src) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", src.get("id"));
        c.put("type", src.get("type"));
        c.put("status", src.get("status"));
        c.put("subject", src.get("subject"));
        c.put("site_id", src.get("site_id"));
        c.put("opened_at", src.get("opened_at"));
        c.put("summary", src.get("summary"));
        c.put("legal_basis", src.get("legal_basis"));
        c.put("alert_ids", src.getOrDefault("alert_ids", List.of()));
        List<Map<String, Object>> ev = new ArrayList<>();
        for (Object o : (List<Object>) src.getOrDefault("evidence", List.of())) {
            Map<String, Object> e = (Map<String, Object>) o;
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("key", e.get("key"));
            x.put("sha256", e.get("sha256"));
            x.put("kind", e.get("kind"));
            x.put("content_type", e.get("content_type"));
            x.put("size_bytes", e.get("size_bytes"));
            ev.add(x);
        }
        c.put("evidence", ev);
        return c;
    }

    private static boolean isMissingIndex(ElasticsearchException e) {
        return e.status() == 404 || (e.error() != null && "index_not_found_exception".equals(e.error().type()));
    }

    @Override
    public void close() throws IOException {
        rest.close();
    }
}
