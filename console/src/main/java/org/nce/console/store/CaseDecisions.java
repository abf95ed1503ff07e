package org.nce.console.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nce.console.rules.CaseRules;
import org.nce.console.rules.Leniency;
import org.nce.console.web.ApiException;
import org.nce.model.StoreLayout;
import org.springframework.stereotype.Component;

/**
 * A case's violations as the bureau's rules read them (catalogue entry, penalty range for the
 * party, the proposed handling and the rule and facts behind it), and the legal officer's decision,
 * checked against the same rules before it is written: an amount outside the range, or a lenient
 * rule whose conditions the facts do not meet, is refused with the reason.
 */
@Component
public class CaseDecisions {
    /** A 统一社会信用代码 (GB 32100-2015): 18 characters, no I, O, S, V, Z. */
    private static final String USCC = "[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}";

    /** What the legal officer decides on one violation of a case. */
    public record Item(String type, String kind, Long amountYuan, String lenientRule, String harm, Boolean corrected) {
    }

    /**
     * What the legal officer decides. A case with one violation is decided by the flat fields; a case
     * with several (综合查一次) by {@code items}, one per violation type, each with its own handling;
     * {@code party}, {@code note}, {@code procedure} and {@code version} are the case's.
     */
    public record Decision(String kind, Long amountYuan, String lenientRule, String note, String party, String harm, Boolean corrected,
                           String version, String procedure, List<Item> items) {
        public Decision(String kind, Long amountYuan, String lenientRule, String note, String party, String harm, Boolean corrected,
                        String version, String procedure) {
            this(kind, amountYuan, lenientRule, note, party, harm, corrected, version, procedure, null);
        }
    }

    private final ElasticsearchClient es;
    private final CaseStore cases;
    private final CaseRules rules;
    private final Parties parties;
    private final Clock clock;

    public CaseDecisions(ElasticsearchClient es, CaseStore cases, CaseRules rules, Parties parties, Clock clock) {
        this.es = es;
        this.cases = cases;
        this.parties = parties;
        this.rules = rules;
        this.clock = clock;
    }

    /**
     * The party kind of a subject when the decision does not say: a subject id that is a 统一社会信用代码
     * is a unit; of any other (a site id where the gateway names no party) it is not known, and the
     * legal officer must say it.
     */
    public static String partyOf(String subject) {
        return subject != null && subject.matches(USCC) ? "unit" : null;
    }

    /**
     * The violation types of a case, in the order they were first seen: one per type among its alerts
     * that were not dismissed (综合查一次: a case may hold several), else the type it was opened with.
     */
    public List<String> types(Map<String, Object> caseDoc) {
        java.util.LinkedHashSet<String> types = new java.util.LinkedHashSet<>();
        List<Map<String, Object>> alerts = new ArrayList<>(parties.alerts(CaseStore.alertIds(caseDoc)));
        alerts.sort(java.util.Comparator.comparingLong(a -> a.get("event_time_ms") instanceof Number n ? n.longValue() : 0));
        for (Map<String, Object> a : alerts) {
            if (!"dismissed".equals(a.get("status")) && a.get("type") != null) {
                types.add(String.valueOf(a.get("type")));
            }
        }
        if (types.isEmpty()) {
            types.add(String.valueOf(caseDoc.get("type")));
        }
        // One act, one violation (行政处罚法 第二十九条): of the types present that the catalogue makes one act, the one
        // with the higher fine stands for it (按照罚款数额高的规定处罚), the first seen on a tie; only types with a
        // confirmed alert its device's 第四十一条 review allows count, so the act is never stated on evidence that cannot count.
        Set<String> evidenced = new java.util.HashSet<>();
        for (Map<String, Object> a : alerts) {
            if ("confirmed".equals(a.get("status")) && parties.standing(a).usable()) {
                evidenced.add(String.valueOf(a.get("type")));
            }
        }
        List<String> out = new ArrayList<>();
        Set<String> acts = new java.util.HashSet<>();
        for (String t : types) {
            if (!acts.add(actOf(t))) {
                continue;
            }
            String best = null;
            for (String other : types) {
                if (actOf(other).equals(actOf(t)) && (best == null || rank(other, evidenced) > rank(best, evidenced))) {
                    best = other;
                }
            }
            out.add(best);
        }
        return List.copyOf(out);
    }

