package org.nce.console.web;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.aggregations.CalendarInterval;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nce.console.store.Docs;
import org.nce.model.StoreLayout;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dashboard's figures and the device list, aggregated by Elasticsearch from what the pipeline
 * and the console stored. A device's health comes from its gateway's latest heartbeat (the pipeline
 * stores each one in {@code nce-gateway-health}): a camera's state, fps and last frame, a monitor's
 * last data and its HJ 212 flag; a gateway whose latest heartbeat is older than
 * {@link #ONLINE_WITHIN_MS} is shown offline, with its devices.
 */
@RestController
@Tag(name = "overview", description = "dashboard figures and devices")
public class OverviewController {
    private final ElasticsearchClient es;

    public OverviewController(ElasticsearchClient es) {
        this.es = es;
    }

    @Operation(summary = "The dashboard's figures", description = "alerts per day by type (last 30 days), dismissals per "
            + "camera and detector with their reasons, open cases by status, sensor exceedances per site, dead letters per stage.")
    @GetMapping("/api/stats")
    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("alerts_per_day", perDay());
        out.put("dismissals", dismissals());
        out.put("cases_by_status", terms(StoreLayout.CASES, "status", null));
        out.put("exceedances_per_site", termsOfTypes(java.util.Arrays.stream(org.nce.model.EventType.values())
                .filter(t -> t.source() == org.nce.model.EventType.Source.SENSOR).map(org.nce.model.EventType::wireName).toList()));
        out.put("dead_letters_per_stage", terms(StoreLayout.DEADLETTER, "stage", null));
        return out;
    }

    /** Three missed heartbeats at the gateway's default 10 s, with room for a slow pipeline. */
    static final long ONLINE_WITHIN_MS = 60_000;

    @Operation(summary = "Cameras and sensors", description = "each device seen in the stores or in its gateway's latest heartbeat: "
            + "its site, its last alert time, its alert and dismissal counts, and its health (online, state, fps, last frame or data, "
            + "last HJ 212 flag, dropped/corrupt frames, stream restarts).")
    @GetMapping("/api/devices")
    public List<Map<String, Object>> devices() {
        List<Map<String, Object>> out = new ArrayList<>(alertsPerDevice());
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        out.forEach(d -> byId.put(d.get("site_id") + "/" + d.get("id"), d));
        long now = System.currentTimeMillis();
        for (Map<String, Object> hb : latestHeartbeats()) {
            String site = String.valueOf(hb.get("site_id"));
            long time = hb.get("time_ms") instanceof Number n ? n.longValue() : 0;
            boolean online = now - time <= ONLINE_WITHIN_MS && time <= now + ONLINE_WITHIN_MS; // a future time proves nothing
            for (String group : List.of("cameras", "sensors")) {
                if (!(hb.get(group) instanceof List<?> list)) {
                    continue;
                }
                for (Object o : list) {
                    if (!(o instanceof Map<?, ?> dev) || dev.get("id") == null) {
                        continue;
                    }
                    Map<String, Object> d = byId.computeIfAbsent(site + "/" + dev.get("id"), k -> {
                        Map<String, Object> n = new LinkedHashMap<>();
                        n.put("id", String.valueOf(dev.get("id")));
                        n.put("site_id", site);
                        n.put("types", List.of());
                        n.put("last_alert_at", null);
                        n.put("alerts", 0L);
                        n.put("dismissed", 0L);
                        out.add(n);
                        return n;
                    });
                    Map<String, Object> health = new LinkedHashMap<>();
                    health.put("kind", group.equals("cameras") ? "camera" : "sensor");
                    health.put("online", online);
                    health.put("heartbeat_at", time);
                    for (String key : List.of("state", "fps", "last_frame_ms", "dropped", "corrupt", "restarts", "last_error",
                            "last_seen_ms", "last_flag", "readings", "mn")) {
                        if (dev.get(key) != null) {
                            health.put(key, dev.get(key));
                        }
                    }
                    d.put("health", health);
                }
            }
        }
        return out;
    }

    /** The longest time range one coverage question may span: a week of heartbeats (about 60,000 at 10 s). */
    static final long COVERAGE_MAX_RANGE_MS = 7L * 86_400_000;

    @Operation(summary = "When a device was covered", description = "From its gateway's heartbeats over [from, to] (epoch ms; "
            + "default the last 24 h, at most 7 days): the covered time, its share, and each gap with what the heartbeats said there "
            + "(the camera's state such as stalled or failed, a monitor's flag_X, not_reported, no_heartbeat).")
    @GetMapping("/api/devices/{id}/coverage")
    public Map<String, Object> coverage(@PathVariable String id, @RequestParam String site, @RequestParam(required = false) Long from,
                                        @RequestParam(required = false) Long to) {
        Ids.id(id, "a device id");
        Ids.id(site, "a site id");
        long end = to == null ? System.currentTimeMillis() : to;
        long start = from == null ? end - 86_400_000L : from;
        // Both past 0 (epoch ms): end - start cannot overflow and pass the cap.
        if (start < 0 || end < 0 || end <= start || end - start > COVERAGE_MAX_RANGE_MS) {
            throw ApiException.badRequest("bad_range", "from must be before to, at most 7 days apart (epoch milliseconds)");
        }
        List<DeviceCoverage.Sample> samples = heartbeatsOf(id, site, start - ONLINE_WITHIN_MS, end);
        DeviceCoverage.Result r = DeviceCoverage.of(samples, start, end, ONLINE_WITHIN_MS);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("site_id", site);
        out.put("from", r.fromMs());
        out.put("to", r.toMs());
        out.put("heartbeats", samples.size());
        out.put("covered_ms", r.coveredMs());
        out.put("coverage", Math.round(r.coverage() * 10_000) / 10_000.0);
        out.put("gaps", r.gaps().stream().map(g -> Map.of("from", g.fromMs(), "to", g.toMs(), "reason", g.reason())).toList());
        return out;
    }

    /** The site's heartbeats in [from, to], oldest first, each as what it said of device {@code id}. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private List<DeviceCoverage.Sample> heartbeatsOf(String id, String site, long from, long to) {
        return Docs.read(() -> {
            List<DeviceCoverage.Sample> out = new ArrayList<>();
            List<co.elastic.clients.elasticsearch._types.FieldValue> after = null;
            while (true) {
                final List<co.elastic.clients.elasticsearch._types.FieldValue> page = after;
                SearchResponse<Map> r = es.search(s -> {
                    s.index(StoreLayout.GATEWAY_HEALTH).size(5_000).source(x -> x.filter(f -> f.includes("time_ms", "cameras", "sensors")))
                            .query(q -> q.bool(b -> b.filter(f -> f.term(t -> t.field("site_id").value(site)))
                                    .filter(f -> f.range(g -> g.untyped(u -> u.field("time_ms")
                                            .gte(co.elastic.clients.json.JsonData.of(from)).lte(co.elastic.clients.json.JsonData.of(to)))))))
                            .sort(o -> o.field(f -> f.field("time_ms").order(co.elastic.clients.elasticsearch._types.SortOrder.Asc)))
                            .sort(o -> o.field(f -> f.field("_doc").order(co.elastic.clients.elasticsearch._types.SortOrder.Asc)));
                    if (page != null) {
                        s.searchAfter(page);
                    }
                    return s;
                }, Map.class);
                var hits = r.hits().hits();
                for (var h : hits) {
                    if (h.source() != null) {
                        out.add(sample(id, (Map<String, Object>) h.source()));
                    }
                }
                if (hits.size() < 5_000) {
                    return out;
                }
                after = hits.get(hits.size() - 1).sort();
            }
        }, List.of());
    }

    /** What one heartbeat said of the device: not there, up, or down and why. */
    static DeviceCoverage.Sample sample(String id, Map<String, Object> hb) {
        long time = hb.get("time_ms") instanceof Number n ? n.longValue() : 0;
        for (String group : List.of("cameras", "sensors")) {
            if (!(hb.get(group) instanceof List<?> list)) {
                continue;
            }
            for (Object o : list) {
                if (o instanceof Map<?, ?> dev && id.equals(dev.get("id"))) {
                    String down;
                    if (group.equals("cameras")) {
                        Object state = dev.get("state");
                        down = state == null || "streaming".equals(state) ? null : String.valueOf(state);
                    } else {
                        Object flag = dev.get("last_flag");
                        down = flag == null || "N".equals(flag) ? null : "flag_" + flag;
                    }
                    return new DeviceCoverage.Sample(time, true, down);
                }
            }
        }
        return new DeviceCoverage.Sample(time, false, null);
    }

    /** The latest heartbeat of each site's gateway. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private List<Map<String, Object>> latestHeartbeats() {
        return Docs.read(() -> {
            SearchResponse<Map> r = es.search(s -> s.index(StoreLayout.GATEWAY_HEALTH).size(0)
                    .aggregations("site", a -> a.terms(t -> t.field("site_id").size(1000))
                            .aggregations("latest", b -> b.topHits(h -> h.size(1)
                                    .sort(o -> o.field(f -> f.field("time_ms").order(co.elastic.clients.elasticsearch._types.SortOrder.Desc)))))),
                    Map.class);
            List<Map<String, Object>> out = new ArrayList<>();
            for (StringTermsBucket b : r.aggregations().get("site").sterms().buckets().array()) {
                var hits = b.aggregations().get("latest").topHits().hits().hits();
                if (!hits.isEmpty() && hits.get(0).source() != null) {
                    out.add(hits.get(0).source().to(Map.class));
                }
            }
            return out;
        }, List.of());
    }

    @SuppressWarnings("rawtypes")
    private List<Map<String, Object>> alertsPerDevice() {
        return Docs.read(() -> {
            SearchResponse<Map> r = es.search(s -> s.index(StoreLayout.ALERTS).size(0)
                    .aggregations("device", a -> a.terms(t -> t.field("source_id").size(1000))
                            .aggregations("site", b -> b.terms(t -> t.field("site_id").size(1)))
                            .aggregations("type", b -> b.terms(t -> t.field("type").size(5)))
                            .aggregations("last", b -> b.max(m -> m.field("event_time_ms")))
                            .aggregations("dismissed", b -> b.filter(f -> f.term(t -> t.field("review_status").value("dismissed"))))),
                    Map.class);
            List<Map<String, Object>> out = new ArrayList<>();
            for (StringTermsBucket b : r.aggregations().get("device").sterms().buckets().array()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("id", b.key().stringValue());
                var sites = b.aggregations().get("site").sterms().buckets().array();
                d.put("site_id", sites.isEmpty() ? null : sites.get(0).key().stringValue());
                d.put("types", b.aggregations().get("type").sterms().buckets().array().stream().map(x -> x.key().stringValue()).toList());
                d.put("last_alert_at", (long) b.aggregations().get("last").max().value());
                d.put("alerts", b.docCount());
                d.put("dismissed", b.aggregations().get("dismissed").filter().docCount());
                out.add(d);
            }
            return out;
        }, List.of());
    }

    @SuppressWarnings("rawtypes")
    private List<Map<String, Object>> perDay() {
        return Docs.read(() -> {
            SearchResponse<Map> r = es.search(s -> s.index(StoreLayout.ALERTS).size(0)
                    .query(q -> q.range(g -> g.untyped(u -> u.field("event_time_ms")
                            .gte(co.elastic.clients.json.JsonData.of(System.currentTimeMillis() - 30L * 86_400_000)))))
                    .aggregations("day", a -> a.dateHistogram(h -> h.field("event_time_ms").calendarInterval(CalendarInterval.Day))
                            .aggregations("type", b -> b.terms(t -> t.field("type").size(10)))), Map.class);
            List<Map<String, Object>> out = new ArrayList<>();
            for (var b : r.aggregations().get("day").dateHistogram().buckets().array()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("day", b.key());
                Map<String, Long> types = new LinkedHashMap<>();
                for (StringTermsBucket t : b.aggregations().get("type").sterms().buckets().array()) {
                    types.put(t.key().stringValue(), t.docCount());
                }
                d.put("by_type", types);
                out.add(d);
            }
            return out;
        }, List.of());
    }

    @SuppressWarnings("rawtypes")
    private List<Map<String, Object>> dismissals() {
        return Docs.read(() -> {
            SearchResponse<Map> r = es.search(s -> s.index(StoreLayout.ALERTS).size(0)
                    .query(q -> q.exists(e -> e.field("review_status")))
                    .aggregations("device", a -> a.terms(t -> t.field("source_id").size(200))
                            .aggregations("type", b -> b.terms(t -> t.field("type").size(5))
                                    .aggregations("dismissed", c -> c.filter(f -> f.term(t -> t.field("review_status").value("dismissed")))
                                            .aggregations("reason", d -> d.terms(t -> t.field("review.reason").size(20)))))), Map.class);
            List<Map<String, Object>> out = new ArrayList<>();
            for (StringTermsBucket dev : r.aggregations().get("device").sterms().buckets().array()) {
                for (StringTermsBucket type : dev.aggregations().get("type").sterms().buckets().array()) {
                    Aggregate dismissed = type.aggregations().get("dismissed");
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("source_id", dev.key().stringValue());
                    row.put("type", type.key().stringValue());
                    row.put("reviewed", type.docCount());
                    row.put("dismissed", dismissed.filter().docCount());
                    Map<String, Long> reasons = new LinkedHashMap<>();
                    for (StringTermsBucket x : dismissed.filter().aggregations().get("reason").sterms().buckets().array()) {
                        reasons.put(x.key().stringValue(), x.docCount());
                    }
                    row.put("reasons", reasons);
                    out.add(row);
                }
            }
            return out;
        }, List.of());
    }

    @SuppressWarnings("rawtypes")
    private Map<String, Long> terms(String index, String field, List<String> types) {
        return Docs.read(() -> {
            SearchResponse<Map> r = es.search(s -> {
                s.index(index).size(0).aggregations("t", a -> a.terms(t -> t.field(field).size(50)));
                if (types != null) {
                    s.query(q -> q.terms(t -> t.field("type").terms(v -> v.value(types.stream()
                            .map(co.elastic.clients.elasticsearch._types.FieldValue::of).toList()))));
                }
                return s;
            }, Map.class);
            Map<String, Long> out = new LinkedHashMap<>();
            for (StringTermsBucket b : r.aggregations().get("t").sterms().buckets().array()) {
                out.put(b.key().stringValue(), b.docCount());
            }
            return out;
        }, Map.of());
    }

    private Map<String, Long> termsOfTypes(List<String> types) {
        return terms(StoreLayout.ALERTS, "site_id", types);
    }

    private static ApiException unavailable(Exception e) {
        org.slf4j.LoggerFactory.getLogger(OverviewController.class).warn("Elasticsearch: {}", e.toString());
        return ApiException.unavailable("the stores did not answer; try again in a moment");
    }
}
