package org.nce.console.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
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
import org.nce.console.ConsoleProperties;
import org.nce.console.web.ApiException;
import org.nce.model.StoreLayout;
import org.springframework.stereotype.Component;

/**
 * The review side of {@code nce-alerts}. The pipeline writes an alert once (op_type create: a
 * replay never rewrites it); the console adds the fields it owns — {@code claim} (who has it open,
 * until when) and {@code review_status} / {@code review} (the operator's decision) — with
 * conditional updates ({@code if_seq_no}), so two operators never review the same alert and no
 * decision is silently overwritten.
 */
@Component
public class AlertStore {
    public static final List<String> STATUSES = List.of("pending", "confirmed", "dismissed");
    private final ElasticsearchClient es;
    private final ConsoleProperties props;
    private final Clock clock;
    private final ConsoleFields fields;

    public record Page(long total, List<Map<String, Object>> items) {
    }

    public AlertStore(ElasticsearchClient es, ConsoleProperties props, Clock clock, ConsoleFields fields) {
        this.es = es;
        this.fields = fields;
        this.props = props;
        this.clock = clock;
    }

    /** Alerts newest first; pending ones that another operator holds open are left out. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Page list(String status, String type, String site, int page, int size, String me) {
        long now = clock.millis();
        List<Query> filters = new ArrayList<>();
        List<Query> mustNot = new ArrayList<>();
        if (status.equals("pending")) {
            mustNot.add(Query.of(q -> q.exists(e -> e.field("review_status"))));
            filters.add(Query.of(q -> q.bool(b -> b.minimumShouldMatch("1")
                    .should(s -> s.bool(n -> n.mustNot(m -> m.exists(e -> e.field("claim.by")))))
                    .should(s -> s.term(t -> t.field("claim.by").value(me)))
                    .should(s -> s.range(r -> r.untyped(u -> u.field("claim.until").lt(JsonData.of(now))))))));
        } else {
            filters.add(Query.of(q -> q.term(t -> t.field("review_status").value(status))));
        }
        if (type != null) {
            filters.add(Query.of(q -> q.term(t -> t.field("type").value(type))));
        }
        if (site != null) {
            filters.add(Query.of(q -> q.term(t -> t.field("site_id").value(site))));
        }
        return Docs.read(() -> {
            SearchResponse<Map> r = es.search(s -> s.index(StoreLayout.ALERTS).from(page * size).size(size)
                    .trackTotalHits(t -> t.enabled(true))
                    .query(q -> q.bool(b -> b.filter(filters).mustNot(mustNot)))
                    .sort(o -> o.field(f -> f.field("event_time_ms").order(SortOrder.Desc)))
                    .sort(o -> o.field(f -> f.field("alert_id").order(SortOrder.Asc))), Map.class);
            List<Map<String, Object>> items = new ArrayList<>();
            for (Hit<Map> h : r.hits().hits()) {
                items.add(toApi(h.source()));
            }
            return new Page(r.hits().total() == null ? items.size() : r.hits().total().value(), items);
        }, new Page(0, List.of()));
    }

    public Optional<Map<String, Object>> get(String id) {
        return Docs.get(es, StoreLayout.ALERTS, id).map(d -> toApi(d.source()));
    }

    /** Several alerts by id (missing ones left out), in the order asked. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public List<Map<String, Object>> getAll(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return Docs.read(() -> {
            var r = es.mget(m -> m.index(StoreLayout.ALERTS).ids(ids), Map.class);
            List<Map<String, Object>> out = new ArrayList<>();
            for (var d : r.docs()) {
                if (d.isResult() && d.result().found()) {
                    out.add(toApi(d.result().source()));
                }
            }
            return out;
        }, List.of());
    }

    /*
     * A claim waits for the index refresh (up to a second, in the page's background): from its answer
     * on, no other operator's queue lists the alert. A review does not wait: its checks read the
     * document in real time, so nobody reviews an alert twice; a queue searched within that second
     * may still list it (the page leaves out what it reviewed itself; another's review is refused).
     */

    /** The review status (pending, confirmed, dismissed) of each alert id given, in order; a missing alert counts as pending. */
    public List<String> reviewStatuses(List<String> ids) {
        Map<String, String> byId = new java.util.HashMap<>();
        getAll(ids).forEach(a -> byId.put(String.valueOf(a.get("alert_id")), String.valueOf(a.get("status"))));
        return ids.stream().map(a -> byId.getOrDefault(a, "pending")).toList();
    }

