package org.nce.console.documents;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
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
import java.util.UUID;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The documents a decided case is served with (三书同达 for a unit fined in the ordinary procedure,
 * the no-penalty decision or warning with the order to correct for a lenient case; which goes with
 * which is {@code documents.yaml}'s {@code bundles}). Generation happens in two writes so that a
 * crash or a retry never issues two numbers for one document nor two documents for one number:
 * first the plan (case number, 行政行为码, each document's 文号, each reserved for this case alone)
 * is written onto the case; then each PDF is rendered and stored under a key of its attempt's own
 * (no object is ever written over), then the documents with their hashes, by a conditional write
 * that only the first attempt wins. Once a case has its documents they are what was served: never
 * generated again.
 */
@Component
public class CaseDocuments {
    private static final Logger LOG = LoggerFactory.getLogger(CaseDocuments.class);
    private static final Map<String, String> EVIDENCE_KINDS = Map.of("clip", "视频片段", "keyframe", "关键帧图片",
            "keyframe-annotated", "关键帧图片（标注）", "readings", "监测数据", "chart", "监测数据曲线图");
    private static final Map<String, String> BRANCHES = Map.of("first_violation", "初次违法且危害后果轻微并及时改正",
            "minor", "违法行为轻微并及时改正，没有造成危害后果", "lighter", "依法从轻处罚");

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
    private final String verifyUrl;
    /** One generation per case at a time in this console (a bounded set of lock objects, by the case id's hash). */
    private final Object[] locks = new Object[64];

    public CaseDocuments(MinioClient store, ConsoleProperties props, CaseStore cases, Parties parties,
                         Counters counters, AuditLog audit, CaseRules caseRules, DocumentRules rules, PdfRenderer renderer, Clock clock) {
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
        this.verifyUrl = props.verifyUrl() != null ? props.verifyUrl() : rules.actionCode().verifyUrl();
        if (verifyUrl.matches("https?://(localhost|127\\.[0-9.]+)(:\\d+)?/.*") && !props.demoUser()) {
            LOG.warn("documents will print the verification address {} in their QR codes: set NCE_VERIFY_URL to the public address "
                    + "before serving any (it cannot change on served paper)", verifyUrl);
        }
        java.util.Arrays.setAll(locks, i -> new Object());
        if (renderer.font() != null) {
            selfCheck();
        }
    }

    /**
     * Renders every document kind once at start over a made-up case, so a template the legal office
     * broke (a missing partial, a field that does not exist, markup the renderer cannot read) stops
     * the console with its name, instead of failing the first real case after its numbers were taken.
     */
    private void selfCheck() {
        String type = caseRules.violations().keySet().iterator().next();
        List<Map<String, Object>> plan = new ArrayList<>();
        for (String kind : DocumentRules.KINDS.keySet()) {
            plan.add(Map.of("kind", kind, "title", DocumentRules.KINDS.get(kind), "number", "示例〔2026〕1号"));
        }
        Map<String, Object> src = new LinkedHashMap<>(Map.of("id", "self-check", "type", type, "site_id", "site", "case_number", "示例立〔2026〕1号",
                "action_code", "330203072600000010", "document_plan", plan));
        Map<String, Object> decision = new LinkedHashMap<>(Map.of("kind", "penalty", "party", "unit", "amount_yuan", 1000L, "at", clock.millis(),
                "procedure", "ordinary", "lenient_facts", List.of("示例")));
        if (!caseRules.lenient().isEmpty()) {
            decision.put("lenient_rule", caseRules.lenient().get(0).id());
        }
        List<String> types = new ArrayList<>(caseRules.violations().keySet());
        List<Map<String, Object>> several = List.of(Map.of("type", types.get(0), "kind", "penalty", "amount_yuan", 1000L),
                Map.of("type", types.get(types.size() - 1), "kind", "warning"));
        Registry.Subject party = new Registry.Subject("self-check", "unit", "示例有限公司", "91330203MA2ABC001X", "", "示例", "示例地址", List.of());
        Map<String, Object> alert = Map.of("alert_id", "a", "source_id", "device", "site_id", "site", "event_time_ms", clock.millis(),
                "evidence", List.of(Map.of("kind", "keyframe", "key", "k", "sha256", "0".repeat(64))));
        for (Map<String, Object> planned : plan) {
            String kind = (String) planned.get("kind");
            try {
                renderer.render(kind, model(kind, new Docs("self-check", src, 0, 0), decision, party, List.of(alert), planned));
                // and a case of several violations (综合查一次)
                Map<String, Object> multi = new LinkedHashMap<>(decision);
                multi.put("violations", several);
                renderer.render(kind, model(kind, new Docs("self-check", src, 0, 0), multi, party, List.of(alert), planned));
            } catch (RuntimeException e) {
                throw new IllegalStateException("document template " + kind + " does not render: " + e.getMessage(), e);
            }
        }
        LOG.info("document templates checked: {} render", DocumentRules.KINDS.keySet());
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
        // One generation per case at a time in this console, so a double click renders once; across
        // consoles each attempt writes objects of its own and the case's conditional write picks one.
        synchronized (locks[Math.floorMod(id.hashCode(), locks.length)]) {
            return generateLocked(id, user);
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
        List<Map<String, Object>> evidence = evidenceOf(doc.source(), (Map<String, Object>) decision);
        if (renderer.font() == null) {
            throw ApiException.unavailable("no CJK font for the documents: install fonts-arphic-gbsn00lp or set NCE_DOCUMENT_FONT to a .ttf");
        }
        // 1. The plan (case number, action code, each document's 文号), onto the case before anything is rendered:
        //    a retry after any failure below uses the same numbers.
        if (!(doc.source().get("document_plan") instanceof List<?>)) {
            doc = plan(doc, (Map<String, Object>) decision);
        }
        // 2. Each document, rendered and stored under a key of this attempt's own: nothing another attempt
        //    (another console, a retry) stored is ever written over; the one the case records is the one served.
        String attempt = UUID.randomUUID().toString().substring(0, 8);
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object o : (List<Object>) doc.source().get("document_plan")) {
            Map<String, Object> planned = (Map<String, Object>) o;
            String kind = (String) planned.get("kind");
            byte[] pdf;
            try {
                pdf = renderer.render(kind, model(kind, doc, (Map<String, Object>) decision, party, evidence, planned));
            } catch (IllegalArgumentException | IllegalStateException e) {
                LOG.error("case {}: {} could not be rendered: {}", id, kind, e.getMessage());
                throw ApiException.conflict("render_failed", DocumentRules.KINDS.get(kind) + " could not be made: " + e.getMessage());
            }
            String key = planned.get("key") + "-" + attempt + ".pdf";
            put(key, pdf);
            Map<String, Object> d = new LinkedHashMap<>(planned);
            d.put("key", key);
            d.put("sha256", Hashes.sha256(pdf));
            d.put("size_bytes", pdf.length);
            d.put("at", clock.millis());
            d.put("by", user);
            documents.add(d);
        }
        // 3. The documents with their hashes, onto the case (read again if the pipeline wrote in between);
        //    when another attempt recorded its documents first, those stand and this attempt's objects are unused.
        Docs done = cases.update(id, current -> {
            if (current.source().get("documents") instanceof List<?> l && !l.isEmpty()) {
                return null;
            }
            return Map.of("documents", documents, "updated_at", clock.millis());
        });
        if (!documents.equals(done.source().get("documents"))) {
            LOG.info("case {}: another attempt recorded its documents first; this attempt's objects ({}) are unused", id, attempt);
            return done;
        }
        for (Map<String, Object> d : documents) {
            audit.record(user, "document_generated", String.valueOf(d.get("key")), "ok", d.get("number") + " sha256 " + d.get("sha256"), id);
        }
        return done;
    }

    /**
     * The alerts the documents rest on: those whose devices the decision found usable (第四十一条,
     * recorded when it was made, so a later lapse or renewal of a review does not undo a lawful
     * decision); for a decision recorded without that list, the confirmed alerts usable now.
     */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> evidenceOf(Map<String, Object> caseDoc, Map<String, Object> decision) {
        List<Map<String, Object>> out;
        if (decision.get("evidence_alert_ids") instanceof List<?> ids) {
            out = new ArrayList<>(parties.alerts(ids.stream().map(String::valueOf).toList()));
        } else {
            out = parties.confirmedAlerts(caseDoc).stream().filter(a -> parties.standing(a).usable()).toList();
        }
        if (out.isEmpty()) {
            throw ApiException.conflict("evidence_not_usable", "no confirmed alert of this case comes from a device whose 第四十一条 review "
                    + "held when it recorded");
        }
        return out;
    }

    /** Writes the case number, the 行政行为码 and each document's 文号 onto the case, each reserved for it alone. */
    private Docs plan(Docs doc, Map<String, Object> decision) {
        String id = doc.id();
        List<String> bundle = rules.bundle(String.valueOf(decision.get("kind")), String.valueOf(decision.get("party")),
                "simple".equals(decision.get("procedure")));
        int year = Instant.ofEpochMilli(decisionAt(decision)).atZone(zone).getYear();
        String caseNumber = issue("case", year, id);
        String localCode = doc.source().get("action_code") instanceof String ? null : localCode(year, id);
        List<Map<String, Object>> plan = new ArrayList<>();
        String safeId = id.replaceAll("[^A-Za-z0-9._-]", "_");
        for (String k : bundle) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("kind", k);
            p.put("title", DocumentRules.KINDS.get(k));
            p.put("number", issue(k, year, id));
            p.put("key", "documents/" + safeId + "/" + k);
            plan.add(p);
        }
        // Read again and again on a concurrent write (the pipeline adding evidence to the case), keeping these
        // numbers; only another attempt's plan written first wins, and then these are a gap in the register.
        Docs done = cases.update(id, current -> {
            if (current.source().get("document_plan") instanceof List<?>) {
                return null;
            }
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("case_number", caseNumber);
            if (!(current.source().get("action_code") instanceof String)) {
                if (localCode == null) {
                    throw ApiException.conflict("case_changed", "the case's action code changed while its documents were planned; try again");
                }
                change.put("action_code", localCode);
                change.put("action_code_source", "local");
            }
            change.put("document_plan", plan);
            change.put("updated_at", clock.millis());
            return change;
        });
        if (!plan.equals(done.source().get("document_plan"))) {
            LOG.warn("case {}: another attempt planned its documents first; numbers {} {} not used", id, caseNumber, plan);
        }
        return done;
    }

    /** The next 文号 of {@code kind}, reserved for case {@code id}: a number some other case holds is skipped, never shared. */
    private String issue(String kind, int year, String id) {
        for (int tries = 0; tries < 1000; tries++) {
            String number = rules.number(kind, year, counters.next(kind + "-" + year));
            if (counters.reserve(Counters.NUMBERS, number, id, kind)) {
                return number;
            }
            LOG.error("文号 {} is already issued (the counter of {} went back): skipped", number, kind);
        }
        throw ApiException.unavailable("no free 文号 for " + kind + " after 1000 tries: the register needs an administrator");
    }

    private String localCode(int year, String id) {
        for (int tries = 0; tries < 1000; tries++) {
            String code = rules.localActionCode(year, counters.next("action-code-" + year));
            if (counters.reserve(Counters.CODES, code, id, "local")) {
                return code;
            }
            LOG.error("action code {} is already another case's (the counter went back): skipped", code);
        }
        throw ApiException.unavailable("no free action code after 1000 tries: the register needs an administrator");
    }

    private long decisionAt(Map<String, Object> decision) {
        return decision.get("at") instanceof Number n ? n.longValue() : clock.millis();
    }

    /** The party of a case, or 409 when the registry does not name one. */
    private Registry.Subject party(Map<String, Object> caseDoc) {
        Registry.Subject s = parties.of(caseDoc);
        if (s != null && caseDoc.get("decision") instanceof Map<?, ?> d && !s.kind().equals(d.get("party"))) {
            throw ApiException.conflict("party_kind_differs", "the decision is for a party of kind " + d.get("party") + " but the registry has "
                    + s.name() + " as " + s.kind() + "; correct the registry or the decision");
        }
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
        // 第五十九条(六): the date the decision was made; every document of the bundle goes out with it.
        long decidedAt = decisionAt(decision);
        m.put("date_cn", dateCn(decidedAt));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("is_unit", "unit".equals(decision.get("party")));
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
            CaseRules.Violation av = caseRules.violations().get(String.valueOf(a.get("type")));
            f.put("what", av == null ? v.name() : av.name());
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
        // 综合查一次: a case may hold several violations, each with its own basis and handling (decision.violations).
        List<Map<String, Object>> items = decision.get("violations") instanceof List<?> l && !l.isEmpty()
                ? (List<Map<String, Object>>) l : List.of(Map.of("type", type, "kind", String.valueOf(decision.get("kind"))));
        List<Map<String, Object>> violations = new ArrayList<>();
        List<String> advice = new ArrayList<>();
        for (Map<String, Object> item : items) {
            String t = String.valueOf(item.get("type"));
            CaseRules.Violation iv = caseRules.violations().get(t);
            if (iv == null) {
                throw new IllegalStateException("violation type " + t + " is not in the catalogue");
            }
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("number_cn", String.valueOf("一二三四五六七八九十".charAt(Math.min(violations.size(), 9))));
            x.put("name", iv.name());
            x.put("illegal_basis", iv.illegalBasis());
            x.put("penalty_basis", iv.penaltyBasis());
            x.put("local_rule", nz(iv.localRule()));
            x.put("correct", rules.correctionOf(t));
            x.put("penalty_text", handlingText(item));
            x.put("decision_text", decisionText(item, iv));
            violations.add(x);
            rules.advice(t).stream().filter(a -> !advice.contains(a)).forEach(advice::add);
        }
        m.put("violation", violations.get(0));
        m.put("violations", violations);
        m.put("single", violations.size() == 1);
        m.put("several", violations.size() > 1);
        m.put("violation_names", String.join("、", violations.stream().map(x -> (String) x.get("name")).toList()));
        m.put("illegal_all", String.join("；", violations.stream().map(x -> (String) x.get("illegal_basis")).toList()));
        m.put("penalty_all", String.join("；", violations.stream().map(x -> (String) x.get("penalty_basis")).toList()));
        m.put("correct_all", String.join("；", violations.stream().map(x -> (String) x.get("correct")).toList()));
        String dk = String.valueOf(decision.get("kind"));
        Map<String, Object> penalty = new LinkedHashMap<>();
        penalty.put("is_fine", dk.equals("penalty"));
        penalty.put("is_warning", dk.equals("warning"));
        long amount = decision.get("amount_yuan") instanceof Number n ? n.longValue() : 0;
        penalty.put("amount_yuan", amount);
        boolean alsoWarned = items.size() > 1 && items.stream().anyMatch(i -> "warning".equals(i.get("kind")));
        penalty.put("text", dk.equals("penalty") ? "罚款人民币" + amount + "元（大写：" + Money.upper(amount) + "）" + (alsoWarned ? "、警告" : "")
                : dk.equals("warning") ? "警告" : "不予行政处罚");
        m.put("penalty", penalty);
        m.put("performance", Map.of("pay_days", rules.performance().payDays(), "channel", rules.performance().channel(),
                "surcharge", rules.performance().surchargePercentPerDay()));
        DocumentRules.Remedies r = rules.remedies();
        // 复议法 第二十三条: against a decision made on the spot (简易程序), 复议 comes first.
        m.put("remedies", Map.of("review_body", r.reviewBody(), "review_days", r.reviewDays(), "court", r.court(), "suit_months", r.suitMonths(),
                "review_first", "simple".equals(decision.get("procedure"))));
        m.put("correction", Map.of("days", rules.correctionDays()));
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
        boolean light = "light".equals(cr.ordinaryFineClass());
        m.put("credit", Map.of("decision_number", decisionNumber, "class_cn", light ? "轻微" : "一般", "min_months", light ? 0 : cr.generalMinMonths(),
                "max_months", light ? cr.lightMaxMonths() : cr.generalMaxMonths(), "channel", cr.channel(), "conditions", cr.conditions(),
                "materials", cr.materials(), "basis", cr.basis()));
        m.put("advice", advice);
        String code = String.valueOf(c.get("action_code"));
        m.put("action_code", code);
        m.put("verify_url", verifyUrl + code);
        m.put("qr", PdfRenderer.qrDataUri(verifyUrl + code));
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

    /** The case with this action code, if any (for the public verification page): the code's reservation names it. */
    public Optional<Map<String, Object>> byActionCode(String code) {
        String caseId = counters.holder(Counters.CODES, code);
        return caseId == null ? Optional.empty() : cases.get(caseId).map(Docs::source)
                .filter(c -> code.equals(c.get("action_code")));
    }

    /** Records a code the provincial platform issued for case {@code id}, refused when another case holds it. */
    public boolean reserveExternalCode(String code, String id) {
        return counters.reserve(Counters.CODES, code, id, "external");
    }

    public DocumentRules rules() {
        return rules;
    }

    private Optional<byte[]> existing(String key) {
        try {
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

    /** One violation's handling with what it rests on: its 罚则 for a fine, 第三十二条/第三十三条 and the list's row for leniency. */
    private String decisionText(Map<String, Object> item, CaseRules.Violation v) {
        CaseRules.LenientRule rule = item.get("lenient_rule") instanceof String r ? caseRules.lenientRule(r) : null;
        String row = rule == null ? "" : "及本机关清单（" + rule.name() + "）";
        return switch (String.valueOf(item.get("kind"))) {
            case "penalty" -> "依据" + v.penaltyBasis() + "的规定，罚款人民币" + item.get("amount_yuan") + "元";
            case "warning" -> "依据《中华人民共和国行政处罚法》第三十二条" + row + "的规定，给予警告";
            default -> "依据《中华人民共和国行政处罚法》第三十三条" + row + "的规定，不予行政处罚，并已对你（单位）进行教育";
        };
    }

    /** One violation's handling in words: 罚款人民币N元 / 警告 / 不予行政处罚. */
    private static String handlingText(Map<String, Object> item) {
        return switch (String.valueOf(item.get("kind"))) {
            case "penalty" -> "罚款人民币" + item.get("amount_yuan") + "元";
            case "warning" -> "警告";
            default -> "不予行政处罚";
        };
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
