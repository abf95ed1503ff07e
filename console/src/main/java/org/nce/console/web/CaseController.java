package org.nce.console.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.nce.console.store.AlertStore;
import org.nce.console.store.AuditLog;
import org.nce.console.store.CaseDecisions;
import org.nce.console.store.CaseStore;
import org.nce.console.store.CaseWorkflow;
import org.nce.console.store.Docs;
import org.nce.console.store.EvidenceStore;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Cases: search, one case with its alerts and verified evidence, and the status workflow. */
@RestController
@Validated
@Tag(name = "cases", description = "search cases, read one, move it through its statuses")
public class CaseController {
    public record StatusChange(@NotNull @Pattern(regexp = "reviewed|decided|served|closed|dismissed") String status,
                               @Size(max = 2000) String note, @Pattern(regexp = "\\d+:\\d+") String version) {
    }

    /** One violation's decision in a case of several (综合查一次). */
    public record DecisionItem(@NotNull @Pattern(regexp = "[a-z_]{1,64}") String type,
                               @NotNull @Pattern(regexp = "penalty|warning|no_penalty") String kind,
                               @com.fasterxml.jackson.annotation.JsonProperty("amount_yuan") @Min(0) @Max(100_000_000) Long amountYuan,
                               @com.fasterxml.jackson.annotation.JsonProperty("lenient_rule") @Pattern(regexp = "[a-z0-9-]{1,64}") String lenientRule,
                               @Pattern(regexp = "none|slight|serious") String harm,
                               Boolean corrected) {
    }

    public record DecisionRequest(@Pattern(regexp = "penalty|warning|no_penalty") String kind,
                                  @com.fasterxml.jackson.annotation.JsonProperty("amount_yuan") @Min(0) @Max(100_000_000) Long amountYuan,
                                  @com.fasterxml.jackson.annotation.JsonProperty("lenient_rule") @Pattern(regexp = "[a-z0-9-]{1,64}") String lenientRule,
                                  @Size(max = 2000) String note,
                                  @Pattern(regexp = "individual|unit") String party,
                                  @Pattern(regexp = "none|slight|serious") String harm,
                                  Boolean corrected,
                                  @Pattern(regexp = "\\d+:\\d+") String version,
                                  @Pattern(regexp = "ordinary|simple") String procedure,
                                  @Valid @Size(max = 20) List<DecisionItem> violations) {
    }

    public record Note(@NotNull @jakarta.validation.constraints.NotBlank @Size(max = 4000) String text) {
    }

    private final CaseStore cases;
    private final AlertStore alerts;
    private final EvidenceStore evidence;
    private final AuditLog audit;
    private final CaseDecisions decisions;

    public CaseController(CaseStore cases, AlertStore alerts, EvidenceStore evidence, AuditLog audit, CaseDecisions decisions) {
        this.decisions = decisions;
        this.cases = cases;
        this.alerts = alerts;
        this.evidence = evidence;
        this.audit = audit;
    }

    @Operation(summary = "Search cases", description = "q: free text (matched as words, never as query syntax); type, site, "
            + "subject, status: exact; from/to: opened_at range in epoch ms; 50 a page, newest first.")
    @GetMapping("/api/cases")
    public CaseStore.Page search(@RequestParam(required = false) @Size(max = 200) String q,
                                 @RequestParam(required = false) @Pattern(regexp = "[a-z_]{1,64}") String type,
                                 @RequestParam(required = false) @Pattern(regexp = "[A-Za-z0-9._-]{1,128}") String site,
                                 @RequestParam(required = false) @Size(max = 256) String subject,
                                 @RequestParam(required = false) @Pattern(regexp = "draft|reviewed|decided|served|closed|dismissed") String status,
                                 @RequestParam(required = false) @Min(0) Long from, @RequestParam(required = false) @Min(0) Long to,
                                 @RequestParam(defaultValue = "0") @Min(0) @Max(199) int page,
                                 @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size) {
        Paging.check(page, size);
        String text = q == null || q.isBlank() ? null : q.strip();
        return cases.search(new CaseStore.Search(text, type, site, blank(subject), status, from, to), page, size);
    }

