package org.nce.console.documents;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nce.console.ConsoleProperties;
import org.nce.console.rules.DocumentRules;
import org.nce.console.store.CaseStore;
import org.nce.console.store.Docs;
import org.nce.console.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * Online credit repair (信用修复, 国家发展改革委令第36号): once the minimum publicity period of a
 * published fine has run, the party may ask for its record to be repaired; the console records the
 * request with the materials the party submitted and, later, the legal officer's decision; the case
 * and its documents list show the result (not the public page, which shows nothing about the outcome).
 * The served documents themselves never change.
 */
@Component
public class CreditRepair {
    public static final List<String> RESULTS = List.of("approved", "refused");

    private final CaseStore cases;
    private final DocumentRules rules;
    private final Clock clock;
    private final ZoneId zone;

    public CreditRepair(CaseStore cases, DocumentRules rules, Clock clock, ConsoleProperties props) {
        this.cases = cases;
        this.rules = rules;
        this.clock = clock;
        this.zone = props.zone();
    }

    /** When the minimum publicity period of the case's decision ends (the decision's date plus the class's minimum). */
    public long publicityEndsAt(Map<String, Object> decision) {
        long at = decision.get("at") instanceof Number n ? n.longValue() : clock.millis();
        int months = "light".equals(rules.credit().ordinaryFineClass()) ? 0 : rules.credit().generalMinMonths();
        return ZonedDateTime.ofInstant(Instant.ofEpochMilli(at), zone).plusMonths(months).toInstant().toEpochMilli();
    }

    /** Records the party's request with its materials, or refuses: no credit notice served, the period still running, a request open. */
    @SuppressWarnings("unchecked")
    public Docs request(String id, List<String> materials, String note, String user) {
        return cases.update(id, doc -> {
            Map<String, Object> c = doc.source();
            boolean noticed = c.get("documents") instanceof List<?> l && l.stream().anyMatch(d -> d instanceof Map<?, ?> m
                    && "credit_repair_notice".equals(m.get("kind")));
            String status = String.valueOf(c.get("status"));
            if (!noticed || !(status.equals("served") || status.equals("closed"))) {
                throw ApiException.conflict("no_credit_record", "credit repair is for a served case whose party was given a 信用修复告知书 "
                        + "(a unit fined in the ordinary procedure); case " + id + " is " + status + (noticed ? "" : " without one"));
            }
            long ends = publicityEndsAt((Map<String, Object>) c.get("decision"));
            if (clock.millis() < ends) {
                throw ApiException.conflict("publicity_period_running", "the minimum publicity period runs until "
                        + Instant.ofEpochMilli(ends).atZone(zone).toLocalDate() + " (" + rules.credit().basis() + "); a repair can be asked for after it");
            }
            List<Object> history = new ArrayList<>(c.get("credit_repairs") instanceof List<?> h ? (List<Object>) h : List.of());
            if (!history.isEmpty() && history.get(history.size() - 1) instanceof Map<?, ?> last && "requested".equals(last.get("status"))) {
                throw ApiException.conflict("repair_pending", "a repair request of this case awaits its decision");
            }
            if (history.stream().anyMatch(h -> h instanceof Map<?, ?> m && "approved".equals(m.get("status")))) {
                throw ApiException.conflict("already_repaired", "the credit record of this case was repaired already");
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("status", "requested");
            r.put("materials", List.copyOf(materials));
            if (note != null && !note.isBlank()) {
                r.put("note", note);
            }
            r.put("requested_by", user);
            r.put("requested_at", clock.millis());
            history.add(r);
            return Map.of("credit_repairs", history, "updated_at", clock.millis());
        });
    }

    /** The legal officer's decision on the open request: approved (publication ends) or refused, with the reason. */
    @SuppressWarnings("unchecked")
    public Docs decide(String id, String result, String note, String user) {
        if (!RESULTS.contains(result)) {
            throw ApiException.badRequest("result", "result is approved or refused");
        }
        if (result.equals("refused") && (note == null || note.isBlank())) {
            throw ApiException.badRequest("reason_needed", "a refusal says why (note), for the party to correct it");
        }
        return cases.update(id, doc -> {
            List<Object> history = new ArrayList<>(doc.source().get("credit_repairs") instanceof List<?> h ? (List<Object>) h : List.of());
            if (history.isEmpty() || !(history.get(history.size() - 1) instanceof Map<?, ?> last) || !"requested".equals(last.get("status"))) {
                throw ApiException.conflict("no_repair_request", "case " + id + " has no repair request awaiting a decision");
            }
            Map<String, Object> r = new LinkedHashMap<>((Map<String, Object>) history.get(history.size() - 1));
            r.put("status", result);
            r.put("decided_by", user);
            r.put("decided_at", clock.millis());
            if (note != null && !note.isBlank()) {
                r.put("decision_note", note);
            }
            history.set(history.size() - 1, r);
            return Map.of("credit_repairs", history, "updated_at", clock.millis());
        });
    }

    /** The latest repair's status and date (requested, approved or refused), for the case's documents list; nothing else. */
    public static Map<String, Object> latest(Map<String, Object> caseDoc) {
        if (!(caseDoc.get("credit_repairs") instanceof List<?> h) || h.isEmpty() || !(h.get(h.size() - 1) instanceof Map<?, ?> last)) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", last.get("status"));
        out.put("at", last.get("decided_at") != null ? last.get("decided_at") : last.get("requested_at"));
        return out;
    }
}
