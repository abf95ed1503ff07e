package org.nce.console.documents;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.nce.console.ConsoleProperties;
import org.nce.console.rules.CaseRules;
import org.nce.console.rules.DocumentRules;
import org.nce.console.rules.Registry;
import org.nce.console.store.AuditLog;
import org.nce.console.store.CaseStore;
import org.nce.console.store.Counters;
import org.nce.console.store.Docs;
import org.nce.console.store.Parties;
import org.nce.console.web.ApiException;
import org.nce.model.Hashes;
import org.nce.model.StoreLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The documents a decided case is served with (三书同达 for a unit fined in the ordinary procedure,
 * the no-penalty decision or warning with the order to correct for a lenient case; which goes with
 * which is {@code documents.yaml}'s {@code bundles}). Generation happens in two writes so that a
 * crash or a retry never issues two numbers for one document nor two documents for one number:
 * first the plan (case number, 行政行为码, each document's 文号 and object key) is written onto the
 * case, then each PDF is rendered and stored write-once under its key (an object already there, from
 * an attempt that stopped half way, is kept, not replaced), then the documents with their hashes.
 * Once a case has its documents they are what was served: never generated again.
 */
@Component
public class CaseDocuments {
    private static final Logger LOG = LoggerFactory.getLogger(CaseDocuments.class);
    private static final Map<String, String> EVIDENCE_KINDS = Map.of("clip", "视频片段", "keyframe", "关键帧图片",
            "keyframe-annotated", "关键帧图片（标注）", "readings", "监测数据", "chart", "监测数据曲线图");
    private static final Map<String, String> BRANCHES = Map.of("first_violation", "初次违法且危害后果轻微并及时改正",
            "minor", "违法行为轻微并及时改正，没有造成危害后果", "lighter", "依法从轻处罚");

    private final ElasticsearchClient es;
    private final MinioClient store;
    private final String bucket;
    private final CaseStore cases;
    private final Parties parties;
    private final Counters counters;
    private final AuditLog audit;
    private final CaseRules caseRules;
    private final DocumentRules rules;
    private final PdfRenderer renderer;
    private final Clock clock;
    private final ZoneId zone;
    /** One generation per case at a time in this console (the object store has no put-if-absent here). */
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    public CaseDocuments(ElasticsearchClient es, MinioClient store, ConsoleProperties props, CaseStore cases, Parties parties,
                         Counters counters, AuditLog audit, CaseRules caseRules, DocumentRules rules, PdfRenderer renderer, Clock clock) {
        this.es = es;
        this.store = store;
        this.bucket = props.bucket();
        this.cases = cases;
        this.parties = parties;
        this.counters = counters;
        this.audit = audit;
        this.caseRules = caseRules;
        this.rules = rules;
        this.renderer = renderer;
        this.clock = clock;
        this.zone = props.zone();
    }

    /** The case's documents as the API lists them. */
    public static List<Map<String, Object>> listed(String caseId, Map<String, Object> caseDoc) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (caseDoc.get("documents") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    for (String k : List.of("kind", "title", "number", "sha256", "size_bytes", "at", "by")) {
                        d.put(k, m.get(k));
                    }
                    d.put("url", "/api/cases/" + caseId + "/documents/" + m.get("kind") + ".pdf");
                    out.add(d);
                }
            }
        }
        return out;
    }

    /** Generates the case's documents (or returns them, when it has them). */
    public Docs generate(String id, String user) {
        Object lock = locks.computeIfAbsent(id, k -> new Object());
        synchronized (lock) {
            try {
                return generateLocked(id, user);
            } finally {
                locks.remove(id, lock);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Docs generateLocked(String id, String user) {
        Docs doc = cases.get(id).orElseThrow(() -> ApiException.notFound("no case " + id));
        if (doc.source().get("documents") instanceof List<?> l && !l.isEmpty()) {
            return doc;
        }
        String status = String.valueOf(doc.source().getOrDefault("status", "draft"));
        if (!(doc.source().get("decision") instanceof Map<?, ?> decision) || !status.equals("decided")) {
            throw ApiException.conflict("not_decided", "documents are generated for a decided case; case " + id + " is " + status);
        }
        Registry.Subject party = party(doc.source());
        List<Map<String, Object>> caseAlerts = parties.confirmedAlerts(doc.source());
        List<Map<String, Object>> usable = caseAlerts.stream().filter(a -> parties.standing(a).usable()).toList();
        if (usable.isEmpty()) {
            throw ApiException.conflict("evidence_not_usable", "no confirmed alert of case " + id + " comes from a device whose "
                    + "第四十一条 review held when it recorded: " + caseAlerts.stream().flatMap(a -> parties.standing(a).reasons().stream()).distinct().toList());
        }
        // 1. The plan: numbers and keys, written before anything is rendered.
        if (!(doc.source().get("document_plan") instanceof List<?>)) {
            doc = plan(doc, (Map<String, Object>) decision, party);
        }
        // 2. Each document, write-once under its planned key.
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object o : (List<Object>) doc.source().get("document_plan")) {
            Map<String, Object> planned = (Map<String, Object>) o;
            String kind = (String) planned.get("kind");
            String key = (String) planned.get("key");
            byte[] pdf = existing(key).orElse(null);
            if (pdf == null) {
                pdf = renderer.render(kind, model(kind, doc, (Map<String, Object>) decision, party, usable, planned));
                put(key, pdf);
            } else {
                LOG.info("case {}: {} already stored at {} (an earlier attempt): kept", id, kind, key);
            }
            Map<String, Object> d = new LinkedHashMap<>(planned);
            d.put("sha256", Hashes.sha256(pdf));
            d.put("size_bytes", pdf.length);
            d.put("at", clock.millis());
            d.put("by", user);
            documents.add(d);
        }
        // 3. The documents with their hashes, onto the case (read again if the pipeline wrote in between).
        Docs done = cases.update(id, current -> {
            if (current.source().get("documents") instanceof List<?> l && !l.isEmpty()) {
                return null;
            }
            return Map.of("documents", documents, "updated_at", clock.millis());
        });
        for (Map<String, Object> d : documents) {
            audit.record(user, "document_generated", String.valueOf(d.get("key")), "ok", d.get("number") + " sha256 " + d.get("sha256"), id);
        }
        return done;
    }

    /** Writes the case number, the 行政行为码 and each document's 文号 and key onto the case. */
    private Docs plan(Docs doc, Map<String, Object> decision, Registry.Subject party) {
        String kind = String.valueOf(decision.get("kind"));
        List<String> bundle = rules.bundle(kind, party.kind(), Boolean.TRUE.equals(decision.get("simple_procedure_allowed")));
        int year = ZonedDateTime.ofInstant(Instant.ofEpochMilli(clock.millis()), zone).getYear();
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("case_number", rules.number("case", year, counters.next("case-" + year)));
        if (!(doc.source().get("action_code") instanceof String)) {
            change.put("action_code", rules.localActionCode(year, counters.next("action-code-" + year)));
            change.put("action_code_source", "local");
        }
        List<Map<String, Object>> plan = new ArrayList<>();
        String safeId = doc.id().replaceAll("[^A-Za-z0-9._-]", "_");
        for (String k : bundle) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("kind", k);
            p.put("title", DocumentRules.KINDS.get(k));
            p.put("number", rules.number(k, year, counters.next(k + "-" + year)));
            p.put("key", "documents/" + safeId + "/" + k + ".pdf");
            plan.add(p);
        }
        change.put("document_plan", plan);
        change.put("updated_at", clock.millis());
        try {
            return cases.write(doc, change);
        } catch (ApiException e) {
            if (!e.code().equals("case_changed")) {
                throw e;
            }
            // The pipeline (or another console) wrote in between: its plan, if it made one, wins; the numbers
            // taken here are a gap in the register.
            Docs now = cases.get(doc.id()).orElseThrow();
            if (now.source().get("document_plan") instanceof List<?>) {
                return now;
            }
            LOG.warn("case {}: changed while its documents were planned; numbers {} not used", doc.id(), plan);
            throw e;
        }
    }

    /** The party of a case, or 409 when the registry does not name one. */
    private Registry.Subject party(Map<String, Object> caseDoc) {
        Registry.Subject s = parties.of(caseDoc);
        if (s == null) {
            throw ApiException.conflict("subject_unregistered", "the party of site " + caseDoc.get("site_id") + " is not in the subject "
                    + "registry (subjects.yaml, devices.yaml), or more than one is: register it so the documents can name it");
        }
        return s;
    }

    /** What a template sees (docs/rules.md lists it). Optional fields are "", never missing. */
    @SuppressWarnings("unchecked")
    Map<String, Object> model(String kind, Docs doc, Map<String, Object> decision, Registry.Subject party, List<Map<String, Object>> usable,
                              Map<String, Object> planned) {
        Map<String, Object> c = doc.source();
        String type = String.valueOf(c.get("type"));
        CaseRules.Violation v = caseRules.violations().get(type);
        Map<String, Object> m = new LinkedHashMap<>();
        DocumentRules.Organ o = rules.organ();
        m.put("organ", Map.of("name", o.name(), "seal", o.seal(), "address", o.address(), "phone", o.phone()));
        m.put("title", DocumentRules.KINDS.get(kind));
        m.put("number", planned.get("number"));
        m.put("case_number", c.get("case_number"));
        long now = clock.millis();
        m.put("date_cn", dateCn(now));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("is_unit", "unit".equals(party.kind()));
        p.put("name", party.name());
        p.put("uscc", nz(party.uscc()));
        p.put("id_number", nz(party.idNumber()));
        p.put("legal_representative", nz(party.legalRepresentative()));
        p.put("address", party.address());
        m.put("party", p);
        List<Map<String, Object>> facts = new ArrayList<>();
        List<Map<String, Object>> evidence = new ArrayList<>();
        for (Map<String, Object> a : usable) {
            String device = String.valueOf(a.get("source_id"));
            Registry.Device dev = parties.registry().devices().get(device);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("time_cn", timeCn(a.get("event_time_ms") instanceof Number n ? n.longValue() : now));
            f.put("place", dev == null || dev.location().isBlank() ? String.valueOf(a.get("site_id")) : dev.location());
            f.put("what", v.name());
            f.put("device", "设备 " + device);
            facts.add(f);
            if (a.get("evidence") instanceof List<?> l) {
                for (Object e : l) {
                    if (e instanceof Map<?, ?> em) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("index", evidence.size() + 1);
                        row.put("kind_cn", EVIDENCE_KINDS.getOrDefault(String.valueOf(em.get("kind")), String.valueOf(em.get("kind"))));
                        row.put("key", String.valueOf(em.get("key")));
                        row.put("sha256", String.valueOf(em.get("sha256")));
                        row.put("device", device);
                        row.put("review", dev == null || dev.review() == null ? "" : dev.review().legalReviewId() + "、" + dev.review().technicalReviewId());
                        evidence.add(row);
                    }
                }
            }
        }
        m.put("facts", facts);
        m.put("evidence", evidence);
        m.put("violation", Map.of("name", v.name(), "illegal_basis", v.illegalBasis(), "penalty_basis", v.penaltyBasis(),
                "local_rule", nz(v.localRule()), "correct", rules.correctionOf(type)));
        String dk = String.valueOf(decision.get("kind"));
        Map<String, Object> penalty = new LinkedHashMap<>();
        penalty.put("is_fine", dk.equals("penalty"));
        penalty.put("is_warning", dk.equals("warning"));
        long amount = decision.get("amount_yuan") instanceof Number n ? n.longValue() : 0;
        penalty.put("amount_yuan", amount);
        penalty.put("text", dk.equals("penalty") ? "罚款人民币" + amount + "元（大写：" + Money.upper(amount) + "）" : dk.equals("warning") ? "警告" : "不予行政处罚");
        m.put("penalty", penalty);
        m.put("performance", Map.of("pay_days", rules.performance().payDays(), "channel", rules.performance().channel(),
                "surcharge", rules.performance().surchargePercentPerDay()));
        DocumentRules.Remedies r = rules.remedies();
        // The documents generated here are ordinary-procedure ones; a 当场 decision (复议 first, 复议法 第二十三条) is the officer's printed form.
        m.put("remedies", Map.of("review_body", r.reviewBody(), "review_days", r.reviewDays(), "court", r.court(), "suit_months", r.suitMonths(),
                "review_first", false));
        m.put("correction", Map.of("days", rules.correctionDays(), "deadline_cn", dateCn(now + rules.correctionDays() * 86_400_000L)));
        if (decision.get("lenient_rule") instanceof String ruleId) {
            CaseRules.LenientRule rule = caseRules.lenientRule(ruleId);
            List<String> met = decision.get("lenient_facts") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
            m.put("lenient", Map.of("rule_id", ruleId, "rule_name", rule == null ? ruleId : rule.name(),
                    "branch_cn", rule == null ? "" : BRANCHES.getOrDefault(rule.branch(), rule.branch()), "facts", met));
        } else {
            m.put("lenient", "");
        }
        String decisionNumber = "";
        for (Object o2 : (List<Object>) c.get("document_plan")) {
            Map<String, Object> d = (Map<String, Object>) o2;
            if (d.get("kind").equals("penalty_decision") || d.get("kind").equals("no_penalty_decision")) {
                decisionNumber = String.valueOf(d.get("number"));
            }
        }
        DocumentRules.Credit cr = rules.credit();
        m.put("credit", Map.of("decision_number", decisionNumber, "class_cn", "一般", "min_months", cr.generalMinMonths(),
                "max_months", cr.generalMaxMonths(), "channel", cr.channel(), "conditions", cr.conditions(), "materials", cr.materials(),
                "source", cr.source()));
        m.put("advice", rules.advice(type));
        String code = String.valueOf(c.get("action_code"));
        m.put("action_code", code);
        m.put("verify_url", rules.actionCode().verifyUrl() + code);
        m.put("qr", PdfRenderer.qrDataUri(rules.actionCode().verifyUrl() + code));
        return m;
    }

    /** The bytes of the stored document {@code kind} of a case, checked against the hash recorded when it was generated. */
    @SuppressWarnings("unchecked")
    public byte[] read(String id, String kind, String user) {
        Docs doc = cases.get(id).orElseThrow(() -> ApiException.notFound("no case " + id));
        Map<String, Object> d = null;
        if (doc.source().get("documents") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m && kind.equals(m.get("kind"))) {
                    d = (Map<String, Object>) m;
                }
            }
        }
        if (d == null) {
            throw ApiException.notFound("case " + id + " has no document " + kind);
        }
        byte[] bytes = existing(String.valueOf(d.get("key")))
                .orElseThrow(() -> ApiException.conflict("document_missing", "the document is recorded but missing from the store"));
        String sha = Hashes.sha256(bytes);
        if (!sha.equals(d.get("sha256"))) {
            audit.record(user, "integrity_failure", String.valueOf(d.get("key")), "mismatch", "recorded " + d.get("sha256") + ", read " + sha, id);
            throw ApiException.conflict("document_mismatch", "the stored document does not match the hash recorded when it was issued; "
                    + "it is not served (recorded as an integrity incident)");
        }
        return bytes;
    }

    /** The case with this action code, if any (for the public verification page). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Optional<Map<String, Object>> byActionCode(String code) {
        return Docs.read(() -> {
            SearchResponse<Map> r = es.search(s -> s.index(StoreLayout.CASES).size(1)
                    .query(q -> q.term(t -> t.field("action_code").value(code))), Map.class);
            return r.hits().hits().isEmpty() ? Optional.<Map<String, Object>>empty() : Optional.of((Map<String, Object>) r.hits().hits().get(0).source());
        }, Optional.empty());
    }

    public DocumentRules rules() {
        return rules;
    }

    private Optional<byte[]> existing(String key) {
        try {
            store.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            try (InputStream in = store.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                return Optional.of(in.readAllBytes());
            }
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw unavailable(e);
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    private void put(String key, byte[] pdf) {
        try {
            store.putObject(PutObjectArgs.builder().bucket(bucket).object(key).contentType("application/pdf")
                    .stream(new ByteArrayInputStream(pdf), pdf.length, -1).build());
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    private static ApiException unavailable(Exception e) {
        LOG.warn("document store: {}", e.toString());
        return ApiException.unavailable("the document store did not answer; try again in a moment");
    }

    private String dateCn(long ms) {
        ZonedDateTime t = Instant.ofEpochMilli(ms).atZone(zone);
        return t.getYear() + "年" + t.getMonthValue() + "月" + t.getDayOfMonth() + "日";
    }

    private String timeCn(long ms) {
        ZonedDateTime t = Instant.ofEpochMilli(ms).atZone(zone);
        return dateCn(ms) + String.format("%d时%02d分", t.getHour(), t.getMinute());
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
