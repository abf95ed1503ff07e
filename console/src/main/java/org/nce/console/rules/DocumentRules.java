package org.nce.console.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The served documents as data ({@code documents.yaml}): the issuing organ, the 文号 patterns, the
 * remedies and deadlines the decision states, which documents each decision is served with, the
 * credit-repair terms and the 行政行为码 scheme. Validated whole at start like the case rules; the
 * document texts are the templates beside it ({@code templates/<kind>.html}).
 */
public record DocumentRules(String review, Organ organ, Map<String, String> numbering, Remedies remedies, Performance performance,
                            int correctionDays, Map<String, String> correctionWhat, Credit credit, Map<String, List<String>> bundles, ActionCode actionCode,
                            Map<String, List<String>> complianceAdvice) {
    /** The document kinds and their titles; a template {@code templates/<kind>.html} exists for each. */
    public static final Map<String, String> KINDS = kinds();
    public static final Set<String> BUNDLES = Set.of("penalty_unit", "penalty_unit_simple", "penalty_individual", "warning", "no_penalty");

    public record Organ(String name, String shortName, String seal, String address, String phone, String areaCode) {
    }

    public record Remedies(String reviewBody, int reviewDays, String court, int suitMonths, String source) {
    }

    public record Performance(int payDays, String channel, int surchargePercentPerDay, String source) {
    }

    /** {@code ordinaryFineClass}: the 第36号 class (general or light) of a fine in the ordinary procedure, which the notice states. */
    public record Credit(String ordinaryFineClass, int generalMinMonths, int generalMaxMonths, int lightMaxMonths, String channel,
                         List<String> conditions, List<String> materials, String basis, String source) {
    }

    public record ActionCode(String organCode, String verifyUrl) {
    }

    private static Map<String, String> kinds() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("penalty_decision", "行政处罚决定书");
        k.put("no_penalty_decision", "不予行政处罚决定书");
        k.put("correction_notice", "责令限期改正通知书");
        k.put("credit_repair_notice", "行政处罚信息信用修复告知书");
        k.put("compliance_advice", "行政合规建议书");
        return java.util.Collections.unmodifiableMap(k);
    }

    public DocumentRules {
        numbering = Map.copyOf(numbering);
        bundles = Map.copyOf(bundles);
        complianceAdvice = Map.copyOf(complianceAdvice);
        correctionWhat = Map.copyOf(correctionWhat);
    }

    /** From {@code dir/documents.yaml}, or the shipped one when {@code dir} is null. */
    public static DocumentRules load(Path dir) {
        List<String> problems = new ArrayList<>();
        JsonNode n = CaseRules.read(dir, "documents.yaml", problems);
        DocumentRules rules = n == null ? null : parse(n, problems);
        for (String kind : KINDS.keySet()) {
            String name = "templates/" + kind + ".html";
            boolean present = dir == null ? DocumentRules.class.getResource("/rules/" + name) != null
                    : java.nio.file.Files.isReadable(dir.resolve(name));
            if (!present) {
                problems.add(name + ": the template of " + KINDS.get(kind) + " is missing");
            }
        }
        if (!problems.isEmpty()) {
            throw new CaseRules.Refused(problems);
        }
        return rules;
    }

    static DocumentRules parse(JsonNode n, List<String> problems) {
        CaseRules.Problems p = new CaseRules.Problems(problems);
        String f = "documents.yaml";
        String review = p.text(n, f, "review", Set.of("needs_legal_review", "reviewed"));
        JsonNode o = n.path("organ");
        String area = p.text(o, f + ": organ", "area_code", null);
        if (area != null && !area.matches("\\d{6}")) {
            p.add(f + ": organ.area_code: '" + area + "' is not a 6-digit GB/T 2260 code");
        }
        Organ organ = new Organ(p.text(o, f + ": organ", "name", null), p.text(o, f + ": organ", "short", null),
                p.text(o, f + ": organ", "seal", null), o.path("address").asText(""), o.path("phone").asText(""), area);
        Map<String, String> numbering = new LinkedHashMap<>();
        for (String kind : List.of("case", "penalty_decision", "no_penalty_decision", "correction_notice", "credit_repair_notice",
                "compliance_advice")) {
            String pattern = p.text(n.path("numbering"), f + ": numbering", kind, null);
            if (pattern != null && !pattern.contains("{seq}")) {
                p.add(f + ": numbering." + kind + ": '" + pattern + "' has no {seq}: two documents would share a number");
            } else if (pattern != null) {
                numbering.put(kind, pattern);
            }
        }
        JsonNode r = n.path("remedies");
        Remedies remedies = new Remedies(p.text(r, f + ": remedies", "review_body", null), days(p, r, f + ": remedies", "review_days", 60, 60),
                p.text(r, f + ": remedies", "court", null), days(p, r, f + ": remedies", "suit_months", 6, 6), p.text(r, f + ": remedies", "source", null));
        JsonNode pf = n.path("performance");
        Performance performance = new Performance(days(p, pf, f + ": performance", "pay_days", 15, 15),
                p.text(pf, f + ": performance", "channel", null), days(p, pf, f + ": performance", "surcharge_percent_per_day", 3, 3),
                p.text(pf, f + ": performance", "source", null));
        int correctionDays = days(p, n.path("correction"), f + ": correction", "days", 1, 365);
        Map<String, String> correctionWhat = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.path("correction").path("what").properties()) {
            String what = p.text(n.path("correction").path("what"), f + ": correction.what", e.getKey(), null);
            if (what != null) {
                correctionWhat.put(e.getKey(), what);
            }
        }
        if (!correctionWhat.containsKey("default")) {
            p.add(f + ": correction.what.default: missing (what an order to correct asks for a type without its own)");
        }
        JsonNode c = n.path("credit");
        Credit credit = new Credit(p.text(c, f + ": credit", "ordinary_fine_class", Set.of("general", "light")),
                days(p, c, f + ": credit", "general_min_months", 1, 36), days(p, c, f + ": credit", "general_max_months", 1, 36),
                days(p, c, f + ": credit", "light_max_months", 0, 36), p.text(c, f + ": credit", "channel", null), texts(p, c, f + ": credit", "conditions"),
                texts(p, c, f + ": credit", "materials"), p.text(c, f + ": credit", "basis", null), p.text(c, f + ": credit", "source", null));
        if (credit.generalMinMonths() > credit.generalMaxMonths()) {
            p.add(f + ": credit: general_min_months " + credit.generalMinMonths() + " is above general_max_months " + credit.generalMaxMonths());
        }
        Map<String, List<String>> bundles = new LinkedHashMap<>();
        for (String b : BUNDLES) {
            List<String> kinds = texts(p, n.path("bundles"), f + ": bundles", b);
            for (String k : kinds) {
                if (!KINDS.containsKey(k)) {
                    p.add(f + ": bundles." + b + ": '" + k + "' is not a document kind " + KINDS.keySet());
                }
            }
            bundles.put(b, kinds);
        }
        for (Map.Entry<String, JsonNode> e : n.path("bundles").properties()) {
            if (!BUNDLES.contains(e.getKey())) {
                p.add(f + ": bundles." + e.getKey() + ": not a bundle " + new java.util.TreeSet<>(BUNDLES));
            }
        }
        // 第五十九条 and 第三十三条: a decision is served with its decision document, whatever else goes with it.
        for (String b : List.of("penalty_unit", "penalty_unit_simple", "penalty_individual", "warning")) {
            if (bundles.containsKey(b) && !bundles.get(b).contains("penalty_decision")) {
                p.add(f + ": bundles." + b + ": has no penalty_decision (行政处罚法 第五十九条; a warning is a penalty, 第九条)");
            }
        }
        if (bundles.containsKey("no_penalty") && !bundles.get("no_penalty").contains("no_penalty_decision")) {
            p.add(f + ": bundles.no_penalty: has no no_penalty_decision");
        }
        JsonNode a = n.path("action_code");
        String organCode = p.text(a, f + ": action_code", "organ_code", null);
        if (organCode != null && !organCode.matches("\\d{2}")) {
            p.add(f + ": action_code.organ_code: '" + organCode + "' is not 2 digits");
        }
        String verifyUrl = p.text(a, f + ": action_code", "verify_url", null);
        if (verifyUrl != null && !verifyUrl.matches("https?://[^\\s]+/")) {
            p.add(f + ": action_code.verify_url: '" + verifyUrl + "' is not an http(s) address ending in /");
        }
        Map<String, List<String>> advice = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.path("compliance_advice").properties()) {
            advice.put(e.getKey(), texts(p, n.path("compliance_advice"), f + ": compliance_advice", e.getKey()));
        }
        if (!advice.containsKey("default")) {
            p.add(f + ": compliance_advice.default: missing (the advice for a type without its own)");
        }
        return problems.isEmpty() ? new DocumentRules(review, organ, numbering, remedies, performance, correctionDays, correctionWhat, credit, bundles,
                new ActionCode(organCode, verifyUrl), advice) : null;
    }

    /** The bundle a decision is served with: its kind, the party, and whether the simple procedure was allowed. */
    public List<String> bundle(String decisionKind, String party, boolean simple) {
        return switch (decisionKind) {
            case "penalty" -> bundles.get(!"unit".equals(party) ? "penalty_individual" : simple ? "penalty_unit_simple" : "penalty_unit");
            case "warning" -> bundles.get("warning");
            default -> bundles.get("no_penalty");
        };
    }

    public String correctionOf(String type) {
        return correctionWhat.getOrDefault(type, correctionWhat.get("default"));
    }

    public List<String> advice(String type) {
        return complianceAdvice.getOrDefault(type, complianceAdvice.get("default"));
    }

    /** A 文号 from its pattern. */
    public String number(String kind, int year, long seq) {
        return numbering.get(kind).replace("{short}", organ.shortName()).replace("{year}", Integer.toString(year))
                .replace("{seq}", Long.toString(seq));
    }

    /**
     * A locally minted 行政行为码: area (6) + organ (2) + year (2) + sequence (6) + ISO 7064 MOD 11-2
     * check character (0-9 or X), as the Fujian 一案一码 layout (legal-and-hearing.md §3).
     */
    public String localActionCode(int year, long seq) {
        String body = organ.areaCode() + actionCode.organCode() + String.format("%02d%06d", year % 100, seq);
        return body + mod11x2(body);
    }

    static char mod11x2(String digits) {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            sum = (sum + (digits.charAt(i) - '0')) * 2 % 11;
        }
        int check = (12 - sum % 11) % 11;
        return check == 10 ? 'X' : (char) ('0' + check);
    }

    private static int days(CaseRules.Problems p, JsonNode n, String where, String key, int min, int max) {
        Long v = p.amount(n, where, key);
        if (v == null) {
            return min;
        }
        if (v < min || v > max) {
            p.add(where + "." + key + ": " + v + " is outside " + min + ".." + max + (min == max ? " (the statute's figure)" : ""));
        }
        return v.intValue();
    }

    private static List<String> texts(CaseRules.Problems p, JsonNode n, String where, String key) {
        JsonNode v = n.path(key);
        List<String> out = new ArrayList<>();
        if (!v.isArray() || v.isEmpty()) {
            p.add(where + "." + key + ": missing or empty (a list)");
            return out;
        }
        for (JsonNode x : v) {
            if (!x.isTextual() || x.asText().isBlank()) {
                p.add(where + "." + key + ": " + x + " is not text");
            } else {
                out.add(x.asText());
            }
        }
        return out;
    }
}