    /** Holds the alert open for {@code me} for {@code nce.claim-for}; refused while another holds it. */
    public Map<String, Object> claim(String id, String me) {
        return update(id, true, doc -> {
            refuseIfReviewed(doc);
            refuseIfHeldByAnother(doc, me);
            Map<String, Object> claim = new LinkedHashMap<>();
            claim.put("by", me);
            claim.put("until", clock.millis() + props.claimFor().toMillis());
            return Map.of("claim", claim);
        });
    }

    /** The operator's decision: once, by whoever holds the alert (or anyone, when nobody does). */
    public Map<String, Object> review(String id, String me, String decision, String reason) {
        return update(id, false, doc -> {
            if (sameReview(doc, me, decision, reason)) {
                return null; // a retry of a review that was stored: the same answer again, nothing written
            }
            refuseIfReviewed(doc);
            refuseIfHeldByAnother(doc, me);
            Map<String, Object> review = new LinkedHashMap<>();
            review.put("decision", decision);
            if (reason != null) {
                review.put("reason", reason);
            }
            review.put("by", me);
            review.put("at", clock.millis());
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("review_status", decision.equals("confirm") ? "confirmed" : "dismissed");
            change.put("review", review);
            Map<String, Object> released = new LinkedHashMap<>();
            released.put("by", null);
            released.put("until", null);
            change.put("claim", released);
            return change;
        });
    }

    private interface Change {
        Map<String, Object> of(Map<String, Object> doc);
    }

    @SuppressWarnings("rawtypes")
    /**
     * A conditional update of the console's fields. When the document changed between the read and
     * the write (the operator's own claim landing, another's review), it is read again and the checks
     * run again on what is there now: a review that is still allowed goes through, one that is not
     * is refused for what it is (already reviewed, held by another). A change of null writes nothing.
     */
    private Map<String, Object> update(String id, boolean waitForRefresh, Change change) {
        fields.ensureAlerts();
        for (int attempt = 1; ; attempt++) {
            Docs doc = Docs.get(es, StoreLayout.ALERTS, id).orElseThrow(() -> ApiException.notFound("no alert " + id));
            Map<String, Object> partial = change.of(doc.source());
            if (partial == null) {
                return toApi(doc.source());
            }
            Exception failure;
            try {
                es.update(u -> u.index(StoreLayout.ALERTS).id(id)
                        .ifSeqNo(doc.seqNo()).ifPrimaryTerm(doc.primaryTerm()).doc(partial)
                        .refresh(waitForRefresh ? co.elastic.clients.elasticsearch._types.Refresh.WaitFor
                                : co.elastic.clients.elasticsearch._types.Refresh.False),
                        Map.class);
                Map<String, Object> merged = new LinkedHashMap<>(doc.source());
                merged.putAll(partial);
                return toApi(merged);
            } catch (ElasticsearchException | IOException e) {
                failure = e;
            }
            if (!Docs.versionConflict(failure)) {
                throw Docs.unavailable(failure);
            }
            if (attempt == 5) {
                throw ApiException.conflict("alert_changed", "alert " + id + " keeps changing under this review; reload and try again");
            }
        }
    }


    @SuppressWarnings("unchecked")
    private static boolean sameReview(Map<String, Object> doc, String me, String decision, String reason) {
        return doc.get("review") instanceof Map<?, ?> r && me.equals(r.get("by")) && decision.equals(r.get("decision"))
                && java.util.Objects.equals(reason, r.get("reason"));
    }

    @SuppressWarnings("unchecked")
    private static void refuseIfReviewed(Map<String, Object> doc) {
        if (doc.get("review_status") != null) {
            Map<String, Object> r = (Map<String, Object>) doc.getOrDefault("review", Map.of());
            throw ApiException.conflict("already_reviewed", "this alert was already " + doc.get("review_status") + " by " + r.get("by"));
        }
    }

    private void refuseIfHeldByAnother(Map<String, Object> doc, String me) {
        if (doc.get("claim") instanceof Map<?, ?> c && c.get("by") != null && !me.equals(c.get("by"))
                && c.get("until") instanceof Number until && until.longValue() > clock.millis()) {
            throw ApiException.conflict("claimed", "another operator (" + c.get("by") + ") has this alert open");
        }
    }

    /** The API's shape of an alert: the stored fields, with {@code status} spelled out. */
    static Map<String, Object> toApi(Map<String, Object> src) {
        Map<String, Object> out = new LinkedHashMap<>(src);
        Object rs = src.get("review_status");
        out.put("status", rs == null ? "pending" : rs);
        return out;
    }
}
