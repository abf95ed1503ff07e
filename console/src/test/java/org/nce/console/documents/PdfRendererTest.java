package org.nce.console.documents;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PdfRendererTest {
    private static PdfRenderer renderer(Path dir) {
        PdfRenderer r = new PdfRenderer(dir, null);
        Assumptions.assumeTrue(r.font() != null, "no CJK TrueType font here: apt-get install fonts-arphic-gbsn00lp");
        return r;
    }

    @Test
    void aNameTheFontCannotPrintIsRefusedNotLeftOut(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("templates"));
        Files.writeString(dir.resolve("templates/penalty_decision.html"),
                "<html><head><style>body { font-family: 'NCE CJK'; }</style></head><body><p>当事人：{{name}}</p></body></html>");
        PdfRenderer r = renderer(dir);
        assertTrue(r.render("penalty_decision", Map.of("name", "张三")).length > 1000, "a name in the font renders");
        // U+20BB7 (𠮷) is outside GB 2312: a GB 2312 font would drop it silently from the party's name.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.render("penalty_decision", Map.of("name", "\uD842\uDFB7野")));
        assertTrue(e.getMessage().contains("\uD842\uDFB7") && e.getMessage().contains("NCE_DOCUMENT_FONT"), e.getMessage());
    }

    @Test
    void aTemplateNamingAFieldThatDoesNotExistFailsInsteadOfPrintingABlank(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("templates"));
        Files.writeString(dir.resolve("templates/penalty_decision.html"), "<html><body><p>罚则：{{violation.penalty_basis}}</p></body></html>");
        PdfRenderer r = renderer(dir);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.render("penalty_decision", Map.of("violation", Map.of())));
        assertTrue(e.getMessage().contains("penalty_basis"), e.getMessage());
        Files.writeString(dir.resolve("templates/correction_notice.html"), "<html><body>{{> _missing}}</body></html>");
        assertThrows(IllegalStateException.class, () -> r.render("correction_notice", Map.of()), "a partial that is not there");
    }
}