    /** The act a type belongs to: its catalogue entry's same_act, else the type itself. */
    String actOf(String type) {
        CaseRules.Violation v = rules.violations().get(type);
        return v == null || v.sameAct() == null ? type : "act:" + v.sameAct();
    }

    /** Evidence that can count first, then the higher fine. */
    private long rank(String type, Set<String> evidenced) {
        CaseRules.Violation v = rules.violations().get(type);
        return (evidenced.contains(type) ? 1L << 40 : 0) + (v == null ? 0 : v.maxYuan());
    }

    /** The types of one act with {@code type} (itself alone when it has no same_act): the lenient list reads their history together. */
    private List<String> sameActTypes(String type) {
        return rules.violations().keySet().stream().filter(t -> actOf(t).equals(actOf(type))).sorted().toList();
    }

    /** The violations of a case, for its JSON: one per violation type, each with its legal basis and proposed handling. */
    public List<Map<String, Object>> violations(Map<String, Object> caseDoc) {
        String subject = (String) caseDoc.get("subject");
        org.nce.console.rules.Registry.Subject registered = parties.of(caseDoc);
        String party = caseDoc.get("decision") instanceof Map<?, ?> d && d.get("party") instanceof String p ? p
                : registered != null ? registered.kind() : partyOf(subject);
        Map<String, Object> standing = new LinkedHashMap<>(standing(caseDoc));
        standing.remove("confirmed"); // the alerts themselves are in the case's timeline
        List<Map<String, Object>> all = new ArrayList<>();
        for (String type : types(caseDoc)) {
            CaseRules.Violation v = rules.violations().get(type);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", type);
            if (v == null) {
                out.put("problem", "violation type " + type + " is not in the catalogue (violations.yaml)");
                all.add(out);
                continue;
            }
            out.put("name", v.name());
            out.put("subject", Parties.view(registered));
            out.put("evidence_standing", standing);
            out.put("legal_basis", Map.of("illegal", v.illegalBasis(), "penalty", v.penaltyBasis(), "local_rule", v.localRule(),
                    "source", v.source(), "review", rules.catalogueReview()));
            out.put("party", party);
            CaseRules.Range range = party == null ? null : v.penalty().get(party);
            out.put("penalty_range", range == null ? null : Map.of("min_yuan", range.minYuan(), "max_yuan", range.maxYuan()));
            Map<String, Object> ranges = new LinkedHashMap<>();
            v.penalty().forEach((k, r) -> ranges.put(k, Map.of("min_yuan", r.minYuan(), "max_yuan", r.maxYuan())));
            out.put("penalty_ranges", ranges);
            Leniency.Proposal p = Leniency.propose(rules, type, history(subject, type, (String) caseDoc.get("id")), facts(caseDoc, type),
                    actAt(caseDoc));
            Map<String, Object> proposal = new LinkedHashMap<>();
            proposal.put("handling", p.handling());
            proposal.put("rule", p.rule());
            proposal.put("rule_name", p.ruleName());
            proposal.put("reasons", p.reasons());
            proposal.put("awaiting", p.awaiting());
            out.put("proposed_handling", proposal);
            all.add(out);
        }
        return all;
    }

