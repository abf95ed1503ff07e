package org.nce.console.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nce.console.documents.CaseDocuments;
import org.nce.console.rules.DocumentRules;
import org.nce.console.store.AuditLog;
import org.nce.console.store.CaseStore;
import org.nce.console.store.Docs;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A decided case's documents (三书同达) and its 行政行为码. */
@RestController
@Validated
@Tag(name = "documents", description = "generate, list and read a decided case's documents; record a provincially issued action code")
public class DocumentController {
    public record ExternalCode(@NotNull @Pattern(regexp = "[A-Za-z0-9-]{6,64}") String code) {
    }

    public record RepairRequest(@NotNull @jakarta.validation.constraints.Size(min = 1, max = 20)
                                List<@jakarta.validation.constraints.NotBlank @jakarta.validation.constraints.Size(max = 200) String> materials,
                                @jakarta.validation.constraints.Size(max = 2000) String note) {
    }

    public record RepairDecision(@NotNull @Pattern(regexp = "approved|refused") String result,
                                 @jakarta.validation.constraints.Size(max = 2000) String note) {
    }

    private final CaseDocuments documents;
    private final CaseStore cases;
    private final AuditLog audit;
    private final org.nce.console.documents.CreditRepair repair;

    public DocumentController(CaseDocuments documents, CaseStore cases, AuditLog audit, org.nce.console.documents.CreditRepair repair) {
        this.repair = repair;
        this.documents = documents;
        this.cases = cases;
        this.audit = audit;
    }

    @Operation(summary = "Generate a decided case's documents (legal)", description = "The documents that fit the decision "
            + "(documents.yaml bundles: a unit fined in the ordinary procedure gets 行政处罚决定书, 信用修复告知书 and 行政合规建议书; "
            + "a lenient case the 不予行政处罚决定书 or warning with the 责令限期改正通知书), each numbered, rendered to PDF and "
            + "stored write-once. Once generated they are returned as they are, never made again. 409 when the case is not decided, "
            + "its party is not in the subject registry, or none of its evidence comes from a reviewed device (第四十一条).")
    @PostMapping("/api/cases/{id}/documents")
    public Map<String, Object> generate(@PathVariable String id, Authentication me) {
        Ids.id(id, "case id");
        Docs done = documents.generate(id, me.getName());
        return view(id, done.source());
    }

    @Operation(summary = "A case's documents", description = "kind, number (文号), sha256, url of each, and the case's action_code and case_number.")
    @GetMapping("/api/cases/{id}/documents")
    public Map<String, Object> list(@PathVariable String id) {
        Ids.id(id, "case id");
        Docs c = cases.get(id).orElseThrow(() -> ApiException.notFound("no case " + id));
        return view(id, c.source());
    }

    @Operation(summary = "One document's PDF", description = "Checked against the hash recorded when it was issued; 409 (and an "
            + "integrity incident) when it no longer matches. download=true sends it as an attachment.")
    @GetMapping("/api/cases/{id}/documents/{kind}.pdf")
    public ResponseEntity<Resource> pdf(@PathVariable String id, @PathVariable String kind,
                                        @RequestParam(defaultValue = "false") boolean download, Authentication me) {
        Ids.id(id, "case id");
        if (!DocumentRules.KINDS.containsKey(kind)) {
            throw ApiException.notFound("no document kind " + kind + "; kinds: " + DocumentRules.KINDS.keySet());
        }
        byte[] pdf = documents.read(id, kind, me.getName());
        audit.record(me.getName(), download ? "document_download" : "document_view", id + "/" + kind, "ok", null, id);
        ContentDisposition cd = (download ? ContentDisposition.attachment() : ContentDisposition.inline())
                .filename(kind + ".pdf", StandardCharsets.UTF_8).build();
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_PDF)
                .header(HttpHeaders.CONTENT_DISPOSITION, cd.toString())
                .cacheControl(CacheControl.noStore().cachePrivate())
                .body(new ByteArrayResource(pdf));
    }

    @Operation(summary = "Record the provincial platform's action code (legal)", description = "{\"code\"}: where the provincial "
            + "platform issues the 行政行为码, it is stored on the case (action_code_source: external) and printed on its documents "
            + "instead of a locally minted one. Only before the documents are planned: a code on served paper never changes.")
    @PostMapping("/api/cases/{id}/action-code")
    public Map<String, Object> externalCode(@PathVariable String id, @Valid @RequestBody ExternalCode body, Authentication me) {
        Ids.id(id, "case id");
        Docs c = cases.get(id).orElseThrow(() -> ApiException.notFound("no case " + id));
        if (c.source().get("document_plan") != null) {
            throw ApiException.conflict("documents_planned", "case " + id + " already has its documents numbered with action code "
                    + c.source().get("action_code") + "; it cannot change");
        }
        // Reserved first (create-only, keyed by the code): two cases can never both hold it.
        if (!documents.reserveExternalCode(body.code(), id)) {
            throw ApiException.conflict("action_code_taken", "action code " + body.code() + " is already another case's");
        }
        Docs done = cases.update(id, doc -> {
            if (doc.source().get("document_plan") != null) {
                throw ApiException.conflict("documents_planned", "case " + id + " already has its documents numbered with action code "
                        + doc.source().get("action_code") + "; it cannot change");
            }
            return Map.of("action_code", body.code(), "action_code_source", "external", "updated_at", System.currentTimeMillis());
        });
        audit.record(me.getName(), "action_code", id, "ok", "external " + body.code(), id);
        return view(id, done.source());
    }

    @Operation(summary = "Record a credit repair request (officer, legal)", description = "{\"materials\": [names of what the party "
            + "submitted], \"note\"}: for a served case whose party was given a 信用修复告知书, once the minimum publicity period "
            + "(documents.yaml credit) has run; 409 with the date it ends before then, or while a request awaits its decision.")
    @PostMapping("/api/cases/{id}/credit-repair")
    public Map<String, Object> requestRepair(@PathVariable String id, @Valid @RequestBody RepairRequest body, Authentication me) {
        Ids.id(id, "case id");
        Docs done = repair.request(id, body.materials(), body.note(), me.getName());
        audit.record(me.getName(), "credit_repair_request", id, "ok", String.join("；", body.materials()), id);
        return Map.of("case_id", id, "credit_repairs", done.source().get("credit_repairs"));
    }

    @Operation(summary = "Decide a credit repair request (legal)", description = "{\"result\": \"approved\" | \"refused\", \"note\"} "
            + "(a refusal says why). The case and its public page show the result.")
    @PostMapping("/api/cases/{id}/credit-repair/decision")
    public Map<String, Object> decideRepair(@PathVariable String id, @Valid @RequestBody RepairDecision body, Authentication me) {
        Ids.id(id, "case id");
        Docs done = repair.decide(id, body.result(), body.note(), me.getName());
        audit.record(me.getName(), "credit_repair_decision", id, "ok", body.result() + (body.note() == null ? "" : ": " + body.note()), id);
        return Map.of("case_id", id, "credit_repairs", done.source().get("credit_repairs"));
    }

    private static Map<String, Object> view(String id, Map<String, Object> c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("case_id", id);
        out.put("case_number", c.get("case_number"));
        out.put("action_code", c.get("action_code"));
        out.put("action_code_source", c.get("action_code_source"));
        List<Map<String, Object>> listed = CaseDocuments.listed(id, c);
        out.put("documents", listed);
        out.put("credit_repair", org.nce.console.documents.CreditRepair.latest(c));
        return out;
    }
}
