package org.nce.console.rules;

import java.util.ArrayList;
import java.util.List;
import org.nce.console.rules.CaseRules.LenientRule;

/**
 * Which lenient rule fits a violation, and why: the subject's earlier decided cases of the same
 * type (from the case index) against each rule's look-back, and the facts an officer recorded (harm,
 * correction) against its conditions. Every answer names the rule and the facts that produced it.
 */
public final class Leniency {
    private static final long DAY_MS = 86_400_000L;

    /** An earlier decided case of the same subject and type, with the time of its act (its opening). */
    public record Prior(String caseId, String kind, long actAt) {
    }

    /** What an officer recorded; null where not (yet) recorded. */
    public record Facts(String harm, Boolean corrected) {
        public static final Facts NONE = new Facts(null, null);
    }

    /**
     * A check of one rule: {@code unmet} the conditions the facts contradict, {@code awaiting} those
     * not recorded yet, {@code met} those the facts meet, each in words.
     */
    public record Check(LenientRule rule, List<String> met, List<String> unmet, List<String> awaiting) {
        public boolean holds() {
            return unmet.isEmpty() && awaiting.isEmpty();
        }

        public boolean possible() {
            return unmet.isEmpty();
        }
    }

    /**
     * The handling proposed for a violation: the first lenient rule (in file order) the facts do not
     * contradict, or a penalty within the catalogue's range when none fits. {@code awaiting} says what
     * an officer must still record before the rule can be applied.
     */
    public record Proposal(String handling, String rule, String ruleName, List<String> reasons, List<String> awaiting) {
    }

    private Leniency() {
    }

    /**
     * @param history the subject's decided cases of this type, or null when the case names no subject
     *                (then no history can be read and a rule that counts earlier cases cannot hold)
     * @param actAt   when this case's act took place: the look-back runs back from it, and only acts
     *                before it count
     */
    public static Check check(LenientRule rule, String type, List<Prior> history, Facts facts, long actAt) {
        List<String> met = new ArrayList<>();
        List<String> unmet = new ArrayList<>();
        List<String> awaiting = new ArrayList<>();
        if (!rule.appliesTo().contains(type)) {
            unmet.add("rule " + rule.id() + " does not apply to " + type + " (only " + rule.appliesTo() + ")");
        }
        if (history == null) {
            unmet.add("the case names no subject, so its earlier cases cannot be read");
        } else {
            long since = actAt - rule.lookbackDays() * DAY_MS;
            List<String> prior = history.stream().filter(p -> p.actAt() >= since && p.actAt() < actAt)
                    .map(p -> p.caseId() + " (" + p.kind() + ")").toList();
            String counted = prior.size() + " earlier decided case(s) of this subject and type in the " + rule.lookbackDays()
                    + " days before this one" + (prior.isEmpty() ? "" : ": " + String.join(", ", prior)) + "; the rule allows " + rule.maxPrior();
            (prior.size() <= rule.maxPrior() ? met : unmet).add(counted);
        }
        if (facts.harm() == null) {
            awaiting.add("harm not recorded (the rule allows at most " + rule.maxHarm() + ")");
        } else if (rank(facts.harm()) <= rank(rule.maxHarm())) {
            met.add("harm recorded as " + facts.harm() + " (at most " + rule.maxHarm() + ")");
        } else {
            unmet.add("harm recorded as " + facts.harm() + ", the rule allows at most " + rule.maxHarm());
        }
        if (rule.corrected()) {
            if (facts.corrected() == null) {
                awaiting.add("correction not recorded (the rule needs the violation corrected on the spot or by the deadline)");
            } else if (facts.corrected()) {
                met.add("corrected");
            } else {
                unmet.add("not corrected, the rule needs it corrected");
            }
        }
        return new Check(rule, met, unmet, awaiting);
    }

    public static Proposal propose(CaseRules rules, String type, List<Prior> history, Facts facts, long actAt) {
        List<String> notFitting = new ArrayList<>();
        for (LenientRule r : rules.lenient()) {
            if (!r.appliesTo().contains(type)) {
                continue;
            }
            Check c = check(r, type, history, facts, actAt);
            if (c.possible()) {
                return new Proposal(r.handling(), r.id(), r.name(), c.met(), c.awaiting());
            }
            notFitting.add(r.id() + ": " + String.join("; ", c.unmet()));
        }
        List<String> reasons = new ArrayList<>();
        reasons.add(notFitting.isEmpty() ? "no lenient rule lists " + type : "no lenient rule fits");
        reasons.addAll(notFitting);
        return new Proposal("penalty", null, null, reasons, List.of());
    }

    private static int rank(String harm) {
        return switch (harm) {
            case "none" -> 0;
            case "slight" -> 1;
            default -> 2;
        };
    }
}
