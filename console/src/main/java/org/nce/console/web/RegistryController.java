package org.nce.console.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nce.console.rules.CaseRules;
import org.nce.console.store.AuditLog;
import org.nce.console.store.RegistryStore;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The subject and device registry in the console: everyone who works cases reads it (the device
 * records behind the evidence), an admin adds and changes entries. An entry is written exactly as
 * in the files (subjects.yaml, devices.yaml; docs/rules.md) and validated with the whole registry.
 */
@RestController
@Validated
@Tag(name = "registry", description = "subjects (parties) and devices with their 第四十一条 audit records")
public class RegistryController {
    /** The entry as JSON (an object: one item of subjects.yaml or devices.yaml). */
    public record Change(@NotNull Map<String, Object> entry, @Pattern(regexp = "\\d{1,18}:\\d{1,18}") String version) {
    }

    /** The registry's own JSON (Jackson 2, as the rules are read); the web layer's is Spring's. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryStore store;
    private final AuditLog audit;

    public RegistryController(RegistryStore store, AuditLog audit) {
        this.store = store;
        this.audit = audit;
    }

    @Operation(summary = "The registry", description = "subjects and devices, each with its entry as in the files, where it came "
            + "from (file, console), who changed it last and its version.")
    @GetMapping("/api/registry")
    public Map<String, Object> list() {
        List<Map<String, Object>> subjects = new ArrayList<>();
        List<Map<String, Object>> devices = new ArrayList<>();
        for (RegistryStore.Entry e : store.list()) {
            Map<String, Object> m = e.describe();
            m.put("entry", JSON.convertValue(e.entry(), Map.class)); // a Map: the web layer's JSON is Jackson 3
            m.put("version", e.version());
            (e.type().equals("subject") ? subjects : devices).add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sample", store.current().sample());
        out.put("subjects", subjects);
        out.put("devices", devices);
        return out;
    }

    @Operation(summary = "Add or change a subject or device (admin)", description = "{\"entry\": {…as in subjects.yaml or devices.yaml…}, "
            + "\"version\": the version read, or absent to add}. 400 with every problem when the registry would not validate; 409 when "
            + "it exists already (adding) or someone changed it since (changing).")
    @PostMapping("/api/registry/{kind}/{id}")
    public ResponseEntity<Map<String, Object>> save(@PathVariable @Pattern(regexp = "subjects|devices") String kind,
                                                    @PathVariable String id, @Valid @RequestBody Change req, Authentication who) {
        Ids.id(id, "a registry id");
        ObjectNode entry = JSON.valueToTree(req.entry());
        if (entry.hasNonNull("id") && !entry.get("id").asText().equals(id)) {
            throw ApiException.badRequest("bad_entry", "entry.id '" + entry.get("id").asText() + "' is not the " + id + " of the address");
        }
        entry.put("id", id);
        String type = kind.equals("subjects") ? "subject" : "device";
        String target = type + ":" + id;
        try {
            store.validate(type, id, entry);
        } catch (CaseRules.Refused e) {
            audit.record(who.getName(), "registry_change", target, "refused", String.join("; ", e.problems()), null);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("code", "registry_refused");
            body.put("message", "the registry would not validate with this entry: " + e.problems().size() + " problem(s)");
            body.put("problems", e.problems());
            return ResponseEntity.badRequest().body(body);
        }
        // Recorded first: a change the audit log cannot take is not made; one the store then refuses gets a second entry.
        audit.record(who.getName(), "registry_change", target, "ok", (req.version() == null ? "added: " : "changed: ") + entry, null);
        try {
            store.save(type, id, entry, req.version(), who.getName());
        } catch (ApiException | CaseRules.Refused e) {
            audit.record(who.getName(), "registry_change", target, "failed", e.getMessage(), null);
            throw e instanceof CaseRules.Refused r ? ApiException.conflict("registry_refused", "another change came first and this entry "
                    + "no longer validates: " + String.join("; ", r.problems())) : (ApiException) e;
        }
        return ResponseEntity.ok(Map.of("id", id, "type", type));
    }
}
