package org.nce.console.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import org.nce.console.store.AuditLog;
import org.nce.console.store.EvidenceStore;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Evidence bytes, for the page and for downloads. Only objects an alert cites; only as the type of
 * their kind (never the stored content type), with {@code nosniff}, the console's CSP and a
 * {@code Content-Disposition}; only when the bytes match the hash first recorded for them (else 409
 * and an integrity incident in the audit log). Range requests work, so a clip can be sought; every
 * request is audited (a part with its range) before a byte leaves.
 */
@RestController
@Tag(name = "evidence", description = "clips, key frames, charts and readings, verified on every read")
public class EvidenceController {
    private final EvidenceStore evidence;
    private final AuditLog audit;
    private final org.nce.console.store.CaseStore cases;

    public EvidenceController(EvidenceStore evidence, AuditLog audit, org.nce.console.store.CaseStore cases) {
        this.evidence = evidence;
        this.audit = audit;
        this.cases = cases;
    }

    @Operation(summary = "An evidence object's bytes", description = "key: as cited by an alert or case. download=true "
            + "sends it as an attachment. 404 when no alert cites the key, 409 when its bytes no longer match their first "
            + "recorded hash. Headers: X-NCE-SHA256 (the hash the bytes were checked against).")
    @GetMapping("/api/evidence")
    public ResponseEntity<Resource> get(@RequestParam String key, @RequestParam(defaultValue = "false") boolean download,
                                        HttpServletRequest req, Authentication me) {
        Ids.key(key);
        EvidenceStore.Cited cited = evidence.cited(key).orElseThrow(() -> ApiException.notFound("no alert cites evidence " + key));
        // In the custody chain of the case the alert is in (issue #11): who saw which piece of its evidence.
        var of = cases.casesOf(cited.alertId());
        String caseId = of.isEmpty() ? null : of.get(0).id();
        EvidenceStore.Verified v;
        try {
            v = evidence.read(cited);
        } catch (ApiException e) {
            if (e.code().equals("evidence_missing")) {
                audit.record(me.getName(), "integrity_failure", key, "missing", "recorded but not in the store", caseId);
            }
            throw e;
        }
        if (!v.matches()) {
            audit.record(me.getName(), "integrity_failure", key, "mismatch",
                    "recorded " + cited.recordedSha256() + ", read " + v.sha256(), caseId);
            throw ApiException.conflict("integrity", "evidence " + key + " does not match the hash recorded when it was written "
                    + "(recorded " + cited.recordedSha256().substring(0, 12) + "…, now " + v.sha256().substring(0, 12)
                    + "…); it is not served as evidence and the failure was recorded");
        }
        // Every request that sends bytes is recorded, a part of a clip (a Range request) with its range:
        // no way to read evidence around the log.
        String range = req.getHeader(HttpHeaders.RANGE);
        String detail = v.sha256() + (range == null ? "" : " " + range.substring(0, Math.min(range.length(), 200)));
        audit.record(me.getName(), download ? "evidence_download" : "evidence_view", key, "ok", detail, caseId);
        String name = key.substring(key.lastIndexOf('/') + 1);
        ContentDisposition cd = (download ? ContentDisposition.attachment() : ContentDisposition.inline())
                .filename(name, StandardCharsets.UTF_8).build();
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(cited.contentType()))
                .header(HttpHeaders.CONTENT_DISPOSITION, cd.toString())
                .header("X-NCE-SHA256", v.sha256())
                .cacheControl(CacheControl.noStore().cachePrivate())
                .body(new ByteArrayResource(v.bytes()));
    }
}