    /** Records the decision and moves the case from reviewed to decided, or refuses with the reason. */
    public Docs decide(String id, Decision d, String user, Set<String> roles, java.util.function.Function<List<String>, List<String>> reviewStatuses) {
        // The same checks as any move (version, reviewed → decided by legal, a confirmed alert), then the rules'.
        Docs doc = cases.movable(id, "decided", roles, d.version(), reviewStatuses);
        String subject = (String) doc.source().get("subject");
        List<String> types = types(doc.source());
        List<Item> items = items(d, types);
        for (Item item : items) {
            if (rules.violations().get(item.type()) == null) {
                throw ApiException.conflict("not_in_catalogue", "violation type " + item.type() + " is not in the catalogue; the legal office "
                        + "adds it to violations.yaml");
            }
        }
        Map<String, Object> standing = standing(doc.source());
        if (Boolean.FALSE.equals(standing.get("usable"))) {
            // 行政处罚法 第四十一条第二款: 未经审核或者经审核不符合要求的，不得作为行政处罚的证据.
            throw ApiException.conflict("evidence_not_usable", "no confirmed alert of this case comes from a device whose 第四十一条 review "
                    + "held when it recorded, so no decision can rest on it: " + standing.get("reasons"));
        }
        org.nce.console.rules.Registry.Subject registered = parties.of(doc.source());
        String inferred = registered != null ? registered.kind() : partyOf(subject);
        String party = d.party() != null ? d.party() : inferred;
        if (party == null) {
            throw ApiException.badRequest("party_needed", "subject " + subject + " is not a 统一社会信用代码, so whether the party is an "
                    + "individual or a unit is not known: say it (party)");
        }
        if (registered != null && !registered.kind().equals(party)) {
            // The documents print the registered party; a decision for another kind of party would not fit them.
            throw ApiException.badRequest("party_kind_differs", "the registry has " + registered.name() + " as " + registered.kind()
                    + "; a decision for a party of kind " + party + " needs the registry corrected first");
        }
        if (inferred != null && !inferred.equals(party) && (d.note() == null || d.note().isBlank())) {
            throw ApiException.badRequest("party_override_needs_note", (registered != null ? "the registry has " + registered.name() + " as "
                    + inferred : "subject " + subject + " is a 统一社会信用代码 (a unit)") + "; deciding it as " + party + " needs a note saying why");
        }
        // 第四十一条 for each violation on its own: a violation whose only records come from devices without a valid
        // review cannot be fined on them, even when another violation of the case can.
        @SuppressWarnings("unchecked")
        List<String> usableIds = (List<String>) standing.get("usable_ids");
        List<Map<String, Object>> confirmed = (List<Map<String, Object>>) standing.get("confirmed");
        for (Item item : items) {
            boolean usable = confirmed.stream().anyMatch(a -> actOf(String.valueOf(a.get("type"))).equals(actOf(item.type()))
                    && usableIds.contains(String.valueOf(a.get("alert_id"))));
            if (!usable) {
                throw ApiException.conflict("evidence_not_usable", "no confirmed alert of violation " + item.type() + " comes from a device "
                        + "whose 第四十一条 review held when it recorded, so it cannot be decided on this evidence: " + standing.get("reasons"));
            }
        }
        List<Map<String, Object>> decided = new ArrayList<>();
        for (Item item : items) {
            decided.add(decideOne(item, party, subject, id, doc.source()));
        }
        Map<String, Object> decision = new LinkedHashMap<>();
        // The case's handling as a whole: a fine if any violation is fined (合并执行, their amounts added), else
        // a warning if any is warned, else no penalty. Each violation keeps its own in violations[].
        String kind = decided.stream().anyMatch(x -> x.get("kind").equals("penalty")) ? "penalty"
                : decided.stream().anyMatch(x -> x.get("kind").equals("warning")) ? "warning" : "no_penalty";
        decision.put("kind", kind);
        decision.put("party", party);
        if (kind.equals("penalty")) {
            decision.put("amount_yuan", decided.stream().filter(x -> x.get("amount_yuan") instanceof Long).mapToLong(x -> (Long) x.get("amount_yuan")).sum());
        }
        if (decided.size() == 1) {
            // One violation: its fields at the top, as a case of one violation always had them.
            decided.get(0).forEach((k, v) -> {
                if (!k.equals("type")) {
                    decision.put(k, v);
                }
            });
        } else {
            decision.put("simple_procedure_allowed", false); // 第五十一条 is for one act on the spot
        }
        // The procedure used (not merely allowed): it decides the remedies' wording (复议法 第二十三条) and the
        // documents served (a simple-procedure fine is not published in Zhejiang, so no credit-repair notice).
        String procedure = d.procedure() == null ? "ordinary" : d.procedure();
        if (procedure.equals("simple") && !Boolean.TRUE.equals(decision.get("simple_procedure_allowed"))) {
            throw ApiException.badRequest("simple_not_allowed", "the simple procedure (当场) is for one violation fined at most "
                    + rules.simpleProcedureMaxYuan().get(party) + " yuan for a party of kind " + party + ", or a warning (第五十一条)");
        }
        decision.put("procedure", procedure);
        decision.put("violations", decided);
        // The evidence the decision rests on, as its devices' reviews stood: a later lapse or renewal does not undo it.
        decision.put("evidence_alert_ids", standing.get("usable_ids"));
        if (d.note() != null && !d.note().isBlank()) {
            decision.put("note", d.note());
        }
        decision.put("by", user);
        decision.put("at", clock.millis());
        decision.put("catalogue_review", rules.catalogueReview());
        Map<String, Object> change = cases.statusChange(doc, "decided", describe(decision), user);
        change.put("decision", decision);
        return cases.write(doc, change);
    }

