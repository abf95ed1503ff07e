package org.nce.console.store;

import java.util.List;
import java.util.Set;

/**
 * The statuses a case moves through, who may move it and on what its alerts' reviews must show:
 * {@code draft → reviewed} once every alert in it was reviewed and one at least confirmed,
 * {@code reviewed → decided} with one confirmed alert at least, {@code decided → served → closed},
 * and {@code dismissed} from draft or reviewed once every alert in it was dismissed. The pipeline
 * opens cases in {@code draft} and adds alerts only while they are there.
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

    /**
     * Why the case's alerts do not allow the move (their review statuses: pending, confirmed,
     * dismissed), or null when they do.
     */
    public static String refusal(String to, List<String> alertStatuses) {
        boolean anyConfirmed = alertStatuses.contains("confirmed");
        boolean allReviewed = !alertStatuses.isEmpty() && !alertStatuses.contains("pending");
        return switch (to) {
            case "reviewed" -> allReviewed && anyConfirmed ? null
                    : "a case is reviewed once every alert in it was reviewed and one at least confirmed";
            case "decided" -> anyConfirmed ? null : "a case is decided only on a confirmed alert";
            case "dismissed" -> !alertStatuses.isEmpty() && alertStatuses.stream().allMatch("dismissed"::equals) ? null
                    : "a case is dismissed only when every alert in it was dismissed in review";
            default -> null;
        };
    }

    /** The statuses reachable from {@code from} by someone with {@code roles}. */
    public static List<String> next(String from, Set<String> roles) {
        return STEPS.stream().filter(s -> s.from().equals(from) && s.roles().stream().anyMatch(roles::contains))
                .map(Step::to).toList();
    }

}
