package org.nce.console.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.GetResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.nce.console.hearing.Canonical;
import org.nce.console.web.ApiException;
import org.nce.model.StoreLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Who saw or changed what, in {@code nce-audit}. The console only ever creates entries (op_type
 * create): it never updates or deletes one. An action whose entry cannot be written fails with it:
 * nobody sees evidence unrecorded.
 *
 * <p>The entries of a case are a hash chain, its custody log: entry {@code n} has the id
 * {@code <case>#<n>}, carries {@code seq} n, the {@code prev} hash of entry n-1 (zeros for the
 * first) and its own {@code hash} (SHA-256 of its canonical JSON, {@link Canonical}). Appending is
 * a create-only write of the next id: two consoles racing for one place both cannot win, the loser
 * reads the winner's entry and takes the next place. A deleted or edited entry breaks the chain
 * where it was, and the hearing package's verifier names that place.
 */
@Component
public class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private final ElasticsearchClient es;
    /** Where each case's chain ended at this console's last append: the next one is a single create (a miss walks on). */
    private final Map<String, Head> heads = new java.util.concurrent.ConcurrentHashMap<>();

    private record Head(long seq, String hash) {
    }

    public AuditLog(ElasticsearchClient es) {
        this.es = es;
    }

    /**
     * @param action  evidence_view, evidence_download, alert_claim, alert_review, case_status, login, integrity_failure…
     * @param target  the alert id, case id or evidence key
     * @param result  ok, refused, mismatch…
     */
    public void record(String actor, String action, String target, String result, String detail, String caseId) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("at", System.currentTimeMillis());
        doc.put("actor", actor);
        doc.put("action", action);
        doc.put("target", target);
        doc.put("result", result);
        if (detail != null) {
            doc.put("detail", detail);
        }
        try {
            if (caseId == null) {
                es.create(c -> c.index(StoreLayout.AUDIT).id(UUID.randomUUID().toString()).document(doc));
            } else {
                doc.put("case_id", caseId);
                append(caseId, doc);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("audit entry {} {} {} by {} could not be written: {}", action, target, result, actor, e.toString());
            throw ApiException.unavailable("the audit log cannot be written just now, so the action was not done; try again");
        }
    }

    /** Appends {@code doc} at the end of the case's chain (the next free place, create-only). */
    private void append(String caseId, Map<String, Object> doc) throws IOException {
        Head known = heads.get(caseId);
        long seq = known != null ? known.seq() : lastSeq(caseId);
        String prev = known != null ? known.hash() : seq == 0 ? Canonical.GENESIS : hashAt(caseId, seq);
        for (int attempt = 0; attempt < 100; attempt++) {
            long next = seq + 1;
            doc.put("seq", next);
            doc.put("prev", prev);
            doc.put("hash", Canonical.entryHash(doc));
            try {
                es.create(c -> c.index(StoreLayout.AUDIT).id(caseId + "#" + next).document(doc));
                Head mine = new Head(next, (String) doc.get("hash"));
                heads.merge(caseId, mine, (a, b) -> a.seq() >= b.seq() ? a : b);
                return;
            } catch (RuntimeException | IOException e) {
                // The client reports a lost race as an ElasticsearchException or, on this call, as the REST
                // client's ResponseException (an IOException) with the 409 (seen with two consoles): both mean
                // "taken", nothing else does.
                if (!Docs.versionConflict(e)) {
                    throw e;
                }
            }
            // Another console took this place: its entry is the new end of the chain.
            seq = next;
            prev = hashAt(caseId, next);
        }
        throw ApiException.unavailable("the custody log of " + caseId + " is contended; try again");
    }

    /** The hash of entry {@code seq} of the chain (read in real time, so one just written is seen). */
    @SuppressWarnings("rawtypes")
    private String hashAt(String caseId, long seq) throws IOException {
        GetResponse<Map> g = es.get(x -> x.index(StoreLayout.AUDIT).id(caseId + "#" + seq).realtime(true), Map.class);
        if (!g.found() || g.source() == null || !(g.source().get("hash") instanceof String h)) {
            throw new IOException("custody entry " + caseId + "#" + seq + " is missing or has no hash");
        }
        return h;
    }

    /**
     * Where the chain ends: the highest seq a search sees, then walked forward with real-time reads
     * (a search may not see the latest writes yet).
     */
    @SuppressWarnings("rawtypes")
    private long lastSeq(String caseId) throws IOException {
        long seq = 0;
        try {
            var r = es.search(s -> s.index(StoreLayout.AUDIT).size(1).query(q -> q.bool(b -> b
                            .filter(f -> f.term(t -> t.field("case_id").value(caseId))).filter(f -> f.exists(x -> x.field("seq")))))
                    .sort(o -> o.field(f -> f.field("seq").order(SortOrder.Desc)
                            .unmappedType(co.elastic.clients.elasticsearch._types.mapping.FieldType.Long))), Map.class);
            if (!r.hits().hits().isEmpty() && r.hits().hits().get(0).source().get("seq") instanceof Number n) {
                seq = n.longValue();
            }
        } catch (ElasticsearchException e) {
            // A fresh index without any seq yet (the sort field is unmapped): the chain starts at 1.
            if (!Docs.missingIndex(e) && e.status() != 400) {
                throw e;
            }
        }
        while (true) {
            String nextId = caseId + "#" + (seq + 1);
            if (!es.exists(x -> x.index(StoreLayout.AUDIT).id(nextId).realtime(true)).value()) {
                return seq;
            }
            seq++;
        }
    }

    /** A case's custody log: its chained entries by seq, then any written before the chain (no seq), oldest first. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public List<Map<String, Object>> chainOf(String caseId) {
        return Docs.read(() -> {
            es.indices().refresh(r -> r.index(StoreLayout.AUDIT));
            var r = es.search(s -> s.index(StoreLayout.AUDIT).size(10_000)
                    .query(q -> q.term(t -> t.field("case_id").value(caseId)))
                    .sort(o -> o.field(f -> f.field("at").order(SortOrder.Asc)
                            .unmappedType(co.elastic.clients.elasticsearch._types.mapping.FieldType.Long))), Map.class);
            List<Map<String, Object>> chained = new ArrayList<>();
            List<Map<String, Object>> before = new ArrayList<>();
            for (var h : r.hits().hits()) {
                Map<String, Object> e = new LinkedHashMap<>((Map<String, Object>) h.source());
                (e.get("seq") instanceof Number ? chained : before).add(e);
            }
            chained.sort(java.util.Comparator.comparingLong(e -> ((Number) e.get("seq")).longValue()));
            chained.addAll(before);
            return chained;
        }, List.of());
    }
}
