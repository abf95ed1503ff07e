package org.nce.console.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.nce.console.hearing.CaseExport;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The hearing export (legal role) and the key anyone checks a package with. */
@RestController
@Tag(name = "export", description = "signed evidence packages for hearings and courts")
public class ExportController {
    private final CaseExport export;

    public ExportController(CaseExport export) {
        this.export = export;
    }

    @Operation(summary = "Export a case's evidence package (legal)", description = "A zip: evidence (each checked against the hash "
            + "first recorded), sensor data as CSV, documents, the case, its custody chain, the devices' audit records, a manifest "
            + "with SHA-256 and SM3 of every file, signed with the bureau's key (docs/hearing-package.md). 409 when an object no "
            + "longer matches its first hash; 503 when no signing key is configured.")
    @PostMapping("/api/cases/{id}/export")
    public ResponseEntity<byte[]> export(@PathVariable String id, Authentication who) {
        CaseExport.Export e = export.export(Ids.id(id, "case id"), who.getName());
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/zip"))
                .header("X-Package-SHA256", e.sha256())
                .header("Content-Disposition", ContentDisposition.attachment().filename(e.fileName()).build().toString())
                .cacheControl(CacheControl.noStore().cachePrivate()).body(e.zip());
    }

    @Operation(summary = "The public key packages are signed with (PEM)", description = "Publish it; verify with "
            + "./nce verify-package FILE.zip --public-key it.pem")
    @GetMapping(value = "/api/export/public-key", produces = "application/x-pem-file")
    public byte[] publicKey() {
        return export.publicKeyPem();
    }
}