    /** The decision's items: the flat fields for a case of one violation, else one item per violation, each exactly once. */
    private static List<Item> items(Decision d, List<String> types) {
        if (d.items() == null || d.items().isEmpty()) {
            if (types.size() > 1) {
                throw ApiException.badRequest("violations_needed", "this case holds " + types.size() + " violations " + types
                        + " (综合查一次): decide each in violations[] ({type, kind, amount_yuan, lenient_rule, harm, corrected})");
            }
            if (d.kind() == null) {
                throw ApiException.badRequest("kind", "kind is penalty, warning or no_penalty");
            }
            return List.of(new Item(types.get(0), d.kind(), d.amountYuan(), d.lenientRule(), d.harm(), d.corrected()));
        }
        List<String> given = d.items().stream().map(Item::type).toList();
        if (given.size() != new java.util.HashSet<>(given).size() || !new java.util.HashSet<>(given).equals(new java.util.HashSet<>(types))) {
            throw ApiException.badRequest("violations_mismatch", "decide each violation of the case once: " + types + "; got " + given);
        }
        // In the case's order, whatever order they came in.
        return types.stream().map(t -> d.items().stream().filter(i -> i.type().equals(t)).findFirst().orElseThrow()).toList();
    }

    /** One violation's decision, checked against its catalogue entry and the lenient list, or refused with the reason. */
    private Map<String, Object> decideOne(Item d, String party, String subject, String caseId, Map<String, Object> caseDoc) {
        String type = d.type();
        CaseRules.Violation v = rules.violations().get(type);
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("type", type);
        decision.put("kind", d.kind());
        switch (d.kind() == null ? "" : d.kind()) {
            case "penalty" -> {
                CaseRules.Range range = v.penalty().get(party);
                if (range == null) {
                    throw ApiException.badRequest("no_range", "the catalogue has no fine for a party of kind " + party + " for " + type
                            + " (" + v.penaltyBasis() + ")");
                }
                if (d.amountYuan() == null || d.amountYuan() < Math.max(1, range.minYuan()) || d.amountYuan() > range.maxYuan()) {
                    throw ApiException.badRequest("amount_out_of_range", "a fine for " + v.name() + " (" + party + ") is " + Math.max(1, range.minYuan())
                            + "–" + range.maxYuan() + " yuan under " + v.penaltyBasis() + "; got " + d.amountYuan());
                }
                if (d.lenientRule() != null) {
                    throw ApiException.badRequest("lenient_with_penalty", "a lenient rule leads to a warning or no penalty, not a fine");
                }
                decision.put("amount_yuan", d.amountYuan());
                // 第五十一条 allows 当场 (simple) handling up to these amounts; it does not require it.
                Long simpleMax = rules.simpleProcedureMaxYuan().get(party);
                decision.put("simple_procedure_allowed", simpleMax != null && d.amountYuan() <= simpleMax);
            }
            case "warning", "no_penalty" -> {
                if (d.amountYuan() != null && d.amountYuan() != 0) {
                    throw ApiException.badRequest("amount_without_fine", "a " + d.kind() + " carries no fine; leave amount_yuan out");
                }
                if (d.lenientRule() == null) {
                    // The catalogue lists fines only: a warning or no penalty rests on a row of the lenient list.
                    throw ApiException.badRequest("lenient_rule_needed", d.kind().equals("no_penalty")
                            ? "no penalty rests on a lenient rule (行政处罚法 第三十三条): name it"
                            : "a warning instead of the catalogue's fine rests on a lenient rule (lenient.yaml): name it");
                }
                CaseRules.LenientRule rule = rules.lenientRule(d.lenientRule());
                if (rule == null) {
                    throw ApiException.badRequest("no_such_rule", "no lenient rule " + d.lenientRule() + " in lenient.yaml");
                }
                boolean fits = d.kind().equals("warning") ? rule.handling().equals("warning") : !rule.handling().equals("warning");
                if (!fits) {
                    throw ApiException.badRequest("rule_handling", "rule " + rule.id() + " proposes " + rule.handling() + ", not " + d.kind());
                }
                Leniency.Check c = Leniency.check(rule, type, history(subject, type, caseId), new Leniency.Facts(d.harm(), d.corrected()),
                        actAt(caseDoc));
                if (!c.holds()) {
                    List<String> why = new ArrayList<>(c.unmet());
                    why.addAll(c.awaiting());
                    throw ApiException.conflict("lenient_conditions_not_met", "rule " + rule.id() + " (" + rule.name() + ") does not hold: "
                            + String.join("; ", why));
                }
                decision.put("lenient_rule", rule.id());
                decision.put("lenient_facts", c.met());
                if (!rule.handling().equals("warning")) {
                    decision.put("education", true); // 行政处罚法 第三十三条第三款
                }
                if (d.kind().equals("warning")) {
                    decision.put("simple_procedure_allowed", true); // 第五十一条: a warning may be given on the spot
                }
            }
            default -> throw ApiException.badRequest("kind", "kind is penalty, warning or no_penalty" + (d.type() == null ? "" : " (" + type + ")"));
        }
        if (d.harm() != null) {
            decision.put("harm", d.harm());
        }
        if (d.corrected() != null) {
            decision.put("corrected", d.corrected());
        }
        return decision;
    }

