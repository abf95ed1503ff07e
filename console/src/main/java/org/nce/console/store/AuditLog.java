package org.nce.console.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.nce.console.web.ApiException;
import org.nce.model.StoreLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Who saw or changed what, in {@code nce-audit}. The console only ever creates entries (op_type
 * create, a fresh id each): it never updates or deletes one. An action whose entry cannot be written
 * fails with it: nobody sees evidence unrecorded.
 */
@Component
public class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private final ElasticsearchClient es;

    public AuditLog(ElasticsearchClient es) {
        this.es = es;
    }

    /**
     * @param action  evidence_view, evidence_download, alert_claim, alert_review, case_status, login, integrity_failure…
     * @param target  the alert id, case id or evidence key
     * @param result  ok, refused, mismatch…
     */
    public void record(String actor, String action, String target, String result, String detail, String caseId) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("at", System.currentTimeMillis());
        doc.put("actor", actor);
        doc.put("action", action);
        doc.put("target", target);
        doc.put("result", result);
        if (detail != null) {
            doc.put("detail", detail);
        }
        if (caseId != null) {
            doc.put("case_id", caseId);
        }
        String id = UUID.randomUUID().toString();
        try {
            es.create(c -> c.index(StoreLayout.AUDIT).id(id).document(doc));
        } catch (IOException | RuntimeException e) {
            LOG.error("audit entry {} {} {} by {} could not be written: {}", action, target, result, actor, e.toString());
            throw ApiException.unavailable("the audit log cannot be written just now, so the action was not done; try again");
        }
    }
}
