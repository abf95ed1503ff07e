package org.nce.console.hearing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * A case's evidence package for a hearing (听证) or a court: one zip that a lawyer's expert can check
 * with nothing but it and the bureau's public key. Layout (docs/hearing-package.md):
 * <pre>
 * manifest.json            every other file (but the signature and the key) with its size, SHA-256 and SM3
 * manifest.sig             the signature over manifest.json's bytes (Ed25519 raw 64 bytes, or ECDSA DER)
 * signer-public-key.pem    the key it was signed with (check it against the bureau's published one)
 * SHA256SUMS               for sha256sum -c
 * README.html              what is inside and how to verify it, in Chinese and English
 * case.json, custody.json, devices.json
 * evidence/…, sensor/….csv, documents/….pdf
 * </pre>
 */
public final class HearingPackage {
    public static final String FORMAT = "nce-hearing-package/1";
    /** Files outside the manifest: the signature over it, the key, and the manifest itself. */
    public static final List<String> UNLISTED = List.of("manifest.json", "manifest.sig", "signer-public-key.pem");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** One file of the package: where it goes, its bytes, what it is, and where it came from. */
    public record Item(String path, byte[] bytes, String kind, String sourceKey, String recordedSha256) {
    }

    /** Who signs: the bureau's key pair. */
    public record Signer(PrivateKey privateKey, PublicKey publicKey) {
        String algorithm() {
            return algorithmFor(publicKey);
        }
    }

    private HearingPackage() {
    }

    static String algorithmFor(java.security.Key k) {
        return switch (k.getAlgorithm()) {
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> throw new IllegalArgumentException("a signing key is Ed25519 or ECDSA, not " + k.getAlgorithm());
        };
    }

    /**
     * Writes the package. {@code caseInfo} goes in the manifest (case id, number, …) and the
     * report; {@code items} are the files (case.json, custody.json, devices.json among them).
     */
    public static byte[] write(Map<String, Object> caseInfo, List<Item> items, Signer signer, String exportedBy, Instant at)
            throws IOException, GeneralSecurityException {
        List<Item> all = new ArrayList<>(items);
        all.add(new Item("README.html", Report.html(caseInfo, items, signer.algorithm(), exportedBy, at).getBytes(StandardCharsets.UTF_8),
                "report", null, null));
        StringBuilder sums = new StringBuilder();
        for (Item i : all) {
            sums.append(Canonical.sha256(i.bytes())).append("  ").append(i.path()).append('\n');
        }
        all.add(new Item("SHA256SUMS", sums.toString().getBytes(StandardCharsets.UTF_8), "checksums", null, null));

        List<Map<String, Object>> files = new ArrayList<>();
        for (Item i : all) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("path", i.path());
            f.put("size", i.bytes().length);
            f.put("sha256", Canonical.sha256(i.bytes()));
            f.put("sm3", Canonical.sm3(i.bytes()));
            f.put("kind", i.kind());
            if (i.sourceKey() != null) {
                f.put("source_key", i.sourceKey());
            }
            if (i.recordedSha256() != null) {
                f.put("recorded_sha256", i.recordedSha256());
            }
            files.add(f);
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", FORMAT);
        manifest.put("case", caseInfo);
        manifest.put("exported_at", at.toString());
        manifest.put("exported_by", exportedBy);
        manifest.put("signature_algorithm", signer.algorithm());
        manifest.put("files", files);
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        Signature sig = Signature.getInstance(signer.algorithm());
        sig.initSign(signer.privateKey());
        sig.update(manifestBytes);
        byte[] signature = sig.sign();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
            put(zip, "manifest.json", manifestBytes);
            put(zip, "manifest.sig", signature);
            put(zip, "signer-public-key.pem", pem(signer.publicKey()));
            for (Item i : all) {
                put(zip, i.path(), i.bytes());
            }
        }
        return out.toByteArray();
    }

    static byte[] pem(java.security.Key key) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(key);
        }
        return w.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void put(ZipOutputStream zip, String path, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(path);
        e.setTime(0); // the same content gives the same zip: the time is in the manifest
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }
}
