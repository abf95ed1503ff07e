package org.nce.console.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The alert ids a case document lists. */
final class CaseIds {
    private CaseIds() {
    }

    static List<String> of(Map<String, Object> caseDoc) {
        List<String> out = new ArrayList<>();
        if (caseDoc.get("alert_ids") instanceof List<?> l) {
            for (Object o : l) {
                out.add(String.valueOf(o));
            }
        }
        return out;
    }
}