    /**
     * Whether the case's evidence may carry a decision (第四十一条): usable when at least one confirmed
     * alert's device was reviewed when it recorded; the reasons name each alert that cannot count.
     */
    private Map<String, Object> standing(Map<String, Object> caseDoc) {
        List<Map<String, Object>> confirmed = parties.confirmedAlerts(caseDoc);
        List<String> reasons = new ArrayList<>();
        List<String> usableIds = new ArrayList<>();
        int usable = 0;
        for (Map<String, Object> a : confirmed) {
            org.nce.console.rules.Registry.Standing st = parties.standing(a);
            if (st.usable()) {
                usable++;
                usableIds.add(String.valueOf(a.get("alert_id")));
            } else {
                reasons.add(a.get("alert_id") + ": " + String.join("；", st.reasons()));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("usable", confirmed.isEmpty() ? null : usable > 0);
        out.put("usable_alerts", usable);
        out.put("usable_ids", usableIds);
        out.put("reasons", reasons);
        out.put("confirmed", confirmed);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String describe(Map<String, Object> d) {
        if (d.get("violations") instanceof List<?> l && l.size() > 1) {
            List<String> parts = new ArrayList<>();
            for (Object o : l) {
                Map<String, Object> x = (Map<String, Object>) o;
                parts.add(x.get("type") + " " + describeOne(x));
            }
            return String.join("；", parts) + (d.get("amount_yuan") != null ? "；合并罚款 " + d.get("amount_yuan") + " 元" : "");
        }
        return describeOne(d);
    }

    private static String describeOne(Map<String, Object> d) {
        return switch (String.valueOf(d.get("kind"))) {
            case "penalty" -> "罚款 " + d.get("amount_yuan") + " 元";
            case "warning" -> "警告" + (d.get("lenient_rule") == null ? "" : "（" + d.get("lenient_rule") + "）");
            default -> "不予行政处罚（" + d.get("lenient_rule") + "）";
        };
    }

    /** The facts recorded for one violation of the case's decision (harm, corrected), if decided. */
    private static Leniency.Facts facts(Map<String, Object> caseDoc, String type) {
        if (caseDoc.get("decision") instanceof Map<?, ?> d) {
            Map<?, ?> x = d;
            if (d.get("violations") instanceof List<?> l) {
                for (Object o : l) {
                    if (o instanceof Map<?, ?> m && type.equals(m.get("type"))) {
                        x = m;
                    }
                }
            }
            return new Leniency.Facts(x.get("harm") instanceof String h ? h : null, x.get("corrected") instanceof Boolean b ? b : null);
        }
        return Leniency.Facts.NONE;
    }

    /** When the case's act took place: its opening (its first alert). */
    private long actAt(Map<String, Object> caseDoc) {
        return caseDoc.get("opened_at") instanceof Number n ? n.longValue() : clock.millis();
    }

    /**
     * The subject's decided cases of this type (at most 1000), not counting {@code exceptId}; null when
     * there is no subject. Unsorted: {@code decision.*} may not be mapped yet on an index the console
     * has not written to, and a sort on an unmapped field fails the search.
     */
    @SuppressWarnings({"rawtypes"})
    List<Leniency.Prior> history(String subject, String type, String exceptId) {
        if (subject == null || subject.isBlank()) {
            return null;
        }
        // The same act under another type counts too (lampblack over the limit, the purifier off).
        List<co.elastic.clients.elasticsearch._types.FieldValue> acts = sameActTypes(type).stream()
                .map(co.elastic.clients.elasticsearch._types.FieldValue::of).toList();
        Set<String> actTypes = new java.util.HashSet<>(sameActTypes(type));
        return Docs.read(() -> {
            SearchResponse<Map> r = es.search(s -> s.index(StoreLayout.CASES).size(1000)
                    .query(q -> q.bool(b -> {
                        // The type a case opened with, or one of the violations decided in it (综合查一次).
                        b.filter(f -> f.term(t -> t.field("subject").value(subject)))
                                .filter(f -> f.bool(o -> o.should(x -> x.terms(t -> t.field("type").terms(v -> v.value(acts))))
                                        .should(x -> x.terms(t -> t.field("decision.violations.type").terms(v -> v.value(acts)))).minimumShouldMatch("1")))
                                .filter(f -> f.exists(e -> e.field("decision.kind")));
                        if (exceptId != null) {
                            b.mustNot(m -> m.ids(i -> i.values(exceptId)));
                        }
                        return b;
                    })), Map.class);
            List<Leniency.Prior> out = new ArrayList<>();
            for (Hit<Map> h : r.hits().hits()) {
                if (h.source().get("decision") instanceof Map<?, ?> d && h.source().get("opened_at") instanceof Number at) {
                    String kind = null;
                    if (d.get("violations") instanceof List<?> l) {
                        for (Object o : l) {
                            if (o instanceof Map<?, ?> m && actTypes.contains(String.valueOf(m.get("type")))) {
                                kind = String.valueOf(m.get("kind"));
                            }
                        }
                    }
                    if (kind == null && !(d.get("violations") instanceof List<?>) && actTypes.contains(String.valueOf(h.source().get("type")))) {
                        // a decision from before violations were recorded one by one: the case's own type
                        kind = String.valueOf(d.get("kind"));
                    }
                    if (kind != null) {
                        out.add(new Leniency.Prior(h.id(), kind, at.longValue()));
                    }
                }
            }
            return out;
        }, List.of());
    }
}
