package org.nce.console.documents;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A document kind's template (JMustache, HTML-escaped values) rendered to PDF by openhtmltopdf with
 * a CJK TrueType font embedded (subset), so the text is Chinese characters a reader can copy and
 * {@code pdftotext} can read, not pictures of them; the 行政行为码 as a QR code (ZXing) in it.
 * Templates come from the deployment's rules directory ({@code templates/}) or the console's jar.
 */
public final class PdfRenderer {
    /** TrueType fonts with the GB 2312 characters, tried in order when none is configured (Debian's packages). */
    static final List<Path> FONT_CANDIDATES = List.of(Path.of("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"),
            Path.of("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf"),
            Path.of("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"));
    static final String FAMILY = "NCE CJK";
    static {
        // openhtmltopdf logs at INFO on every document ("Using fast-mode renderer…"); its warnings are kept.
        for (String logger : com.openhtmltopdf.util.XRLog.listRegisteredLoggers()) {
            com.openhtmltopdf.util.XRLog.setLevel(logger, java.util.logging.Level.WARNING);
        }
    }

    private final Path templatesDir;
    private final Path font;
    private final Mustache.Compiler mustache;
    /** The font's character map, to refuse a document with a character the font lacks (it would be left out silently). */
    private final org.apache.fontbox.ttf.CmapLookup glyphs;

    /**
     * @param rulesDir the deployment's rules directory, or null for the templates in the jar
     * @param font     a TrueType (.ttf/.otf) font with the Chinese characters, or null for the first of {@link #FONT_CANDIDATES}
     */
    public PdfRenderer(Path rulesDir, Path font) {
        this.templatesDir = rulesDir == null ? null : rulesDir.resolve("templates");
        this.font = font != null ? font : FONT_CANDIDATES.stream().filter(Files::isReadable).findFirst().orElse(null);
        // A missing field is an error (JMustache's default), not an empty string: a decision must not go
        // out with a blank 罚则. Optional fields come as "", which is false in a {{#section}}.
        this.mustache = Mustache.compiler().strictSections(false).emptyStringIsFalse(true).withLoader(this::template);
        this.glyphs = this.font == null ? null : cmap(this.font);
    }

    private static org.apache.fontbox.ttf.CmapLookup cmap(Path font) {
        try {
            var ttf = new org.apache.fontbox.ttf.TTFParser().parse(new org.apache.pdfbox.io.RandomAccessReadBufferedFile(font.toFile()));
            return ttf.getUnicodeCmapLookup();
        } catch (IOException e) {
            throw new IllegalStateException("the document font " + font + " is not a readable TrueType font: " + e.getMessage(), e);
        }
    }

    /** The characters of {@code text} the font has no glyph for (a name outside GB 2312 in a GB 2312 font, say). */
    String missingGlyphs(String text) {
        StringBuilder missing = new StringBuilder();
        text.codePoints().filter(cp -> cp > 0x7e && !Character.isWhitespace(cp) && glyphs.getGlyphId(cp) == 0).distinct()
                .forEach(missing::appendCodePoint);
        return missing.toString();
    }

    /** The font in use, or null when none was found (then {@link #render} refuses). */
    public Path font() {
        return font;
    }

    /** Renders {@code kind}'s template over {@code model} to PDF bytes. */
    public byte[] render(String kind, Map<String, Object> model) {
        if (font == null || !Files.isReadable(font)) {
            throw new IllegalStateException("no CJK TrueType font: install fonts-arphic-gbsn00lp (Debian) or set NCE_DOCUMENT_FONT to a .ttf");
        }
        String html;
        try (Reader r = template(kind)) {
            Template t = mustache.compile(r);
            html = t.execute(model);
        } catch (IOException | com.samskivert.mustache.MustacheException e) {
            throw new IllegalStateException("template " + kind + ": " + e.getMessage(), e);
        }
        // Only the text, not the markup or the QR's data URI: a character the font lacks would vanish from the page.
        String missing = missingGlyphs(html.replaceAll("<[^>]*>", ""));
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the font " + font.getFileName() + " has no glyph for \"" + missing
                    + "\"; set NCE_DOCUMENT_FONT to a font with them (a GB 18030 one)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PdfRendererBuilder b = new PdfRendererBuilder();
            b.useFastMode();
            b.useFont(font.toFile(), FAMILY);
            b.withHtmlContent(html, null);
            b.toStream(out);
            b.run();
        } catch (IOException e) {
            throw new IllegalStateException("rendering " + kind + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** A QR code of {@code text} as a PNG data URI (error correction M: a folded or stamped page still reads). */
    public static String qrDataUri(String text) {
        try {
            var matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 360, 360,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 2,
                            EncodeHintType.CHARACTER_SET, "UTF-8"));
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            MatrixToImageWriter.writeToStream(matrix, "PNG", png);
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
        } catch (WriterException | IOException e) {
            throw new IllegalStateException("QR code: " + e.getMessage(), e);
        }
    }

    private Reader template(String name) throws IOException {
        if (!name.matches("_?[a-z_]{1,64}")) {
            throw new IOException("not a template name: " + name);
        }
        if (templatesDir != null) {
            return Files.newBufferedReader(templatesDir.resolve(name + ".html"), StandardCharsets.UTF_8);
        }
        InputStream in = PdfRenderer.class.getResourceAsStream("/rules/templates/" + name + ".html");
        if (in == null) {
            throw new IOException("no template " + name + ".html in the console's jar");
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }
}
