package org.nce.console.rules;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bureau's case rules as data: the violation catalogue ({@code violations.yaml}: 违则, 罚则,
 * penalty range per party, with sources) and the lenient list ({@code lenient.yaml}: 首违不罚 /
 * 轻微不罚 rows with their conditions). Read once at start and validated whole: a broken file is
 * refused with every problem named (file, key, what is wrong), never half-loaded.
 */
public record CaseRules(String catalogueReview, Map<String, Long> simpleProcedureMaxYuan, Map<String, Violation> violations,
                        List<LenientRule> lenient) {
    public static final Set<String> PARTIES = Set.of("individual", "unit");
    public static final Set<String> HARMS = Set.of("none", "slight", "serious");
    public static final Set<String> HANDLINGS = Set.of("no_penalty_with_education", "warning", "order_to_correct");
    public static final Set<String> BRANCHES = Set.of("first_violation", "minor", "lighter");

    public record Range(long minYuan, long maxYuan) {
    }

    /**
     * One catalogue entry. {@code penalty} is keyed by party ({@code individual}, {@code unit}).
     * {@code sameAct}: entries with the same value are one act in law (行政处罚法 第二十九条: 同一个违法行为
     * 不得给予两次以上罚款): in one case they are one violation, fined once; null for an act of its own.
     */
    public record Violation(String type, String name, String illegalBasis, String penaltyBasis, String localRule,
                            Map<String, Range> penalty, String source, String sameAct) {
        /** The highest fine the entry allows for any party: 第二十九条 applies the provision with the higher fine. */
        public long maxYuan() {
            return penalty.values().stream().mapToLong(Range::maxYuan).max().orElse(0);
        }
    }

    /** One lenient-list row; see {@code lenient.yaml} for what each condition means. */
    public record LenientRule(String id, String name, String branch, List<String> appliesTo, int lookbackDays, int maxPrior,
                              String maxHarm, boolean corrected, String handling, String source) {
    }

    /** The rule files were refused; {@link #problems()} names each. */
    public static final class Refused extends RuntimeException {
        private final List<String> problems;

        Refused(List<String> problems) {
            super("the case rules were refused, " + problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    public CaseRules {
        simpleProcedureMaxYuan = Map.copyOf(simpleProcedureMaxYuan);
        violations = Map.copyOf(violations);
        lenient = List.copyOf(lenient);
    }

    /** From {@code dir} ({@code violations.yaml}, {@code lenient.yaml}), or the shipped defaults when {@code dir} is null. */
    public static CaseRules load(Path dir) {
        List<String> problems = new ArrayList<>();
        JsonNode catalogue = read(dir, "violations.yaml", problems);
        JsonNode lenient = read(dir, "lenient.yaml", problems);
        CaseRules rules = catalogue == null || lenient == null ? null : parse(catalogue, lenient, problems);
        if (!problems.isEmpty()) {
            throw new Refused(problems);
        }
        return rules;
    }

    /** Parses both files' trees, adding every problem found to {@code problems}. */
    static CaseRules parse(JsonNode catalogue, JsonNode lenientFile, List<String> problems) {
        Problems p = new Problems(problems);
        String review = p.text(catalogue, "violations.yaml", "review", Set.of("needs_legal_review", "reviewed"));
        if ("reviewed".equals(review) && catalogue.path("reviewed_by").asText("").isBlank()) {
            p.add("violations.yaml.reviewed_by: a reviewed catalogue names who reviewed it (the legal office's reference)");
        }
        Set<String> types = new java.util.TreeSet<>();
        for (org.nce.model.EventType t : org.nce.model.EventType.values()) {
            types.add(t.wireName());
        }
        Map<String, Long> simple = new LinkedHashMap<>();
        JsonNode simpleNode = catalogue.path("simple_procedure_max_yuan");
        for (String party : PARTIES) {
            Long v = p.amount(simpleNode, "violations.yaml: simple_procedure_max_yuan", party);
            if (v != null) {
                simple.put(party, v);
            }
        }
        Map<String, Violation> violations = new LinkedHashMap<>();
        JsonNode vs = catalogue.path("violations");
        if (!vs.isObject() || vs.isEmpty()) {
            p.add("violations.yaml: violations: missing or empty (a map of violation type to its entry)");
        }
        for (Map.Entry<String, JsonNode> e : vs.properties()) {
            String where = "violations.yaml: violations." + e.getKey();
            if (!e.getKey().matches("[a-z_]{1,64}")) {
                p.add(where + ": a violation type is a-z and _ only");
            } else if (!types.contains(e.getKey())) {
                p.add(where + ": not a violation type the pipeline raises " + types);
            }
            JsonNode v = e.getValue();
            Map<String, Range> penalty = new LinkedHashMap<>();
            JsonNode pn = v.path("penalty");
            if (!pn.isObject() || pn.isEmpty()) {
                p.add(where + ".penalty: missing (individual and/or unit, each {min_yuan, max_yuan})");
            }
            for (Map.Entry<String, JsonNode> r : pn.properties()) {
                String rw = where + ".penalty." + r.getKey();
                if (!PARTIES.contains(r.getKey())) {
                    p.add(rw + ": the party is individual or unit");
                    continue;
                }
                Long min = p.amount(r.getValue(), rw, "min_yuan");
                Long max = p.amount(r.getValue(), rw, "max_yuan");
                if (min != null && max != null) {
                    if (min > max) {
                        p.add(rw + ": min_yuan " + min + " is above max_yuan " + max);
                    } else {
                        penalty.put(r.getKey(), new Range(min, max));
                    }
                }
            }
            violations.put(e.getKey(), new Violation(e.getKey(), p.text(v, where, "name", null), p.text(v, where, "illegal_basis", null),
                    p.text(v, where, "penalty_basis", null), v.path("local_rule").asText(""), penalty, p.text(v, where, "source", null),
                    v.hasNonNull("same_act") ? v.path("same_act").asText() : null));
        }
        List<LenientRule> rules = new ArrayList<>();
        JsonNode rs = lenientFile.path("rules");
        if (!rs.isArray()) {
            p.add("lenient.yaml: rules: missing (a list of rules)");
        }
        Set<String> ids = new LinkedHashSet<>();
        int i = 0;
        for (JsonNode r : rs) {
            String where = "lenient.yaml: rules[" + i++ + "]" + (r.hasNonNull("id") ? " (" + r.get("id").asText() + ")" : "");
            String id = p.text(r, where, "id", null);
            if (id != null && !id.matches("[a-z0-9-]{1,64}")) {
                p.add(where + ".id: a rule id is a-z, 0-9 and - only");
            }
            if (id != null && !ids.add(id)) {
                p.add(where + ".id: '" + id + "' is used twice");
            }
            List<String> applies = new ArrayList<>();
            if (!r.path("applies_to").isArray() || r.path("applies_to").isEmpty()) {
                p.add(where + ".applies_to: missing (a list of violation types)");
            }
            for (JsonNode t : r.path("applies_to")) {
                if (!violations.containsKey(t.asText())) {
                    p.add(where + ".applies_to: '" + t.asText() + "' is not a violation type of violations.yaml " + violations.keySet());
                }
                applies.add(t.asText());
            }
            Long lookback = p.amount(r, where, "lookback_days");
            Long maxPrior = p.amount(r, where, "max_prior");
            if (lookback != null && (lookback < 1 || lookback > 3650)) {
                p.add(where + ".lookback_days: " + lookback + " is outside 1..3650");
            }
            if (!r.path("corrected").isBoolean()) {
                p.add(where + ".corrected: missing or not true/false");
            }
            LenientRule rule = new LenientRule(id, p.text(r, where, "name", null), p.text(r, where, "branch", BRANCHES), applies,
                    lookback == null ? 0 : lookback.intValue(), maxPrior == null ? 0 : maxPrior.intValue(),
                    p.text(r, where, "max_harm", Set.of("none", "slight")), r.path("corrected").asBoolean(),
                    p.text(r, where, "handling", HANDLINGS), p.text(r, where, "source", null));
            consistentWithArticle33(rule, where, p);
            rules.add(rule);
        }
        return problems.isEmpty() ? new CaseRules(review, simple, violations, rules) : null;
    }

    /**
     * A row must fit its branch: 第三十三条 gives no penalty for a minor act only with no harm and a
     * correction, for a first act only when it is the first and corrected; a lighter handling
     * (第三十二条) is a warning, not no penalty.
     */
    private static void consistentWithArticle33(LenientRule r, String where, Problems p) {
        if (r.branch() == null || r.handling() == null || r.maxHarm() == null) {
            return;
        }
        boolean noPenalty = !r.handling().equals("warning");
        if (noPenalty && !r.corrected()) {
            p.add(where + ": " + r.handling() + " needs corrected: true (行政处罚法 第三十三条: 及时改正)");
        }
        if (r.branch().equals("minor") && !r.maxHarm().equals("none")) {
            p.add(where + ": branch minor needs max_harm: none (第三十三条: 没有造成危害后果)");
        }
        if (r.branch().equals("first_violation") && r.maxPrior() != 0) {
            p.add(where + ": branch first_violation needs max_prior: 0 (初次违法)");
        }
        if (r.branch().equals("lighter") && noPenalty) {
            p.add(where + ": branch lighter proposes a warning, not " + r.handling());
        }
    }

    public LenientRule lenientRule(String id) {
        return lenient.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
    }

    static JsonNode read(Path dir, String name, List<String> problems) {
        // Duplicate keys are an error: the second would silently win and a legal officer's edit be lost.
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        try (InputStream in = dir == null ? CaseRules.class.getResourceAsStream("/rules/" + name) : Files.newInputStream(dir.resolve(name))) {
            if (in == null) {
                problems.add(name + ": not in the console's jar");
                return null;
            }
            JsonNode n = yaml.readTree(in);
            if (n == null || !n.isObject()) {
                problems.add(name + ": empty or not a map");
                return null;
            }
            return n;
        } catch (java.nio.file.NoSuchFileException e) {
            problems.add(dir.resolve(name) + ": no such file");
        } catch (IOException e) {
            problems.add(name + ": not readable YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return null;
    }

    record Problems(List<String> all) {
        void add(String s) {
            all.add(s);
        }

        String text(JsonNode n, String where, String key, Set<String> allowed) {
            JsonNode v = n.path(key);
            if (!v.isTextual() || v.asText().isBlank()) {
                add(where + "." + key + ": missing or not text" + (allowed == null ? "" : " (one of " + new java.util.TreeSet<>(allowed) + ")"));
                return null;
            }
            if (allowed != null && !allowed.contains(v.asText())) {
                add(where + "." + key + ": '" + v.asText() + "' is not one of " + new java.util.TreeSet<>(allowed));
                return null;
            }
            return v.asText();
        }

        Long amount(JsonNode n, String where, String key) {
            JsonNode v = n.path(key);
            if (!v.isIntegralNumber() || v.asLong() < 0) {
                add(where + "." + key + ": missing or not a whole number >= 0" + (v.isMissingNode() ? "" : " (got " + v + ")"));
                return null;
            }
            return v.asLong();
        }
    }
}
