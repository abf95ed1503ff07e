package org.nce.console.web;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nce.console.documents.CaseDocuments;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The public page a document's QR code opens (no login): the case number, the issuing unit, the
 * status and each document's number and SHA-256, so anyone holding a paper or PDF copy can check it
 * is what was issued. Nothing personal: no party, address, facts, amounts or evidence.
 */
@RestController
@Tag(name = "verify", description = "public verification of a case's documents by its action code (no login)")
public class VerifyController {
    private static final Map<String, String> STATUS = Map.of("decided", "已作出决定", "served", "已送达", "closed", "已结案");
    /** Checks per client address a minute: a person scanning a code is far below it, a harvester of the register far above. */
    static final int PER_MINUTE = 30;
    private final CaseDocuments documents;
    private final Template page;
    private final Map<String, io.github.bucket4j.Bucket> buckets = new java.util.LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, io.github.bucket4j.Bucket> eldest) {
            return size() > 10_000;
        }
    };

    public VerifyController(CaseDocuments documents) throws java.io.IOException {
        this.documents = documents;
        try (var in = new InputStreamReader(VerifyController.class.getResourceAsStream("/web/verify.html"), StandardCharsets.UTF_8)) {
            this.page = Mustache.compiler().emptyStringIsFalse(true).defaultValue("").compile(in);
        }
    }

    @Operation(summary = "Verify a case's documents by its 行政行为码 (public)", description = "HTML for a browser (the QR code's "
            + "target), JSON with Accept: application/json: action_code, case_number, issued_by, status, documents[] (number, sha256, "
            + "issued_at). 404 for an unknown code, 429 past " + PER_MINUTE + " checks a minute from one address. Nothing personal.")
    @GetMapping("/verify/{code}")
    public ResponseEntity<?> verify(@PathVariable String code, @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept,
                                    jakarta.servlet.http.HttpServletRequest req) {
        boolean json = accept != null && accept.contains("application/json");
        if (!bucket(req.getRemoteAddr()).tryConsume(1)) {
            throw new ApiException(org.springframework.http.HttpStatus.TOO_MANY_REQUESTS, "too_many_checks",
                    "too many checks from this address; try again in a minute");
        }
        Map<String, Object> found = code.matches("[A-Za-z0-9-]{6,64}") ? documents.byActionCode(code).orElse(null) : null;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("action_code", code);
        if (found == null || !(found.get("documents") instanceof List<?> docs) || docs.isEmpty()) {
            out.put("found", false);
            return answer(404, json, out);
        }
        out.put("found", true);
        out.put("case_number", found.get("case_number"));
        out.put("issued_by", documents.rules().organ().name());
        String status = String.valueOf(found.get("status"));
        out.put("status", status);
        out.put("status_cn", STATUS.getOrDefault(status, status));
        List<Map<String, Object>> list = new ArrayList<>();
        for (Object o : docs) {
            if (o instanceof Map<?, ?> m) {
                // The number and the hash only (the list): a kind or title would say more about the outcome.
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("number", m.get("number"));
                d.put("sha256", m.get("sha256"));
                d.put("issued_at", m.get("at"));
                list.add(d);
            }
        }
        out.put("documents", list);
        return answer(200, json, out);
    }

    private synchronized io.github.bucket4j.Bucket bucket(String address) {
        return buckets.computeIfAbsent(address, k -> io.github.bucket4j.Bucket.builder().addLimit(io.github.bucket4j.Bandwidth.builder()
                .capacity(PER_MINUTE).refillGreedy(PER_MINUTE, java.time.Duration.ofMinutes(1)).build()).build());
    }

    private ResponseEntity<?> answer(int status, boolean json, Map<String, Object> body) {
        var r = ResponseEntity.status(status).cacheControl(CacheControl.noStore());
        if (json) {
            return r.contentType(MediaType.APPLICATION_JSON).body(body);
        }
        return r.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8)).body(page.execute(body));
    }
}
