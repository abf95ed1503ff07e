package org.nce.pipeline.cases;

import java.util.List;
import org.nce.model.Alert;
import org.nce.model.EvidencedAlert;

/**
 * What reaches the case stage, twice per alert: when it is raised (no evidence yet, so its case is
 * visible within a second) and again when its evidence is stored (a clip waits for its post-roll).
 * The second only attaches evidence to the case the first joined; it never adds the alert anywhere.
 */
public record CaseInput(EvidencedAlert alert, boolean evidenceOnly) {
    public static CaseInput raised(Alert a) {
        return new CaseInput(new EvidencedAlert(a, List.of()), false);
    }

    public static CaseInput evidence(EvidencedAlert ea) {
        return new CaseInput(ea, true);
    }

    public static String key(CaseInput in) {
        return CaseBuilderFunction.key(in.alert().alert());
    }
}
