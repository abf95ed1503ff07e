package org.nce.pipeline.sink;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
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

/**
 * {@link OpenCaseLookup} over the {@code nce-cases} alias. Each look-up rides out an Elasticsearch
 * restart ({@link #RETRY}, about 90 s) before it fails the task; a missing index is "no case".
 */
public final class EsOpenCaseLookup implements OpenCaseLookup {
    private static final long serialVersionUID = 1L;

    static final org.nce.pipeline.io.RetryPolicy RETRY = new org.nce.pipeline.io.RetryPolicy(20, 200, 5_000);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EsOpenCaseLookup.class);

    private final String url;
    private transient Es.Handle es;

    public EsOpenCaseLookup(String url) {
        this.url = url;
    }

    @Override
    public void open() {
        es = Es.connect(url);
    }

    @Override
    public Optional<CaseRecord> newestDraft(String subject, EventType type, long openedNotBefore) throws IOException {
        return RETRY.call("Elasticsearch: open draft of " + subject, () -> searchNewestDraft(subject, type, openedNotBefore),
                EsSink::classify, LOG);
    }

    @SuppressWarnings("rawtypes")
    private Optional<CaseRecord> searchNewestDraft(String subject, EventType type, long openedNotBefore) throws IOException {
        try {
            SearchResponse<Map> r = es.client().search(s -> s.index(Es.CASES).size(1)
                    .query(q -> q.bool(b -> b
                            .filter(f -> f.term(t -> t.field("subject").value(FieldValue.of(subject))))
                            .filter(f -> f.term(t -> t.field("type").value(FieldValue.of(type.wireName()))))
                            .filter(f -> f.term(t -> t.field("status").value(FieldValue.of(CaseRecord.STATUS_DRAFT))))
                            // An integer epoch-millis bound: valid for the date mapping, and for a long one.
                            .filter(f -> f.range(g -> g.untyped(u -> u.field("opened_at").gte(JsonData.of(openedNotBefore)))))))
                    .sort(o -> o.field(f -> f.field("opened_at").order(SortOrder.Desc))), Map.class);
            if (r.hits().hits().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(Es.MAPPER.convertValue(r.hits().hits().get(0).source(), CaseRecord.class));
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<String> status(String caseId) throws IOException {
        return RETRY.call("Elasticsearch: status of " + caseId, () -> readStatus(caseId), EsSink::classify, LOG);
    }

    @SuppressWarnings("rawtypes")
    private Optional<String> readStatus(String caseId) throws IOException {
        try {
            // A get is real-time in Elasticsearch: it sees the console's last write without a refresh.
            GetResponse<Map> r = es.client().get(g -> g.index(Es.CASES).id(caseId).sourceIncludes("status"), Map.class);
            if (!r.found() || r.source() == null || r.source().get("status") == null) {
                return Optional.empty();
            }
            return Optional.of(r.source().get("status").toString());
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        if (es != null) {
            es.close();
        }
    }
}
