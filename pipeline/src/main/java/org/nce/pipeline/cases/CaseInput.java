package org.nce.pipeline.cases;

import java.util.List;
import org.nce.model.Alert;
import org.nce.model.EvidencedAlert;

/**
 * What reaches the case stage: a sensor alert twice, when it is raised (no evidence yet, so its case
 * is visible within a second) and again when its evidence is stored; a camera alert once, with its
 * evidence (NceJob says why). A second arrival only attaches evidence to the case the first joined;
 * it never adds the alert anywhere.
 */
public record CaseInput(EvidencedAlert alert, boolean evidenceOnly) {
    public static CaseInput raised(Alert a) {
        return new CaseInput(new EvidencedAlert(a, List.of()), false);
    }

    public static CaseInput evidence(EvidencedAlert ea) {
        return new CaseInput(ea, true);
    }

    /** Whether an alert of this kind reaches the case stage twice (raised, then with its evidence): sensor alerts. */
    public static boolean comesTwice(Alert a) {
        return a.type().source() == org.nce.model.EventType.Source.SENSOR;
    }

    public static String key(CaseInput in) {
        return CaseBuilderFunction.key(in.alert().alert());
    }
}
