package org.nce.pipeline.cases;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nce.model.CaseRecord;
import org.nce.model.StoreLayout;

/**
 * How the job's version of a case meets the one in {@code nce-cases} (the case policy; the sink only
 * applies it under optimistic concurrency). Officers own the case: fields the job does not write
 * (notes, decisions) are kept, and a status other than {@code draft} is never set back. Alerts and
 * evidence are only ever added, never dropped: the stored lists are united with the job's, so a job
 * restored from an older checkpoint, or an older version of the case sent again after a restore,
 * cannot take an alert out of its case. A case that left {@code draft} takes no new alert: such
 * additions are refused and named, for the caller to record (evidence of the alerts it holds is still added).
 */
public final class CaseMerge {
    private CaseMerge() {
    }

    public record Result(Map<String, Object> document, List<String> refusedAlerts) {
    }

    @SuppressWarnings("unchecked")
    public static Result merge(Map<String, Object> stored, Map<String, Object> update) {
        Map<String, Object> merged = new HashMap<>(stored == null ? Map.of() : stored);
        Object status = merged.get("status");
        boolean decided = status != null && !CaseRecord.STATUS_DRAFT.equals(status);
        List<String> storedAlerts = strings(merged.get("alert_ids"));
        List<String> newAlerts = strings(update.get("alert_ids"));
        List<String> refused = new ArrayList<>();
        if (decided) {
            for (String a : newAlerts) {
                if (!storedAlerts.contains(a)) {
                    refused.add(a);
                }
            }
            // An officer's case: the job may add nothing but evidence of alerts it already holds (a clip
            // comes after its post-roll, and the case is opened when the alert is raised); evidence is
            // told by its key, which names its alert (StoreLayout).
            merged.put("evidence", evidence(merged.get("evidence"), objectsOf(update.get("evidence"), storedAlerts)));
            return new Result(merged, refused);
        }
        merged.putAll(update);
        Set<String> alerts = new LinkedHashSet<>(storedAlerts);
        alerts.addAll(newAlerts);
        merged.put("alert_ids", new ArrayList<>(alerts));
        merged.put("evidence", evidence(stored == null ? null : stored.get("evidence"), update.get("evidence")));
        if (stored != null && stored.get("opened_at") instanceof Number so && update.get("opened_at") instanceof Number uo) {
            merged.put("opened_at", Math.min(so.longValue(), uo.longValue())); // a case opens once
        }
        Object storedLast = stored == null ? null : stored.get("last_alert_at");
        Object newLast = update.get("last_alert_at");
        if (storedLast instanceof Number s && newLast instanceof Number n) {
            merged.put("last_alert_at", Math.max(s.longValue(), n.longValue()));
        }
        if (status != null) {
            merged.put("status", status);
        }
        return new Result(merged, refused);
    }

    /**
     * The id of the draft case for the alerts that case {@code caseId} refused: one per refusing case,
     * so the sink's replays and the case stage (which takes it up when it finds that case left draft,
     * {@link CaseBuilderFunction}) all name the same one.
     */
    public static String caseIdAfter(String caseId) {
        return caseId + "-after";
    }

    /**
     * The draft case for alerts that a case refused because it left draft between the job's status
     * read and this write, so that such an alert is not in no case ({@link #caseIdAfter}). It carries
     * the update's own fields, with the refused alerts and only their objects.
     */
    public static Map<String, Object> caseForRefused(String refusingCaseId, Map<String, Object> update, List<String> refused) {
        Map<String, Object> c = new HashMap<>(update);
        c.put("id", caseIdAfter(refusingCaseId));
        c.put("status", CaseRecord.STATUS_DRAFT);
        c.put("alert_ids", new ArrayList<>(refused));
        c.put("evidence", objectsOf(update.get("evidence"), refused));
        if (update.get("last_alert_at") != null) {
            c.put("opened_at", update.get("last_alert_at")); // the newest alert: the refused ones came last
        }
        c.put("summary", update.getOrDefault("type", "") + " at " + update.getOrDefault("site_id", "")
                + ": alerts that arrived after case " + refusingCaseId + " had left draft");
        return c;
    }

    /** The entries of an evidence list that are objects of these alerts (told by their keys). */
    private static List<Object> objectsOf(Object evidence, List<String> alerts) {
        List<Object> out = new ArrayList<>();
        if (evidence instanceof List<?> l) {
            for (Object e : l) {
                if (e instanceof Map<?, ?> m && m.get("key") != null
                        && alerts.stream().anyMatch(a -> StoreLayout.isObjectOf(m.get("key").toString(), a))) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** Evidence by key, stored first. */
    private static List<Object> evidence(Object stored, Object update) {
        Map<String, Object> byKey = new LinkedHashMap<>();
        for (Object list : new Object[] {stored, update}) {
            if (list instanceof List<?> l) {
                for (Object e : l) {
                    if (e instanceof Map<?, ?> m && m.get("key") != null) {
                        byKey.putIfAbsent(m.get("key").toString(), e);
                    }
                }
            }
        }
        return new ArrayList<>(byKey.values());
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            for (Object x : l) {
                out.add(String.valueOf(x));
            }
        }
        return out;
    }
}
