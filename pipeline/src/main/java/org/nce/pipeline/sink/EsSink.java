package org.nce.pipeline.sink;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.nce.model.CaseRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An idempotent Elasticsearch sink: every document has a deterministic id, so a replay overwrites
 * instead of duplicating. Documents are buffered and written in bulk when the buffer fills and at
 * every checkpoint ({@link SinkWriter#flush}), so a completed checkpoint means they are indexed:
 * at-least-once end to end. Transient failures (429, 5xx, connection) are retried with back-off;
 * anything else fails the job loudly rather than dropping a document.
 */
public final class EsSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EsSink.class);

    /** Maps an element to the documents it writes. */
    @FunctionalInterface
    public interface Documents<T> extends Serializable {
        List<EsDoc> of(T element);
    }

    private final String url;
    private final Documents<T> documents;
    private final int maxBuffered;

    public EsSink(String url, Documents<T> documents) {
        this(url, documents, 200);
    }

    public EsSink(String url, Documents<T> documents, int maxBuffered) {
        this.url = url;
        this.documents = documents;
        this.maxBuffered = maxBuffered;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new Writer<>(Es.connect(url), documents, maxBuffered, context.metricGroup().counter("documentsIndexed"));
    }

    static final class Writer<T> implements SinkWriter<T> {
        private final Es.Handle es;
        private final Documents<T> documents;
        private final int maxBuffered;
        private final Counter indexed;
        private final List<EsDoc> buffer = new ArrayList<>();

        Writer(Es.Handle es, Documents<T> documents, int maxBuffered, Counter indexed) {
            this.es = es;
            this.documents = documents;
            this.maxBuffered = maxBuffered;
            this.indexed = indexed;
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            buffer.addAll(documents.of(element));
            if (buffer.size() >= maxBuffered) {
                flush(false);
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            if (buffer.isEmpty()) {
                return;
            }
            List<EsDoc> plain = new ArrayList<>();
            for (EsDoc d : buffer) {
                if (d.officerOwned()) {
                    writeMerged(es.client(), d);
                    indexed.inc();
                } else {
                    plain.add(d);
                }
            }
            bulk(plain);
            indexed.inc(plain.size());
            buffer.clear();
        }

        private void bulk(List<EsDoc> docs) throws IOException, InterruptedException {
            List<EsDoc> pending = docs;
            long backoff = 200;
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                List<BulkOperation> ops = new ArrayList<>();
                for (EsDoc d : pending) {
                    ops.add(BulkOperation.of(o -> o.index(i -> i.index(d.index()).id(d.id()).document(d.source()))));
                }
                List<EsDoc> retry = new ArrayList<>();
                String lastError = null;
                try {
                    BulkResponse r = es.client().bulk(b -> b.operations(ops));
                    if (r.errors()) {
                        for (int i = 0; i < r.items().size(); i++) {
                            BulkResponseItem item = r.items().get(i);
                            if (item.error() == null) {
                                continue;
                            }
                            lastError = item.index() + "/" + item.id() + ": " + item.error().type() + " " + item.error().reason();
                            if (item.status() == 429 || item.status() >= 500) {
                                retry.add(pending.get(i));
                            } else {
                                throw new IOException("Elasticsearch refused document " + lastError);
                            }
                        }
                    }
                } catch (IOException | ElasticsearchException e) {
                    if (e.getMessage() != null && e.getMessage().startsWith("Elasticsearch refused")) {
                        throw e;
                    }
                    lastError = e.toString();
                    retry = pending;
                }
                if (retry.isEmpty()) {
                    return;
                }
                if (attempt >= 8) {
                    throw new IOException("Elasticsearch bulk failed after " + attempt + " attempts: " + lastError);
                }
                LOG.warn("Elasticsearch bulk: {} documents to retry ({}), waiting {} ms", retry.size(), lastError, backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
                pending = retry;
            }
        }

        @Override
        public void close() throws Exception {
            es.close();
        }
    }

    /**
     * Get, merge, and index with {@code if_seq_no}/{@code if_primary_term}: the pipeline's fields are
     * refreshed, fields it does not own (officers' notes, decisions) are kept, and a status other than
     * draft (an officer's decision) is never set back. A conflict re-reads and tries again.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void writeMerged(ElasticsearchClient es, EsDoc d) throws IOException {
        for (int attempt = 1; ; attempt++) {
            GetResponse<Map> existing = es.get(g -> g.index(d.index()).id(d.id()), Map.class);
            Map<String, Object> merged = new HashMap<>();
            if (existing.found() && existing.source() != null) {
                merged.putAll(existing.source());
            }
            Object decided = merged.get("status");
            merged.putAll(d.source());
            if (decided != null && !CaseRecord.STATUS_DRAFT.equals(decided)) {
                merged.put("status", decided);
            }
            merged.put("updated_at", System.currentTimeMillis());
            try {
                if (existing.found()) {
                    es.index(i -> i.index(d.index()).id(d.id()).document(merged)
                            .ifSeqNo(existing.seqNo()).ifPrimaryTerm(existing.primaryTerm()));
                } else {
                    es.index(i -> i.index(d.index()).id(d.id()).document(merged)
                            .opType(co.elastic.clients.elasticsearch._types.OpType.Create));
                }
                return;
            } catch (ElasticsearchException e) {
                if (e.status() != 409 || attempt >= 10) {
                    throw new IOException("could not write " + d.index() + "/" + d.id() + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
