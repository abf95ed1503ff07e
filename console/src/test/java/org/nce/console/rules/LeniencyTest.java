package org.nce.console.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nce.console.rules.Leniency.Facts;
import org.nce.console.rules.Leniency.Prior;

/** The shipped lenient list on first, repeated and aggravated dog cases, and at its look-back's edge. */
class LeniencyTest {
    private static final CaseRules RULES = CaseRules.load(null);
    private static final long DAY = 86_400_000L;
    private static final long NOW = 1_780_000_000_000L;
    private static final Facts SLIGHT_CORRECTED = new Facts("slight", true);

    @Test
    void aFirstViolationCorrectedWithSlightHarmIsProposedNoPenaltyWithTheRuleAndFacts() {
        Leniency.Proposal p = Leniency.propose(RULES, "unleashed_dog", List.of(), SLIGHT_CORRECTED, NOW);
        assertEquals("no_penalty_with_education", p.handling());
        assertEquals("dog-first-violation", p.rule());
        assertTrue(p.reasons().get(0).startsWith("0 earlier decided case(s) of this subject and type in the 365 days before this one"), p.reasons().toString());
        assertTrue(p.reasons().contains("corrected"));
        assertTrue(p.awaiting().isEmpty());
    }

    @Test
    void beforeTheOfficerRecordsTheFactsTheProposalSaysWhatItAwaits() {
        Leniency.Proposal p = Leniency.propose(RULES, "unleashed_dog", List.of(), Facts.NONE, NOW);
        assertEquals("dog-first-violation", p.rule());
        assertEquals(2, p.awaiting().size(), p.awaiting().toString());
        assertFalse(Leniency.check(RULES.lenientRule("dog-first-violation"), "unleashed_dog", List.of(), Facts.NONE, NOW).holds());
    }

    @Test
    void aSecondViolationWithinTheYearIsAWarningAndAThirdAPenalty() {
        List<Prior> once = List.of(new Prior("case-1", "no_penalty", NOW - 100 * DAY));
        Leniency.Proposal second = Leniency.propose(RULES, "unleashed_dog", once, SLIGHT_CORRECTED, NOW);
        assertEquals("warning", second.handling());
        assertEquals("dog-second-warning", second.rule());
        List<Prior> twice = List.of(once.get(0), new Prior("case-2", "warning", NOW - 10 * DAY));
        Leniency.Proposal third = Leniency.propose(RULES, "unleashed_dog", twice, SLIGHT_CORRECTED, NOW);
        assertEquals("penalty", third.handling());
        assertNull(third.rule());
        assertTrue(third.reasons().stream().anyMatch(r -> r.startsWith("dog-first-violation: 2 earlier decided case(s)")
                && r.contains("case-1 (no_penalty), case-2 (warning)")), third.reasons().toString());
    }

    @Test
    void anEarlierCaseJustOutsideTheLookBackDoesNotCount() {
        Leniency.Check inside = Leniency.check(RULES.lenientRule("dog-first-violation"), "unleashed_dog",
                List.of(new Prior("case-old", "penalty", NOW - 365 * DAY)), SLIGHT_CORRECTED, NOW);
        assertFalse(inside.holds(), "an act exactly 365 days before is inside the look-back");
        Leniency.Check outside = Leniency.check(RULES.lenientRule("dog-first-violation"), "unleashed_dog",
                List.of(new Prior("case-old", "penalty", NOW - 365 * DAY - 1)), SLIGHT_CORRECTED, NOW);
        assertTrue(outside.holds(), outside.unmet().toString());
    }

    @Test
    void aLaterActDoesNotCountAgainstAnEarlierOneAndNoSubjectMeansNoFirstViolation() {
        Leniency.Check later = Leniency.check(RULES.lenientRule("dog-first-violation"), "unleashed_dog",
                List.of(new Prior("case-later", "penalty", NOW + DAY)), SLIGHT_CORRECTED, NOW);
        assertTrue(later.holds(), "a case whose act came after this one is not an earlier violation");
        Leniency.Check noSubject = Leniency.check(RULES.lenientRule("dog-first-violation"), "unleashed_dog", null, SLIGHT_CORRECTED, NOW);
        assertEquals(List.of("the case names no subject, so its earlier cases cannot be read"), noSubject.unmet());
    }

    @Test
    void anAggravatedOrUncorrectedViolationGetsNoLeniency() {
        Leniency.Proposal bite = Leniency.propose(RULES, "unleashed_dog", List.of(), new Facts("serious", true), NOW);
        assertEquals("penalty", bite.handling());
        assertTrue(bite.reasons().stream().anyMatch(r -> r.contains("harm recorded as serious, the rule allows at most slight")));
        Leniency.Check notCorrected = Leniency.check(RULES.lenientRule("dog-first-violation"), "unleashed_dog", List.of(),
                new Facts("slight", false), NOW);
        assertEquals(List.of("not corrected, the rule needs it corrected"), notCorrected.unmet());
        Leniency.Check burning = Leniency.check(RULES.lenientRule("burning-minor"), "open_burning", List.of(), SLIGHT_CORRECTED, NOW);
        assertFalse(burning.possible(), "轻微不罚 needs no harm at all");
    }

    @Test
    void aTypeNoRuleListsIsAPenaltyAndARuleOfAnotherTypeNeverFits() {
        assertEquals("penalty", Leniency.propose(RULES, "noise_exceedance", List.of(), SLIGHT_CORRECTED, NOW).handling());
        assertFalse(Leniency.check(RULES.lenientRule("dog-first-violation"), "noise_exceedance", List.of(), SLIGHT_CORRECTED, NOW).possible());
    }
}
