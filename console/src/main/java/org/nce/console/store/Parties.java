package org.nce.console.store;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nce.console.ConsoleProperties;
import org.nce.console.rules.Registry;
import org.springframework.stereotype.Component;

/**
 * A case's party and its evidence's standing, read from the registry: the subject of the devices
 * that raised its alerts (else of its site), and for each alert whether its device's 第四十一条
 * review held when it recorded.
 */
@Component
public class Parties {
    private final RegistryStore registry;
    private final AlertStore alerts;
    private final ZoneId zone;

    public Parties(RegistryStore registry, AlertStore alerts, ConsoleProperties props) {
        this.registry = registry;
        this.alerts = alerts;
        this.zone = props.zone();
    }

    /** The registry as it stands now (the index's, edited by admins; see RegistryStore). */
    public Registry registry() {
        return registry.current();
    }

    /** The registered party of a case, or null when the registry names none (or more than one). */
    public Registry.Subject of(Map<String, Object> caseDoc) {
        // The devices of the confirmed alerts once there are any: a dismissed alert (another device's false
        // alarm) does not make the party ambiguous.
        List<String> ids = CaseStore.strings(caseDoc.get("confirmed_alert_ids"));
        List<String> devices = new ArrayList<>();
        for (Map<String, Object> a : alerts.getAll(ids.isEmpty() ? CaseStore.alertIds(caseDoc) : ids)) {
            devices.add(String.valueOf(a.get("source_id")));
        }
        return registry.current().subjectOf(String.valueOf(caseDoc.get("site_id")), devices);
    }

    /** Whether an alert's device could give evidence when it recorded (第四十一条). */
    public Registry.Standing standing(Map<String, Object> alert) {
        if (!(alert.get("event_time_ms") instanceof Number at)) {
            return new Registry.Standing(false, List.of("告警 " + alert.get("alert_id") + " 无记录时间，无法核对设备审核"));
        }
        return registry.current().standing(String.valueOf(alert.get("source_id")), at.longValue(), zone);
    }

    /** Alerts by id (missing ones left out). */
    public List<Map<String, Object>> alerts(List<String> ids) {
        return alerts.getAll(ids);
    }

    /** The standing as the API shows it on an alert: {@code usable}, {@code reasons}. */
    public Map<String, Object> standingView(Map<String, Object> alert) {
        Registry.Standing s = standing(alert);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("usable", s.usable());
        out.put("reasons", s.reasons());
        return out;
    }

    /** The confirmed alerts of a case, oldest first. */
    public List<Map<String, Object>> confirmedAlerts(Map<String, Object> caseDoc) {
        List<String> confirmed = CaseStore.strings(caseDoc.get("confirmed_alert_ids"));
        List<Map<String, Object>> out = new ArrayList<>(alerts.getAll(confirmed));
        out.sort(java.util.Comparator.comparingLong(a -> a.get("event_time_ms") instanceof Number n ? n.longValue() : 0));
        return out;
    }

    /** The subject as the API shows it: id, kind, name (the case page; nothing more than the documents print). */
    public static Map<String, Object> view(Registry.Subject s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.id());
        out.put("kind", s.kind());
        out.put("name", s.name());
        out.put("uscc", s.uscc());
        return out;
    }
}
