package org.nce.console.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.TreeMap;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Every label of the pages, from the message bundles ({@code i18n/messages_*.properties}): Chinese first, English. */
@RestController
@Tag(name = "i18n")
public class I18nController {
    @Operation(summary = "The pages' labels in a language (zh or en)")
    @GetMapping("/api/i18n/{lang}")
    public ResponseEntity<Map<String, String>> messages(@PathVariable String lang) {
        Locale locale = switch (lang) {
            case "zh", "zh-CN" -> Locale.SIMPLIFIED_CHINESE;
            case "en" -> Locale.ENGLISH;
            default -> throw ApiException.badRequest("lang", "languages: zh, en");
        };
        ResourceBundle b = ResourceBundle.getBundle("i18n.messages", locale, ResourceBundle.Control.getNoFallbackControl(
                ResourceBundle.Control.FORMAT_PROPERTIES));
        Map<String, String> out = new TreeMap<>();
        for (String k : b.keySet()) {
            out.put(k, b.getString(k));
        }
        // Kept 5 min by the browser like the page's scripts (labels change only with a release): a page load
        // then waits for one request fewer.
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(java.time.Duration.ofMinutes(5)).cachePrivate()).body(out);
    }
}
