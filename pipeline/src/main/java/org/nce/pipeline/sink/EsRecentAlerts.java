package org.nce.pipeline.sink;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.json.JsonData;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.nce.pipeline.camera.RecentAlerts;

/** {@link RecentAlerts} over the {@code nce-alerts} alias (retries and "no index" as {@link EsLookup}). */
public final class EsRecentAlerts extends EsLookup implements RecentAlerts {
    private static final long serialVersionUID = 1L;

    public EsRecentAlerts(String url) {
        super(url);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Optional<Stored> newest(String siteId, String cameraId, String type, long notBefore) throws IOException {
        return read("newest " + type + " alert of " + siteId + "/" + cameraId, () -> {
            SearchResponse<Map> r = es.client().search(s -> s.index(Es.ALERTS).size(1)
                    .query(q -> q.bool(b -> b
                            // The site too: a camera id is unique within its site, not across every site.
                            .filter(f -> f.term(t -> t.field("site_id").value(FieldValue.of(siteId))))
                            .filter(f -> f.term(t -> t.field("source_id").value(FieldValue.of(cameraId))))
                            .filter(f -> f.term(t -> t.field("type").value(FieldValue.of(type))))
                            .filter(f -> f.range(g -> g.untyped(u -> u.field("event_time_ms").gte(JsonData.of(notBefore)))))))
                    .sort(o -> o.field(f -> f.field("event_time_ms").order(SortOrder.Desc))), Map.class);
            if (r.hits().hits().isEmpty() || r.hits().hits().get(0).source() == null) {
                return Optional.empty();
            }
            Map src = r.hits().hits().get(0).source();
            return Optional.of(new Stored(String.valueOf(src.get("alert_id")), ((Number) src.get("event_time_ms")).longValue()));
        });
    }
}
