package org.nce.console.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.model.EventType;

class CaseRulesTest {
    @Test
    void theShippedRulesLoadAndCoverEveryViolationTypeWithItsSource() {
        CaseRules rules = CaseRules.load(null);
        assertEquals("needs_legal_review", rules.catalogueReview(), "the shipped catalogue says it awaits the legal office");
        for (EventType t : EventType.values()) {
            CaseRules.Violation v = rules.violations().get(t.wireName());
            assertNotNull(v, "catalogue entry for " + t.wireName());
            assertTrue(!v.source().isBlank() && !v.illegalBasis().isBlank() && !v.penaltyBasis().isBlank(), t.wireName());
            assertTrue(!v.penalty().isEmpty(), t.wireName());
        }
        assertEquals(200L, rules.simpleProcedureMaxYuan().get("individual"), "行政处罚法 第五十一条");
        assertEquals(3000L, rules.simpleProcedureMaxYuan().get("unit"));
        assertTrue(rules.lenient().stream().allMatch(r -> !r.source().isBlank()));
    }

    @Test
    void aBrokenRuleFileIsRefusedWithEveryProblemNamed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("violations.yaml"), """
                review: maybe
                simple_procedure_max_yuan: {individual: 200}
                violations:
                  open_burning:
                    name: 露天焚烧
                    illegal_basis: 第一条
                    penalty_basis: 第二条
                    penalty:
                      individual: {min_yuan: 2000, max_yuan: 500}
                      company: {min_yuan: 1, max_yuan: 2}
                  Bad-Type:
                    name: x
                    illegal_basis: x
                    penalty_basis: x
                    source: x
                    penalty: {unit: {min_yuan: -1, max_yuan: "10"}}
                """);
        Files.writeString(dir.resolve("lenient.yaml"), """
                rules:
                  - id: r1
                    name: a
                    branch: first_violation
                    applies_to: [open_burning, unleashed_cat]
                    lookback_days: 0
                    max_prior: 0
                    max_harm: serious
                    corrected: yes please
                    handling: forgive
                    source: x
                  - id: r1
                    name: b
                    branch: minor
                    applies_to: [open_burning]
                    lookback_days: 30
                    max_prior: 0
                    max_harm: slight
                    corrected: false
                    handling: no_penalty_with_education
                    source: x
                """);
        CaseRules.Refused e = assertThrows(CaseRules.Refused.class, () -> CaseRules.load(dir));
        List<String> p = e.problems();
        String all = String.join("\n", p);
        for (String expected : List.of(
                "violations.yaml.review: 'maybe' is not one of",
                "simple_procedure_max_yuan.unit: missing",
                "violations.open_burning.penalty.individual: min_yuan 2000 is above max_yuan 500",
                "violations.open_burning.penalty.company: the party is individual or unit",
                "violations.open_burning.source: missing",
                "violations.Bad-Type: a violation type is a-z and _ only",
                "violations.Bad-Type.penalty.unit.min_yuan: missing or not a whole number >= 0 (got -1)",
                "violations.Bad-Type.penalty.unit.max_yuan: missing or not a whole number >= 0 (got \"10\")",
                "rules[0] (r1).applies_to: 'unleashed_cat' is not a violation type",
                "rules[0] (r1).lookback_days: 0 is outside 1..3650",
                "rules[0] (r1).max_harm: 'serious' is not one of",
                "rules[0] (r1).corrected: missing or not true/false",
                "rules[0] (r1).handling: 'forgive' is not one of",
                "rules[1] (r1).id: 'r1' is used twice",
                "rules[1] (r1): no_penalty_with_education needs corrected: true",
                "rules[1] (r1): branch minor needs max_harm: none")) {
            assertTrue(all.contains(expected), "names: " + expected + "\n in:\n" + all);
        }
        assertEquals(16, p.size(), all);
        assertTrue(e.getMessage().startsWith("the case rules were refused, 16 problem(s)"));
    }

    @Test
    void aDuplicateKeyOrAMissingFileIsRefusedNotHalfRead(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("violations.yaml"), "review: reviewed\nreview: needs_legal_review\n");
        CaseRules.Refused e = assertThrows(CaseRules.Refused.class, () -> CaseRules.load(dir));
        assertTrue(e.problems().get(0).contains("violations.yaml: not readable YAML: Duplicate field 'review'"), e.getMessage());
        assertTrue(e.problems().get(1).endsWith("lenient.yaml: no such file"), e.getMessage());
    }
}
