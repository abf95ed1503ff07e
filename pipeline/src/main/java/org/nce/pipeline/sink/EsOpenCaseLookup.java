package org.nce.pipeline.sink;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.json.JsonData;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.nce.model.CaseRecord;
import org.nce.model.EventType;
import org.nce.pipeline.cases.OpenCaseLookup;

/** {@link OpenCaseLookup} over the {@code nce-cases} alias (retries and "no index" as {@link EsLookup}). */
public final class EsOpenCaseLookup extends EsLookup implements OpenCaseLookup {
    private static final long serialVersionUID = 1L;

    public EsOpenCaseLookup(String url) {
        super(url);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Optional<CaseRecord> newestDraft(String subject, EventType type, long openedNotBefore) throws IOException {
        return read("open draft of " + subject, () -> {
            SearchResponse<Map> r = es.client().search(s -> s.index(Es.CASES).size(1)
                    .query(q -> q.bool(b -> {
                        b.filter(f -> f.term(t -> t.field("subject").value(FieldValue.of(subject))));
                        if (type != null) {
                            b.filter(f -> f.term(t -> t.field("type").value(FieldValue.of(type.wireName()))));
                        }
                        return b.filter(f -> f.term(t -> t.field("status").value(FieldValue.of(CaseRecord.STATUS_DRAFT))))
                                // An integer epoch-millis bound: valid for the date mapping, and for a long one.
                                .filter(f -> f.range(g -> g.untyped(u -> u.field("opened_at").gte(JsonData.of(openedNotBefore)))));
                    }))
                    .sort(o -> o.field(f -> f.field("opened_at").order(SortOrder.Desc))), Map.class);
            return r.hits().hits().isEmpty() ? Optional.empty()
                    : Optional.of(Es.MAPPER.convertValue(r.hits().hits().get(0).source(), CaseRecord.class));
        });
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Optional<CaseRecord> holding(String alertId) throws IOException {
        return read("case holding " + alertId, () -> {
            SearchResponse<Map> r = es.client().search(s -> s.index(Es.CASES).size(1)
                    .query(q -> q.term(t -> t.field("alert_ids").value(FieldValue.of(alertId)))), Map.class);
            return r.hits().hits().isEmpty() ? Optional.empty()
                    : Optional.of(Es.MAPPER.convertValue(r.hits().hits().get(0).source(), CaseRecord.class));
        });
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Optional<String> status(String caseId) throws IOException {
        return read("status of " + caseId, () -> {
            // A get is real-time in Elasticsearch: it sees the console's last write without a refresh.
            GetResponse<Map> r = es.client().get(g -> g.index(Es.CASES).id(caseId).sourceIncludes("status"), Map.class);
            return !r.found() || r.source() == null || r.source().get("status") == null ? Optional.empty()
                    : Optional.of(r.source().get("status").toString());
        });
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Optional<CaseRecord> byId(String caseId) throws IOException {
        return read("case " + caseId, () -> {
            GetResponse<Map> r = es.client().get(g -> g.index(Es.CASES).id(caseId), Map.class);
            return !r.found() || r.source() == null ? Optional.empty()
                    : Optional.of(Es.MAPPER.convertValue(r.source(), CaseRecord.class));
        });
    }
}