    @Operation(summary = "One case", description = "Its alerts as a timeline, each evidence object with its recorded hash and "
            + "whether its bytes verified on this read, the statuses you may move it to, and its version for a status change.")
    @GetMapping("/api/cases/{id}")
    public Map<String, Object> get(@PathVariable String id, Authentication me) {
        Docs c = cases.get(Ids.id(id, "case id")).orElseThrow(() -> ApiException.notFound("no case " + id));
        Map<String, Object> out = new LinkedHashMap<>(c.source());
        out.put("version", c.version());
        List<Map<String, Object>> timeline = new ArrayList<>(alerts.getAll(CaseStore.alertIds(c.source())));
        timeline.sort(Comparator.comparingLong(a -> a.get("event_time_ms") instanceof Number n ? n.longValue() : 0));
        out.put("alerts", timeline);
        List<Map<String, Object>> ev = new ArrayList<>();
        if (c.source().get("evidence") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m && m.get("key") instanceof String key) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    m.forEach((k, v) -> e.put(String.valueOf(k), v));
                    e.put("verified", verified(key, me.getName(), id));
                    ev.add(e);
                }
            }
        }
        out.put("evidence", ev);
        out.put("violations", decisions.violations(c.source()));
        out.put("documents", org.nce.console.documents.CaseDocuments.listed(id, c.source()));
        out.remove("document_plan");
        String status = String.valueOf(c.source().getOrDefault("status", "draft"));
        out.put("next", CaseWorkflow.next(status, roles(me)));
        return out;
    }

    @Operation(summary = "Move a case on", description = "{\"status\", \"note\", \"version\"}: draft→reviewed (officer), "
            + "reviewed→decided (legal), decided→served (officer, legal), served→closed (legal), draft|reviewed→dismissed "
            + "(officer, when every alert was dismissed). With version (from GET), 409 if the case changed since.")
    @PostMapping("/api/cases/{id}/status")
    public Map<String, Object> status(@PathVariable String id, @Valid @RequestBody StatusChange change, Authentication me) {
        Ids.id(id, "case id");
        Docs done = cases.transition(id, change.status(), change.note(), me.getName(), roles(me), change.version(),
                alerts::reviewStatuses);
        audit.record(me.getName(), "case_status", id, "ok", "-> " + change.status() + (change.note() == null ? "" : ": " + change.note()), id);
        Map<String, Object> out = new LinkedHashMap<>(done.source());
        out.put("version", done.version());
        out.put("next", CaseWorkflow.next(change.status(), roles(me)));
        return out;
    }

    @Operation(summary = "Decide a reviewed case (legal)", description = "{\"kind\": \"penalty\"|\"warning\"|\"no_penalty\", "
            + "\"amount_yuan\", \"lenient_rule\", \"note\", \"party\": \"individual\"|\"unit\", \"harm\": \"none\"|\"slight\"|\"serious\", "
            + "\"corrected\", \"version\", \"procedure\": \"ordinary\" (default) | \"simple\" (当场, 第五十一条)}; a case of several violations (综合查一次) is decided "
            + "per violation in \"violations\": [{\"type\", \"kind\", \"amount_yuan\", \"lenient_rule\", \"harm\", \"corrected\"}], one each. Refused (400) when the amount is outside the catalogue's range for the party; "
            + "refused (409 lenient_conditions_not_met) when the lenient rule's conditions are not met by the subject's earlier cases "
            + "in the index and the facts given. Moves the case reviewed → decided and records the decision with the rule and facts.")
    @PostMapping("/api/cases/{id}/decision")
    public Map<String, Object> decide(@PathVariable String id, @Valid @RequestBody DecisionRequest d, Authentication me) {
        Ids.id(id, "case id");
        Docs done = decisions.decide(id, new CaseDecisions.Decision(d.kind(), d.amountYuan(), d.lenientRule(), d.note(), d.party(),
                d.harm(), d.corrected(), d.version(), d.procedure(), d.violations() == null ? null : d.violations().stream()
                .map(i -> new CaseDecisions.Item(i.type(), i.kind(), i.amountYuan(), i.lenientRule(), i.harm(), i.corrected())).toList()),
                me.getName(), roles(me), alerts::reviewStatuses);
        audit.record(me.getName(), "case_decision", id, "ok", String.valueOf(done.source().get("decision")), id);
        Map<String, Object> out = new LinkedHashMap<>(done.source());
        out.put("version", done.version());
        out.put("violations", decisions.violations(done.source()));
        out.put("next", CaseWorkflow.next("decided", roles(me)));
        return out;
    }

    @Operation(summary = "Add a note to a case", description = "{\"text\"}: kept with who wrote it and when, searchable.")
    @PostMapping("/api/cases/{id}/notes")
    public Map<String, Object> note(@PathVariable String id, @Valid @RequestBody Note note, Authentication me) {
        Docs done = cases.addNote(Ids.id(id, "case id"), note.text().strip(), me.getName());
        audit.record(me.getName(), "case_note", id, "ok", note.text().length() > 200 ? note.text().substring(0, 200) + "…" : note.text(), id);
        Map<String, Object> out = new LinkedHashMap<>(done.source());
        out.put("version", done.version());
        return out;
    }

    /** Whether the object's bytes match its first recorded hash; a mismatch is recorded as an integrity incident. */
    private String verified(String key, String user, String caseId) {
        EvidenceStore.Verified v;
        try {
            var cited = evidence.cited(key);
            if (cited.isEmpty()) {
                return "not_cited";
            }
            v = evidence.read(cited.get());
        } catch (ApiException e) {
            if (!e.code().equals("evidence_missing")) {
                return "unavailable";
            }
            audit.record(user, "integrity_failure", key, "missing", "recorded but not in the store", caseId);
            return "missing";
        }
        if (!v.matches()) {
            // Outside the catch: an integrity failure that cannot be recorded fails the request, not the record.
            audit.record(user, "integrity_failure", key, "mismatch", "recorded " + v.cited().recordedSha256() + ", read " + v.sha256(), caseId);
            return "mismatch";
        }
        return "ok";
    }

    static Set<String> roles(Authentication a) {
        return a.getAuthorities().stream().map(GrantedAuthority::getAuthority).filter(r -> r.startsWith("ROLE_"))
                .map(r -> r.substring(5)).collect(Collectors.toUnmodifiableSet());
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
