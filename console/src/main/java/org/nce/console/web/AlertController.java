package org.nce.console.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import org.nce.console.ConsoleProperties;
import org.nce.console.store.AlertStore;
import org.nce.console.store.AuditLog;
import org.nce.console.store.CaseStore;
import org.nce.console.store.CaseWorkflow;
import org.nce.console.store.Docs;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The review queue: pending alerts newest first; an operator claims one, then confirms or dismisses it. */
@RestController
@Validated
@Tag(name = "alerts", description = "the review queue")
public class AlertController {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AlertController.class);
    public record Review(@NotNull @Pattern(regexp = "confirm|dismiss") String decision, @Size(max = 64) String reason) {
    }

    private final AlertStore alerts;
    private final CaseStore cases;
    private final AuditLog audit;
    private final ConsoleProperties props;
    private final org.nce.console.store.Parties parties;

    public AlertController(AlertStore alerts, CaseStore cases, AuditLog audit, ConsoleProperties props, org.nce.console.store.Parties parties) {
        this.parties = parties;
        this.alerts = alerts;
        this.cases = cases;
        this.audit = audit;
        this.props = props;
    }

    @Operation(summary = "Alerts, newest first", description = "status pending (default; alerts another operator has open "
            + "are left out), confirmed or dismissed; filter by type and site; 50 a page. Each carries device_standing (usable, "
            + "reasons): whether its device's 第四十一条 review held when it recorded; an alert that cannot be evidence is still listed.")
    @GetMapping("/api/alerts")
    public AlertStore.Page list(@RequestParam(defaultValue = "pending") @Pattern(regexp = "pending|confirmed|dismissed") String status,
                                @RequestParam(required = false) @Pattern(regexp = "[a-z_]{1,64}") String type,
                                @RequestParam(required = false) @Pattern(regexp = "[A-Za-z0-9._-]{1,128}") String site,
                                @RequestParam(defaultValue = "0") @Min(0) @Max(199) int page,
                                @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, Authentication me) {
        Paging.check(page, size);
        AlertStore.Page p = alerts.list(status, type, site, page, size, me.getName());
        // Marked, not hidden (第四十一条): the operator still sees it, and knows it cannot be a case's evidence.
        p.items().forEach(a -> a.put("device_standing", parties.standingView(a)));
        return p;
    }

    @Operation(summary = "One alert")
    @GetMapping("/api/alerts/{id}")
    public Map<String, Object> get(@PathVariable String id) {
        Map<String, Object> a = alerts.get(Ids.id(id, "alert id")).orElseThrow(() -> ApiException.notFound("no alert " + id));
        a.put("device_standing", parties.standingView(a));
        return a;
    }

    @Operation(summary = "Hold an alert open while reviewing it", description = "Other operators' queues leave it out until "
            + "the claim runs out (nce.claim-for, 5 min by default) or it is reviewed. 409 when another operator holds it.")
    @PostMapping("/api/alerts/{id}/claim")
    public Map<String, Object> claim(@PathVariable String id, Authentication me) {
        Map<String, Object> a = alerts.claim(Ids.id(id, "alert id"), me.getName());
        audit.record(me.getName(), "alert_claim", id, "ok", null, null);
        return a;
    }

    @Operation(summary = "Confirm or dismiss an alert", description = "{\"decision\": \"confirm\" | \"dismiss\", \"reason\": "
            + "one of GET /api/reasons (required to dismiss)}. Once per alert: 409 when it was reviewed already or another "
            + "operator holds it. Dismissing the last undismissed alert of a draft case dismisses the case.")
    @PostMapping("/api/alerts/{id}/review")
    public Map<String, Object> review(@PathVariable String id, @Valid @RequestBody Review r, Authentication me) {
        Ids.id(id, "alert id");
        if (r.decision().equals("dismiss") && (r.reason() == null || !props.dismissReasons().contains(r.reason()))) {
            throw ApiException.badRequest("reason", "a dismissal needs one of the reasons " + props.dismissReasons());
        }
        String reason = r.decision().equals("dismiss") ? r.reason() : null;
        Map<String, Object> a = alerts.review(id, me.getName(), r.decision(), reason);
        List<Docs> of = cases.casesOf(id);
        // The review is stored: it is recorded before anything else can fail.
        audit.record(me.getName(), "alert_review", id, "ok", r.decision() + (reason == null ? "" : " " + reason),
                of.isEmpty() ? null : of.get(0).id());
        // What follows on the case is a convenience (the case page works out its alerts' reviews on every
        // read, and the workflow checks them): a failure here is logged, never reported as a lost review.
        for (Docs c : of) {
            try {
                if (r.decision().equals("confirm")) {
                    cases.markConfirmed(c.id(), id);
                } else {
                    dismissIfEveryAlertWas(c, me.getName());
                }
            } catch (ApiException e) {
                LOG.warn("review of {} stored; updating case {} after it failed: {}", id, c.id(), e.getMessage());
            }
        }
        return a;
    }

    /** A draft whose every alert was dismissed is dismissed (the case read again on a concurrent change). */
    private void dismissIfEveryAlertWas(Docs c, String user) {
        boolean[] moved = {false};
        cases.update(c.id(), doc -> {
            moved[0] = "draft".equals(doc.source().get("status"))
                    && CaseWorkflow.refusal("dismissed", alerts.reviewStatuses(CaseStore.alertIds(doc.source()))) == null;
            return moved[0] ? cases.statusChange(doc, "dismissed", "every alert in the case was dismissed in review", user) : null;
        });
        if (moved[0]) {
            audit.record(user, "case_status", c.id(), "ok", "draft -> dismissed (every alert dismissed)", c.id());
        }
    }
}
