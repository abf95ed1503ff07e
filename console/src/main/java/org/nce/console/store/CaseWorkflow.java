package org.nce.console.store;

import java.util.List;
import java.util.Set;

/**
 * The statuses a case moves through and who may move it: {@code draft → reviewed → decided →
 * served → closed}, and {@code dismissed} from draft or reviewed once every alert in it was
 * dismissed. The pipeline opens cases in {@code draft} and adds alerts only while they are there.
 */
public final class CaseWorkflow {
    public record Step(String from, String to, Set<String> roles) {
    }

    public static final List<String> STATUSES = List.of("draft", "reviewed", "decided", "served", "closed", "dismissed");

    public static final List<Step> STEPS = List.of(
            new Step("draft", "reviewed", Set.of("OFFICER")),
            new Step("reviewed", "decided", Set.of("LEGAL")),
            new Step("decided", "served", Set.of("OFFICER", "LEGAL")),
            new Step("served", "closed", Set.of("LEGAL")),
            new Step("draft", "dismissed", Set.of("OFFICER")),
            new Step("reviewed", "dismissed", Set.of("OFFICER")));

    private CaseWorkflow() {
    }

    public static Step step(String from, String to) {
        for (Step s : STEPS) {
            if (s.from().equals(from) && s.to().equals(to)) {
                return s;
            }
        }
        return null;
    }

    /** The statuses reachable from {@code from} by someone with {@code roles}. */
    public static List<String> next(String from, Set<String> roles) {
        return STEPS.stream().filter(s -> s.from().equals(from) && s.roles().stream().anyMatch(roles::contains))
                .map(Step::to).toList();
    }

}
