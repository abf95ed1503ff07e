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
 * at-least-once end to end. Transient failures (429, 5xx, connection) are retried with back-off
 * (an outage beyond the retries fails the task: Flink restarts from the checkpoint and the source
 * redelivers). A document Elasticsearch refuses as such (a 4xx: a mapping it does not fit, a value
 * too large) is one bad record, not an outage: it becomes a dead letter in {@code nce-deadletter}
 * with the refusal as its reason and is counted ({@code documentsRefused}), and the sink goes on, so
 * one device's bad value never stalls every site.
 */
public final class EsSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EsSink.class);
    static final org.nce.pipeline.io.RetryPolicy RETRY = org.nce.pipeline.io.RetryPolicy.STORES;

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
        return new Writer<>(Es.connect(url), documents, maxBuffered, context.metricGroup().counter("documentsIndexed"),
                context.metricGroup().counter("documentsRefused"));
    }

    static final class Writer<T> implements SinkWriter<T> {
        private final Es.Handle es;
        private final Documents<T> documents;
        private final int maxBuffered;
        private final Counter indexed;
        private final Counter refused;
        private final List<EsDoc> buffer = new ArrayList<>();

        Writer(Es.Handle es, Documents<T> documents, int maxBuffered, Counter indexed, Counter refused) {
            this.es = es;
            this.documents = documents;
            this.maxBuffered = maxBuffered;
            this.indexed = indexed;
            this.refused = refused;
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
            List<EsDoc> refusedDocs = new ArrayList<>();
            for (EsDoc d : buffer) {
                if (d.officerOwned()) {
                    try {
                        writeMerged(es.client(), d);
                        indexed.inc();
                    } catch (Refused r) {
                        refusedDocs.add(deadLetter(d, r.getMessage()));
                    }
                } else {
                    plain.add(d);
                }
            }
            List<EsDoc> refusedPlain = bulk(plain, true);
            indexed.inc(plain.size() - refusedPlain.size());
            refusedDocs.addAll(refusedPlain);
            if (!refusedDocs.isEmpty()) {
                refused.inc(refusedDocs.size());
                // The dead letters of refused documents: if Elasticsearch refuses those too, log and go on.
                for (EsDoc d : bulk(refusedDocs, false)) {
                    LOG.error("Elasticsearch refused the dead letter of a refused document too: {}", d.source().get("reason"));
                }
            }
            buffer.clear();
        }

        /** A refused document as a dead letter: stage {@code index}, its index and id in the reason, its JSON as the payload. */
        static EsDoc deadLetter(EsDoc d, String reason) {
            byte[] json;
            try {
                json = Es.MAPPER.writeValueAsBytes(d.source());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                json = String.valueOf(d.source()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            org.nce.model.DeadLetter dl = org.nce.pipeline.ingest.DeadLetters.of("index",
                    "Elasticsearch refused " + d.index() + "/" + cut(d.id()) + ": " + reason, d.index(), json);
            LOG.warn("{}", dl.reason());
            return new EsDoc(Es.DEADLETTER, org.nce.pipeline.ingest.DeadLetters.id(dl), Es.toSource(dl), false);
        }

        private static String cut(String s) {
            return s.length() <= 200 ? s : s.substring(0, 200) + "…";
        }

        /**
         * Indexes the documents, retrying transient failures; returns the documents refused as such
         * (as dead letters when {@code asDeadLetters}, else the refused documents themselves).
         */
        private List<EsDoc> bulk(List<EsDoc> docs, boolean asDeadLetters) throws IOException, InterruptedException {
            List<EsDoc> refusedDocs = new ArrayList<>();
            List<EsDoc> pending = docs;
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
                                String why = item.status() + " " + item.error().type() + ": " + item.error().reason();
                                refusedDocs.add(asDeadLetters ? deadLetter(pending.get(i), why) : pending.get(i));
                            }
                        }
                    }
                } catch (IOException | ElasticsearchException e) {
                    lastError = e.toString();
                    retry = pending;
                }
                if (retry.isEmpty()) {
                    return refusedDocs;
                }
                if (attempt >= RETRY.attempts()) {
                    throw new IOException("Elasticsearch bulk failed after " + attempt + " attempts: " + lastError);
                }
                long backoff = RETRY.backoffMs(attempt);
                LOG.warn("Elasticsearch bulk: {} documents to retry ({}), attempt {} of {}, waiting {} ms", retry.size(),
                        lastError, attempt, RETRY.attempts(), backoff);
                Thread.sleep(backoff);
                pending = retry;
            }
            return refusedDocs;
        }

        @Override
        public void close() throws Exception {
            es.close();
        }
    }

    /** Elasticsearch refused the document as such (a 4xx other than a conflict): a bad record, not an outage. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * Get, merge, and index with {@code if_seq_no}/{@code if_primary_term}: the pipeline's fields are
     * refreshed, fields it does not own (officers' notes, decisions) are kept, and a status other than
     * draft (an officer's decision) is never set back. A conflict re-reads and tries again.
     */
    static void writeMerged(ElasticsearchClient es, EsDoc d) throws IOException {
        try {
            RETRY.call("Elasticsearch: write " + d.index() + "/" + d.id(), () -> {
                mergeOnce(es, d);
                return null;
            }, EsSink::classify, LOG);
        } catch (org.nce.pipeline.io.RetryPolicy.Refused e) {
            throw new Refused(e.getMessage());
        }
    }

    /** 4xx (but a conflict, 408 or 429) refuses the document as such; everything else is transient. */
    static org.nce.pipeline.io.RetryPolicy.Verdict classify(Exception e) {
        if (e instanceof ElasticsearchException ee && ee.status() >= 400 && ee.status() < 500
                && ee.status() != 409 && ee.status() != 408 && ee.status() != 429) {
            return org.nce.pipeline.io.RetryPolicy.Verdict.REFUSED;
        }
        return org.nce.pipeline.io.RetryPolicy.Verdict.RETRY;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void mergeOnce(ElasticsearchClient es, EsDoc d) throws IOException {
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
                // A conflict is an officer's concurrent edit: read it again and merge onto it.
                if (e.status() != 409 || attempt >= 10) {
                    throw e;
                }
            }
        }
    }
}
