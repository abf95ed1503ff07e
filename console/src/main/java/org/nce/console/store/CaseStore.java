package org.nce.console.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.TextQueryType;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.JsonData;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.nce.console.web.ApiException;
import org.nce.model.StoreLayout;
import org.springframework.stereotype.Component;

/**
 * Cases in {@code nce-cases}. The pipeline opens and extends drafts (read-modify-write with
 * {@code if_seq_no}); officers move them on here, conditionally too, so neither side ever
 * overwrites the other and two officers never silently overwrite each other: a stale version is a
 * 409 with a message to reload. Search text goes into a {@code multi_match} as a value, never as
 * query syntax.
 */
@Component
public class CaseStore {
    private static final List<String> TEXT_FIELDS = List.of("summary", "legal_basis", "id", "subject", "site_id", "alert_ids",
            "notes.text");
    private final ElasticsearchClient es;
    private final Clock clock;
    private final ConsoleFields fields;

    public record Search(String text, String type, String site, String subject, String status, Long from, Long to) {
    }

    public record Page(long total, List<Map<String, Object>> items) {
    }

    public CaseStore(ElasticsearchClient es, Clock clock, ConsoleFields fields) {
        this.es = es;
        this.fields = fields;
        this.clock = clock;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    public Page search(Search q, int page, int size) {
        List<co.elastic.clients.elasticsearch._types.query_dsl.Query> filters = new ArrayList<>();
        term(filters, "type", q.type());
        term(filters, "site_id", q.site());
        term(filters, "subject", q.subject());
        term(filters, "status", q.status());
        if (q.from() != null || q.to() != null) {
            filters.add(co.elastic.clients.elasticsearch._types.query_dsl.Query.of(x -> x.range(r -> r.untyped(u -> {
                u.field("opened_at");
                if (q.from() != null) {
                    u.gte(JsonData.of(q.from()));
                }
                if (q.to() != null) {
                    u.lt(JsonData.of(q.to()));
                }
                return u;
            }))));
        }
        return Docs.read(() -> {
            SearchResponse<Map> r = es.search(s -> {
                s.index(StoreLayout.CASES).from(page * size).size(size).trackTotalHits(t -> t.enabled(true));
                s.query(x -> x.bool(b -> {
                    b.filter(filters);
                    if (q.text() != null) {
                        b.must(m -> m.multiMatch(mm -> mm.query(q.text()).fields(TEXT_FIELDS).lenient(true)
                                .type(TextQueryType.BestFields)));
                    }
                    return b;
                }));
                return s.sort(o -> o.field(f -> f.field("opened_at").order(SortOrder.Desc)))
                        .sort(o -> o.field(f -> f.field("id").order(SortOrder.Asc)));
            }, Map.class);
            List<Map<String, Object>> items = new ArrayList<>();
            for (Hit<Map> h : r.hits().hits()) {
                items.add(summary(h.source()));
            }
            return new Page(r.hits().total() == null ? items.size() : r.hits().total().value(), items);
        }, new Page(0, List.of()));
    }

    public Optional<Docs> get(String id) {
        return Docs.get(es, StoreLayout.CASES, id);
    }

    /** The cases that list an alert (normally one). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public List<Docs> casesOf(String alertId) {
        return Docs.read(() -> {
            SearchResponse<Map> r = es.search(s -> s.index(StoreLayout.CASES).size(10).seqNoPrimaryTerm(true)
                    .query(x -> x.term(t -> t.field("alert_ids").value(alertId))), Map.class);
            List<Docs> out = new ArrayList<>();
            for (Hit<Map> h : r.hits().hits()) {
                out.add(new Docs(h.id(), new LinkedHashMap<>(h.source()), h.seqNo(), h.primaryTerm()));
            }
            return out;
        }, List.of());
    }

    /**
     * Moves a case to {@code to}, if the workflow allows it from where it is, to one of {@code roles},
     * on what its alerts' reviews show, and (when given) only if it is still at {@code expectedVersion}.
     * Returns the case as written.
     *
     * @param reviewStatuses the review status (pending, confirmed, dismissed) of each alert id given
     */
    public Docs transition(String id, String to, String note, String user, Set<String> roles, String expectedVersion,
                           java.util.function.Function<List<String>, List<String>> reviewStatuses) {
        if (to.equals("decided")) {
            throw ApiException.conflict("decision_needed", "a case is decided with POST /api/cases/" + id + "/decision (kind, amount or "
                    + "lenient rule), which checks it against the catalogue and the lenient list");
        }
        Docs doc = movable(id, to, roles, expectedVersion, reviewStatuses);
        if (to.equals("served") && !(doc.source().get("documents") instanceof List<?> l && !l.isEmpty())) {
            throw ApiException.conflict("documents_needed", "a case is served with its documents: generate them first (POST /api/cases/"
                    + id + "/documents)");
        }
        return conditional(doc, statusChange(doc, to, note, user));
    }

    /**
     * The case, read, if it may move to {@code to}: still at {@code expectedVersion} (when given), the
     * workflow allowing the step from where it is, to one of {@code roles}, on what its alerts' reviews
     * show. Else the refusal, as a 409 or 403 with the reason.
     */
    public Docs movable(String id, String to, Set<String> roles, String expectedVersion,
                        java.util.function.Function<List<String>, List<String>> reviewStatuses) {
        Docs doc = get(id).orElseThrow(() -> ApiException.notFound("no case " + id));
        if (expectedVersion != null && !expectedVersion.equals(doc.version())) {
            throw ApiException.conflict("case_changed", "case " + id + " was changed since you opened it (by another user or by "
                    + "the pipeline adding an alert); reload it and try again");
        }
        String from = String.valueOf(doc.source().getOrDefault("status", "draft"));
        CaseWorkflow.Step step = CaseWorkflow.step(from, to);
        if (step == null) {
            throw ApiException.conflict("bad_transition", "a case in status " + from + " cannot move to " + to
                    + "; allowed next: " + CaseWorkflow.next(from, Set.of("OFFICER", "LEGAL")));
        }
        if (step.roles().stream().noneMatch(roles::contains)) {
            throw ApiException.forbidden("role", "moving a case from " + from + " to " + to + " needs the role "
                    + String.join(" or ", step.roles().stream().map(String::toLowerCase).sorted().toList()));
        }
        String refused = CaseWorkflow.refusal(to, reviewStatuses.apply(alertIds(doc.source())));
        if (refused != null) {
            throw ApiException.conflict("alerts_not_reviewed", refused);
        }
        return doc;
    }

    /**
     * A change worked out from the case as it is, written conditionally; when the case changed in
     * between (another user, the pipeline adding an alert) it is read again and the change worked out
     * again, a few times, rather than failing. {@code change} returns null when there is nothing to
     * write (any more); then the case as read is returned.
     */
    public Docs update(String id, java.util.function.Function<Docs, Map<String, Object>> change) {
        for (int attempt = 1; ; attempt++) {
            Docs doc = get(id).orElseThrow(() -> ApiException.notFound("no case " + id));
            Map<String, Object> partial = change.apply(doc);
            if (partial == null) {
                return doc;
            }
            try {
                return conditional(doc, partial);
            } catch (ApiException e) {
                if (!e.code().equals("case_changed") || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** Adds a note (who, when, what) to the case. */
    @SuppressWarnings("unchecked")
    public Docs addNote(String id, String text, String user) {
        return update(id, doc -> {
            List<Object> notes = new ArrayList<>(doc.source().get("notes") instanceof List<?> l ? (List<Object>) l : List.of());
            notes.add(Map.of("text", text, "by", user, "at", clock.millis()));
            return Map.of("notes", notes, "updated_at", clock.millis());
        });
    }

    /** Adds an alert to the case's confirmed list (the alert stands; the case is ready for an officer). */
    public void markConfirmed(String id, String alertId) {
        update(id, doc -> {
            List<String> confirmed = new ArrayList<>(strings(doc.source().get("confirmed_alert_ids")));
            if (confirmed.contains(alertId)) {
                return null;
            }
            confirmed.add(alertId);
            return Map.of("confirmed_alert_ids", confirmed, "updated_at", clock.millis());
        });
    }

    /** The status change {@code from → to} by {@code user} as the fields to write. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> statusChange(Docs doc, String to, String note, String user) {
        long now = clock.millis();
        List<Object> history = new ArrayList<>(doc.source().get("status_history") instanceof List<?> l ? (List<Object>) l : List.of());
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("from", String.valueOf(doc.source().getOrDefault("status", "draft")));
        entry.put("to", to);
        entry.put("by", user);
        entry.put("at", now);
        if (note != null && !note.isBlank()) {
            entry.put("note", note);
        }
        history.add(entry);
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("status", to);
        change.put("status_history", history);
        change.put("updated_at", now);
        return change;
    }

    /** Writes {@code change} onto the case only if it is still at the version {@code doc} was read at (else 409 case_changed). */
    public Docs write(Docs doc, Map<String, Object> change) {
        return conditional(doc, change);
    }

    @SuppressWarnings("rawtypes")
    private Docs conditional(Docs doc, Map<String, Object> change) {
        fields.ensureCases();
        try {
            var r = es.update(u -> u.index(StoreLayout.CASES).id(doc.id()).ifSeqNo(doc.seqNo()).ifPrimaryTerm(doc.primaryTerm())
                    .doc(change).refresh(Refresh.WaitFor), Map.class);
            Map<String, Object> merged = new LinkedHashMap<>(doc.source());
            merged.putAll(change);
            return new Docs(doc.id(), merged, r.seqNo(), r.primaryTerm());
        } catch (ElasticsearchException | IOException e) {
            if (Docs.versionConflict(e)) {
                throw ApiException.conflict("case_changed", "case " + doc.id() + " was changed at the same moment (by another user "
                        + "or by the pipeline adding an alert); reload it and try again");
            }
            throw Docs.unavailable(e);
        }
    }

    private static void term(List<co.elastic.clients.elasticsearch._types.query_dsl.Query> filters, String field, String value) {
        if (value != null) {
            filters.add(co.elastic.clients.elasticsearch._types.query_dsl.Query.of(x -> x.term(t -> t.field(field).value(value))));
        }
    }

    /** A case in a list: what the table shows, not the evidence. */
    static Map<String, Object> summary(Map<String, Object> src) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : List.of("id", "type", "status", "subject", "site_id", "opened_at", "updated_at", "summary", "legal_basis")) {
            if (src.containsKey(k)) {
                out.put(k, src.get(k));
            }
        }
        out.put("alerts", strings(src.get("alert_ids")).size());
        out.put("confirmed_alerts", strings(src.get("confirmed_alert_ids")).size());
        return out;
    }

    /** The alert ids a case document lists. */
    public static List<String> alertIds(Map<String, Object> caseDoc) {
        return strings(caseDoc.get("alert_ids"));
    }

    static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            for (Object x : l) {
                out.add(String.valueOf(x));
            }
        }
        return out;
    }
}
