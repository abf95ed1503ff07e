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
import java.util.ArrayDeque;
import java.util.Collection;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.nce.pipeline.io.RetryPolicy;
import org.apache.flink.metrics.Counter;
import org.nce.pipeline.cases.CaseMerge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An idempotent Elasticsearch sink: every document has a deterministic id, and the first write of
 * an id stands. Alerts, evidence records and dead letters are facts: they are written with
 * {@code op_type=create}, and a replay's second write (409, the document exists) counts as done
 * ({@code documentsAlreadyWritten}), so a replay neither duplicates them nor rewrites their first
 * record (its {@code stored_at}, its hash) nor clobbers what the console added to them (an
 * operator's review). Cases, which officers edit, are read-modify-written ({@link EsDoc#officerOwned}).
 *
 * <p><b>A checkpoint never waits on Elasticsearch.</b> The task thread only queues documents; one
 * sender thread per writer writes them in bulk, in order, as they come. At a checkpoint the writer
 * puts every document not yet confirmed by Elasticsearch (queued, or in the batch being sent) into
 * its checkpointed state, and a restore sends them again: at-least-once end to end, and the
 * checkpoint's duration does not depend on the index's latency. The queue is bounded
 * ({@code maxQueued}); when it is full the task thread waits (backpressure reaches the MQTT source,
 * whose broker keeps the messages). {@code documentsPending} shows the backlog.
 *
 * <p>Transient failures (429, 5xx, connection) are retried with the {@link RetryPolicy} back-off
 * and never given up on while the job runs: an Elasticsearch outage becomes a backlog, not a job
 * restart. A document Elasticsearch refuses as such (a 4xx: a mapping it does not fit, a value too
 * large) is one bad record, not an outage: it becomes a dead letter in {@code nce-deadletter} with
 * the refusal as its reason and is counted ({@code documentsRefused}), and the sink goes on, so one
 * device's bad value never stalls every site.
 */
public final class EsSink<T> implements Sink<T>, SupportsWriterState<T, EsDoc> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EsSink.class);
    static final RetryPolicy RETRY = RetryPolicy.STORES;

    /** Maps an element to the documents it writes. */
    @FunctionalInterface
    public interface Documents<T> extends Serializable {
        List<EsDoc> of(T element);
    }

    private final String url;
    private final Documents<T> documents;
    private final int maxBatch;
    private final int maxQueued;

    public EsSink(String url, Documents<T> documents) {
        this(url, documents, 500, 10_000);
    }

    public EsSink(String url, Documents<T> documents, int maxBatch, int maxQueued) {
        this.url = url;
        this.documents = documents;
        this.maxBatch = maxBatch;
        this.maxQueued = maxQueued;
    }

    @Override
    public Writer<T> createWriter(WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    @Override
    public Writer<T> restoreWriter(WriterInitContext context, Collection<EsDoc> unconfirmed) {
        Writer<T> w = new Writer<>(Es.connect(url), documents, maxBatch, maxQueued,
                context.metricGroup().counter("documentsIndexed"), context.metricGroup().counter("documentsRefused"),
                context.metricGroup().counter("documentsAlreadyWritten"), "es-sender-" + context.getTaskInfo().getTaskNameWithSubtasks(), unconfirmed);
        context.metricGroup().gauge("documentsPending", w::pending);
        return w;
    }

    @Override
    public SimpleVersionedSerializer<EsDoc> getWriterStateSerializer() {
        return new EsDocSerializer();
    }

    /** Unconfirmed documents in a checkpoint: index, id, the officer flag and the source as JSON. */
    static final class EsDocSerializer implements SimpleVersionedSerializer<EsDoc> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(EsDoc d) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            out.writeUTF(d.index());
            out.writeUTF(d.id());
            out.writeBoolean(d.officerOwned());
            byte[] json = Es.MAPPER.writeValueAsBytes(d.source());
            out.writeInt(json.length);
            out.write(json);
            return out.getCopyOfBuffer();
        }

        @Override
        @SuppressWarnings("unchecked")
        public EsDoc deserialize(int version, byte[] bytes) throws IOException {
            if (version != 1) {
                throw new IOException("unknown EsDoc state version " + version + ", this build reads 1");
            }
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            String index = in.readUTF();
            String id = in.readUTF();
            boolean officer = in.readBoolean();
            byte[] json = new byte[in.readInt()];
            in.readFully(json);
            return new EsDoc(index, id, Es.MAPPER.readValue(json, Map.class), officer);
        }
    }

    static final class Writer<T> implements StatefulSinkWriter<T, EsDoc> {
        private final Es.Handle es;
        private final Documents<T> documents;
        private final int maxBatch;
        private final int maxQueued;
        private final Counter indexed;
        private final Counter refused;
        private final Counter alreadyWritten;
        private final Object lock = new Object();
        private final ArrayDeque<EsDoc> queue = new ArrayDeque<>();
        /** The batch the sender has taken and not yet confirmed: still owed to Elasticsearch. */
        private List<EsDoc> sending = List.of();
        private volatile boolean running = true;
        private volatile Throwable failure;
        private final Thread sender;
        /** Touched by the sender thread only. */
        private final LastWritten lastWritten = new LastWritten(1000);

        Writer(Es.Handle es, Documents<T> documents, int maxBatch, int maxQueued, Counter indexed, Counter refused,
               Counter alreadyWritten, String threadName, Collection<EsDoc> unconfirmed) {
            this.es = es;
            this.documents = documents;
            this.maxBatch = maxBatch;
            this.maxQueued = maxQueued;
            this.indexed = indexed;
            this.refused = refused;
            this.alreadyWritten = alreadyWritten;
            queue.addAll(unconfirmed);
            sender = new Thread(this::sendLoop, threadName);
            sender.setDaemon(true);
            sender.start();
        }

        int pending() {
            synchronized (lock) {
                return queue.size() + sending.size();
            }
        }

        private void checkFailure() throws IOException {
            Throwable f = failure;
            if (f != null) {
                throw new IOException("Elasticsearch sink failed: " + f, f);
            }
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            List<EsDoc> docs = documents.of(element);
            synchronized (lock) {
                while (queue.size() >= maxQueued) {
                    checkFailure();
                    lock.wait(100); // backpressure: the sender is behind (Elasticsearch slow or away)
                }
                queue.addAll(docs);
                lock.notifyAll();
            }
            checkFailure();
        }

        /** Waits only at the end of input; a checkpoint snapshots what is unconfirmed instead. */
        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            checkFailure();
            if (endOfInput) {
                synchronized (lock) {
                    while (!queue.isEmpty() || !sending.isEmpty()) {
                        checkFailure();
                        lock.wait(100);
                    }
                }
            }
        }

        @Override
        public List<EsDoc> snapshotState(long checkpointId) {
            synchronized (lock) {
                List<EsDoc> owed = new ArrayList<>(sending);
                owed.addAll(queue);
                return owed;
            }
        }

        private void sendLoop() {
            try {
                while (running) {
                    List<EsDoc> batch = new ArrayList<>();
                    synchronized (lock) {
                        while (running && queue.isEmpty()) {
                            lock.wait(200);
                        }
                        while (!queue.isEmpty() && batch.size() < maxBatch) {
                            batch.add(queue.poll());
                        }
                        sending = batch;
                        lock.notifyAll();
                    }
                    if (!batch.isEmpty()) {
                        send(batch);
                    }
                    synchronized (lock) {
                        sending = List.of();
                        lock.notifyAll();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                LOG.error("Elasticsearch sink stopped: {}", t.toString(), t);
                failure = t;
            }
        }

        private void send(List<EsDoc> batch) throws InterruptedException, IOException {
            List<EsDoc> plain = new ArrayList<>();
            List<EsDoc> refusedDocs = new ArrayList<>();
            List<EsDoc> notices = new ArrayList<>(); // dead letters of what went elsewhere, not lost: not counted as refused
            for (EsDoc d : coalesced(batch)) {
                if (d.officerOwned()) {
                    if (!plain.isEmpty()) { // keep the order of a case's updates relative to the rest
                        refusedDocs.addAll(bulk(plain, true));
                        plain = new ArrayList<>();
                    }
                    try {
                        CaseWrite[] w = new CaseWrite[1];
                        untilDone("write " + d.index() + "/" + d.id(), () -> w[0] = writeCase(es.client(), d, lastWritten));
                        indexed.inc();
                        for (String alert : w[0].refused()) {
                            // The officer moved the case on before this alert's write: it is not added there.
                            // The alert id as the payload, not the case: each later version of the case brings the
                            // alert again, and the same dead letter (same id) is then written once.
                            boolean lost = w[0].refusedAgain().contains(alert);
                            (lost ? refusedDocs : notices).add(deadLetter(d.index(), alert.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                    "cases", "case " + d.id() + " left draft before alert " + alert
                                    + " was written to it: not added there; draft case " + w[0].caseForRefused()
                                    + (lost ? " was refused too (the alert stays in nce-alerts for review)" : " holds it")));
                        }
                    } catch (Refused r) {
                        refusedDocs.add(deadLetter(d, r.getMessage()));
                    }
                } else {
                    plain.add(d);
                }
            }
            refusedDocs.addAll(bulk(plain, true));
            for (EsDoc d : bulk(notices, false)) {
                LOG.error("Elasticsearch refused a dead letter: {}", d.source().get("reason"));
            }
            if (!refusedDocs.isEmpty()) {
                refused.inc(refusedDocs.size());
                // The dead letters of refused documents: if Elasticsearch refuses those too, log and go on.
                for (EsDoc d : bulk(refusedDocs, false)) {
                    LOG.error("Elasticsearch refused the dead letter of a refused document too: {}", d.source().get("reason"));
                }
            }
        }

        /**
         * A case written several times in one batch (its alert raised, then its evidence; a busy subject's
         * alerts) is written once, as the union of its versions (the case policy of {@link CaseMerge}),
         * in the place of its last: each write of an officer-owned document is a get and an index, and
         * one per version made a busy case's updates queue up for seconds.
         */
        static List<EsDoc> coalesced(List<EsDoc> batch) {
            Map<String, Integer> last = new HashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i).officerOwned()) {
                    last.put(batch.get(i).index() + "\u0000" + batch.get(i).id(), i);
                }
            }
            if (last.size() == batch.stream().filter(EsDoc::officerOwned).count()
                    // The job writes draft versions only; anything else is written as it came.
                    || batch.stream().anyMatch(d -> d.officerOwned() && !org.nce.model.CaseRecord.STATUS_DRAFT.equals(d.source().get("status")))) {
                return batch;
            }
            Map<String, Map<String, Object>> union = new HashMap<>();
            List<EsDoc> out = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                EsDoc d = batch.get(i);
                if (!d.officerOwned()) {
                    out.add(d);
                    continue;
                }
                String k = d.index() + "\u0000" + d.id();
                Map<String, Object> u = union.get(k);
                u = u == null ? d.source() : CaseMerge.merge(u, d.source()).document();
                if (last.get(k) == i) {
                    out.add(new EsDoc(d.index(), d.id(), u, true));
                } else {
                    union.put(k, u);
                }
            }
            return out;
        }

        interface Step {
            void run() throws IOException;
        }

        /** Retries a transient failure for as long as the job runs: an outage is a backlog, not a loss. */
        private void untilDone(String what, Step step) throws IOException, InterruptedException {
            for (int round = 1; running; round++) {
                try {
                    step.run();
                    return;
                } catch (Refused r) {
                    throw r;
                } catch (IOException e) {
                    long wait = RETRY.maxBackoffMs();
                    LOG.warn("Elasticsearch: {} still failing after {} rounds of retries ({}); documents wait in the "
                            + "checkpointed queue, retrying in {} ms", what, round, e.toString(), wait);
                    Thread.sleep(wait);
                }
            }
            throw new InterruptedException("sink closed while " + what + " was pending");
        }

        /** A refused document as a dead letter: stage {@code index}, its index and id in the reason, its JSON as the payload. */
        static EsDoc deadLetter(EsDoc d, String reason) {
            return deadLetter(d, "index", "Elasticsearch refused " + d.index() + "/" + cut(d.id()) + ": " + reason);
        }

        static EsDoc deadLetter(EsDoc d, String stage, String reason) {
            byte[] json;
            try {
                json = Es.MAPPER.writeValueAsBytes(d.source());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                json = String.valueOf(d.source()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            return deadLetter(d.index(), json, stage, reason);
        }

        static EsDoc deadLetter(String index, byte[] payload, String stage, String reason) {
            org.nce.model.DeadLetter dl = org.nce.pipeline.ingest.DeadLetters.of(stage, reason, index, payload);
            LOG.warn("{}", dl.reason());
            return new EsDoc(Es.DEADLETTER, org.nce.pipeline.ingest.DeadLetters.id(dl), Es.toSource(dl), false);
        }

        private static String cut(String s) {
            return s.length() <= 200 ? s : s.substring(0, 200) + "…";
        }

        /**
         * Indexes the documents, retrying transient failures until they go through; returns the
         * documents refused as such (as dead letters when {@code asDeadLetters}, else themselves).
         */
        private List<EsDoc> bulk(List<EsDoc> docs, boolean asDeadLetters) throws IOException, InterruptedException {
            List<EsDoc> refusedDocs = new ArrayList<>();
            List<EsDoc> pending = docs;
            for (int attempt = 1; !pending.isEmpty() && running; attempt++) {
                List<BulkOperation> ops = new ArrayList<>();
                for (EsDoc d : pending) {
                    ops.add(BulkOperation.of(o -> o.create(c -> c.index(d.index()).id(d.id()).document(d.source()))));
                }
                List<EsDoc> retry = new ArrayList<>();
                String lastError = null;
                try {
                    BulkResponse r = es.client().bulk(b -> b.operations(ops));
                    int failed = 0;
                    int again = 0;
                    if (r.errors()) {
                        for (int i = 0; i < r.items().size(); i++) {
                            BulkResponseItem item = r.items().get(i);
                            if (item.error() == null) {
                                continue;
                            }
                            if (item.status() == 409) {
                                // The id was written before (a replay): the first write stands.
                                alreadyWritten.inc();
                                again++;
                                continue;
                            }
                            failed++;
                            lastError = item.index() + "/" + item.id() + ": " + item.error().type() + " " + item.error().reason();
                            if (item.status() == 429 || item.status() >= 500) {
                                retry.add(pending.get(i));
                            } else {
                                String why = item.status() + " " + item.error().type() + ": " + item.error().reason();
                                refusedDocs.add(asDeadLetters ? deadLetter(pending.get(i), why) : pending.get(i));
                            }
                        }
                    }
                    if (asDeadLetters) {
                        indexed.inc(pending.size() - failed - again);
                    }
                } catch (IOException | ElasticsearchException e) {
                    lastError = e.toString();
                    retry = pending;
                }
                if (retry.isEmpty()) {
                    return refusedDocs;
                }
                long backoff = RETRY.backoffMs(Math.min(attempt, RETRY.attempts()));
                LOG.warn("Elasticsearch bulk: {} documents to retry ({}), attempt {}, waiting {} ms", retry.size(),
                        lastError, attempt, backoff);
                Thread.sleep(backoff);
                pending = retry;
            }
            if (!pending.isEmpty()) {
                throw new InterruptedException("sink closed with " + pending.size() + " documents pending");
            }
            return refusedDocs;
        }

        @Override
        public void close() throws Exception {
            running = false;
            sender.interrupt();
            sender.join(10_000);
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

    /** What writing a case did: the alerts it refused, and the draft case written for them ({@link CaseMerge#caseForRefused}). */
    record CaseWrite(List<String> refused, String caseForRefused, List<String> refusedAgain) {
    }

    /**
     * {@link #writeMerged} the case; alerts it refused (it left draft meanwhile) go to a draft case of
     * their own, so that none is in no case.
     */
    static CaseWrite writeCase(ElasticsearchClient es, EsDoc d, LastWritten known) throws IOException {
        List<String> refused = writeMerged(es, d, known);
        if (refused.isEmpty()) {
            return new CaseWrite(refused, null, List.of());
        }
        Map<String, Object> c = CaseMerge.caseForRefused(d.id(), d.source(), refused);
        EsDoc forRefused = new EsDoc(d.index(), c.get("id").toString(), c, true);
        try {
            return new CaseWrite(refused, forRefused.id(), writeMerged(es, forRefused, known));
        } catch (Refused r) {
            LOG.error("Elasticsearch refused the draft case {} for alerts {} refused by case {}: {}", forRefused.id(), refused,
                    d.id(), r.getMessage());
            return new CaseWrite(refused, forRefused.id(), refused);
        }
    }

    /**
     * Get, merge, and index with {@code if_seq_no}/{@code if_primary_term}: the pipeline's fields are
     * refreshed, fields it does not own (officers' notes, decisions) are kept, and a status other than
     * draft (an officer's decision) is never set back. A conflict re-reads and tries again.
     */
    static List<String> writeMerged(ElasticsearchClient es, EsDoc d) throws IOException {
        return writeMerged(es, d, null);
    }

    /** As {@link #writeMerged(ElasticsearchClient, EsDoc)}, starting from the version this writer wrote last, when it knows it. */
    static List<String> writeMerged(ElasticsearchClient es, EsDoc d, LastWritten known) throws IOException {
        List<String> refusedAlerts = new ArrayList<>();
        try {
            RETRY.call("Elasticsearch: write " + d.index() + "/" + d.id(), () -> {
                mergeOnce(es, d, refusedAlerts, known);
                return null;
            }, EsSink::classify, LOG);
            return refusedAlerts;
        } catch (RetryPolicy.Refused e) {
            throw new Refused(e.getMessage());
        }
    }

    /**
     * The version of each case this writer wrote last (source, seq_no, primary term), for the next
     * write to start from instead of a get. A real-time get of a document written since the last
     * refresh makes the shard refresh first: one per case update, and a busy case's updates queued
     * for seconds. If anyone else wrote the case since (an officer), the conditional index fails with
     * a conflict and the write starts again from a get. Bounded; not state (a restarted job reads).
     */
    static final class LastWritten {
        record Version(Map<String, Object> source, long seqNo, long primaryTerm) {
        }

        private final Map<String, Version> byKey;

        LastWritten(int capacity) {
            this.byKey = new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Version> eldest) {
                    return size() > capacity;
                }
            };
        }

        Version get(EsDoc d) {
            return byKey.get(d.index() + "/" + d.id());
        }

        void put(EsDoc d, Version v) {
            byKey.put(d.index() + "/" + d.id(), v);
        }

        void forget(EsDoc d) {
            byKey.remove(d.index() + "/" + d.id());
        }
    }

    /** 4xx (but a conflict, 408 or 429) refuses the document as such; everything else is transient. */
    static RetryPolicy.Verdict classify(Exception e) {
        if (e instanceof ElasticsearchException ee && ee.status() >= 400 && ee.status() < 500
                && ee.status() != 409 && ee.status() != 408 && ee.status() != 429) {
            return RetryPolicy.Verdict.REFUSED;
        }
        return RetryPolicy.Verdict.RETRY;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void mergeOnce(ElasticsearchClient es, EsDoc d, List<String> refusedAlerts, LastWritten known) throws IOException {
        for (int attempt = 1; ; attempt++) {
            LastWritten.Version last = known == null || attempt > 1 ? null : known.get(d);
            Map<String, Object> stored;
            Long seqNo = null;
            Long primaryTerm = null;
            if (last != null) {
                stored = last.source();
                seqNo = last.seqNo();
                primaryTerm = last.primaryTerm();
            } else {
                GetResponse<Map> existing = es.get(g -> g.index(d.index()).id(d.id()), Map.class);
                stored = existing.found() ? existing.source() : null;
                if (existing.found()) {
                    seqNo = existing.seqNo();
                    primaryTerm = existing.primaryTerm();
                }
            }
            CaseMerge.Result r = CaseMerge.merge(stored, d.source());
            Map<String, Object> merged = r.document();
            refusedAlerts.clear();
            refusedAlerts.addAll(r.refusedAlerts());
            merged.put("updated_at", System.currentTimeMillis());
            try {
                co.elastic.clients.elasticsearch.core.IndexResponse written;
                if (seqNo != null) {
                    long s = seqNo;
                    long t = primaryTerm;
                    written = es.index(i -> i.index(d.index()).id(d.id()).document(merged).ifSeqNo(s).ifPrimaryTerm(t));
                } else {
                    written = es.index(i -> i.index(d.index()).id(d.id()).document(merged)
                            .opType(co.elastic.clients.elasticsearch._types.OpType.Create));
                }
                if (known != null) {
                    known.put(d, new LastWritten.Version(merged, written.seqNo(), written.primaryTerm()));
                }
                return;
            } catch (ElasticsearchException | IOException e) {
                if (known != null) {
                    known.forget(d); // whatever failed, the next try starts from a get
                }
                // A conflict is an officer's concurrent edit (or a version this writer did not write):
                // read it again and merge onto it. (The client reports some conflicts as an IOException:
                // the retry policy calls this again, which reads again.)
                if (!(e instanceof ElasticsearchException ee) || ee.status() != 409 || attempt >= 10) {
                    throw e;
                }
            }
        }
    }
}
