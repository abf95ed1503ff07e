package org.nce.console.hearing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Checks a hearing package offline, with nothing but the package and the bureau's public key: the
 * signature over the manifest, every file's size, SHA-256 and SM3, files added or removed, and the
 * custody chain. Every failure is named. {@code ./nce verify-package FILE.zip [--public-key K]}.
 */
public final class PackageVerifier {
    /** What a check found: every problem, and notes that are not failures. */
    public record Result(List<String> problems, List<String> notes, int files, int custodyEntries) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private PackageVerifier() {
    }

    public static Result verify(byte[] zip, PublicKey bureauKey) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (entries.put(e.getName(), in.readAllBytes()) != null) {
                    problems.add("file " + e.getName() + " appears twice in the zip");
                }
            }
        } catch (IOException e) {
            problems.add("not a readable zip: " + e.getMessage());
            return new Result(problems, notes, 0, 0);
        }
        // What unzip, 7-Zip or a file manager shows is the zip's index (its central directory, at the end),
        // not the entries one after another: both must be the same files with the same bytes, or the checks
        // below would be about files the reader never sees (a second zip appended to a genuine one).
        String index = indexMismatch(zip, entries);
        if (index != null) {
            problems.add(index);
            return new Result(problems, notes, 0, 0);
        }
        byte[] manifestBytes = entries.get("manifest.json");
        byte[] sig = entries.get("manifest.sig");
        if (manifestBytes == null || sig == null) {
            problems.add("missing " + (manifestBytes == null ? "manifest.json" : "manifest.sig") + ": nothing can be checked");
            return new Result(problems, notes, 0, 0);
        }
        JsonNode manifest;
        try {
            manifest = JSON.readTree(manifestBytes);
        } catch (IOException e) {
            problems.add("manifest.json is not JSON: " + e.getMessage());
            return new Result(problems, notes, 0, 0);
        }
        if (!HearingPackage.FORMAT.equals(manifest.path("format").asText())) {
            problems.add("manifest.json: format " + manifest.path("format").asText() + ", expected " + HearingPackage.FORMAT);
        }

        PublicKey key = bureauKey;
        byte[] embedded = entries.get("signer-public-key.pem");
        if (key == null) {
            key = embedded == null ? null : readPublicKey(embedded);
            // Anyone can re-sign a changed package with a key of their own and put it inside: without the
            // bureau's key the package is at most whole, never shown to be the bureau's.
            problems.add("signer not checked: no --public-key (the bureau's published key); the key inside the package"
                    + " proves only that the package is whole, not who made it");
        } else if (embedded != null && !java.util.Arrays.equals(embedded, HearingPackage.pem(key))) {
            problems.add("signer-public-key.pem is not the key given (" + (embedded.length > 4096 ? "and carries "
                    + embedded.length + " bytes" : "another key or more than it") + ")");
        }
        if (key == null) {
            problems.add("no public key to check the signature with");
        } else {
            try {
                Signature s = Signature.getInstance(HearingPackage.algorithmFor(key));
                s.initVerify(key);
                s.update(manifestBytes);
                if (!s.verify(sig)) {
                    problems.add("signature: manifest.sig does not verify against the key (manifest.json changed, or another signer)");
                }
            } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
                problems.add("signature: cannot be checked (" + e.getMessage() + ")");
            }
            notes.add("signer key SHA-256 fingerprint " + Canonical.sha256(key.getEncoded()));
        }

        Set<String> listed = new LinkedHashSet<>();
        int files = 0;
        for (JsonNode f : manifest.path("files")) {
            String path = f.path("path").asText();
            listed.add(path);
            files++;
            byte[] b = entries.get(path);
            if (b == null) {
                problems.add("removed: " + path + " (in the manifest, not in the package)");
                continue;
            }
            if (b.length != f.path("size").asLong() || !Canonical.sha256(b).equals(f.path("sha256").asText())
                    || !Canonical.sm3(b).equals(f.path("sm3").asText())) {
                problems.add("changed: " + path + " (its size, SHA-256 or SM3 is not the manifest's)");
            }
            if (f.hasNonNull("recorded_sha256") && !f.path("recorded_sha256").asText().equals(f.path("sha256").asText())) {
                problems.add("evidence " + path + ": not the bytes first recorded for " + f.path("source_key").asText());
            }
        }
        for (String name : entries.keySet()) {
            if (!listed.contains(name) && !HearingPackage.UNLISTED.contains(name)) {
                problems.add("added: " + name + " (in the package, not in the manifest)");
            }
        }

        int custody = 0;
        byte[] custodyBytes = entries.get("custody.json");
        if (custodyBytes == null) {
            problems.add("no custody.json");
        } else {
            List<Map<String, Object>> chain = JSON.readValue(custodyBytes, new TypeReference<>() { });
            custody = chain.size();
            problems.addAll(chainProblems(chain, notes));
        }
        return new Result(problems, notes, files, custody);
    }

    /** Null when the zip's index (central directory) holds exactly the entries read in order, else what differs. */
    private static String indexMismatch(byte[] zip, Map<String, byte[]> entries) throws IOException {
        Path tmp = Files.createTempFile("nce-package", ".zip");
        try {
            Files.write(tmp, zip);
            Map<String, byte[]> indexed = new LinkedHashMap<>();
            try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(tmp.toFile(), StandardCharsets.UTF_8)) {
                for (var it = z.entries(); it.hasMoreElements(); ) {
                    ZipEntry e = it.nextElement();
                    try (var in = z.getInputStream(e)) {
                        if (indexed.put(e.getName(), in.readAllBytes()) != null) {
                            return "file " + e.getName() + " appears twice in the zip's index";
                        }
                    }
                }
            } catch (IOException e) {
                return "the zip's index cannot be read: " + e.getMessage();
            }
            if (!indexed.keySet().equals(entries.keySet())) {
                return "the zip's index (what unzip shows) lists other files than its entries: " + indexed.keySet();
            }
            for (var e : indexed.entrySet()) {
                if (!java.util.Arrays.equals(e.getValue(), entries.get(e.getKey()))) {
                    return "the zip's index (what unzip shows) gives other bytes for " + e.getKey() + " than its entries";
                }
            }
            return null;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Every break in a custody chain: a gap in seq, a prev that is not the entry before's hash, a hash that is not the entry's. */
    public static List<String> chainProblems(List<Map<String, Object>> chain, List<String> notes) {
        List<String> problems = new ArrayList<>();
        String prev = Canonical.GENESIS;
        long expect = 1;
        int unchained = 0;
        long chainStart = chain.stream().filter(e -> e.get("seq") instanceof Number).mapToLong(e -> e.get("at") instanceof Number a
                ? a.longValue() : Long.MAX_VALUE).min().orElse(Long.MAX_VALUE);
        for (Map<String, Object> e : chain) {
            if (!(e.get("seq") instanceof Number n)) {
                if (e.get("at") instanceof Number at && at.longValue() >= chainStart) {
                    // Written after the chain began, so written into it: a seq taken away (or a forged entry).
                    problems.add("custody: an entry of " + java.time.Instant.ofEpochMilli(at.longValue()) + " (" + e.get("action")
                            + " by " + e.get("actor") + ") has no place in the chain, though the chain was kept then");
                }
                unchained++;
                continue;
            }
            long seq = n.longValue();
            if (seq != expect) {
                problems.add("custody: entry #" + expect + (seq == expect + 1 ? " missing (deleted?)" : seq > expect ? " to #" + (seq - 1)
                        + " missing (deleted?)" : " out of order"));
                prev = null; // the next entry's prev cannot be checked against a missing one
            }
            if (prev != null && !prev.equals(e.get("prev"))) {
                problems.add("custody: entry #" + seq + " does not follow #" + (seq - 1) + " (its prev is not that entry's hash)");
            }
            String h = Canonical.entryHash(e);
            if (!h.equals(e.get("hash"))) {
                problems.add("custody: entry #" + seq + " was changed (" + e.get("action") + " by " + e.get("actor") + ": its hash is not its content's)");
            }
            prev = String.valueOf(e.get("hash"));
            expect = seq + 1;
        }
        if (unchained > 0) {
            notes.add(unchained + " custody entries from before the chain was kept (no seq): listed, not chained");
        }
        return problems;
    }

    public static PublicKey readPublicKey(byte[] pem) throws IOException {
        try (PEMParser p = new PEMParser(new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII))) {
            Object o = p.readObject();
            if (o instanceof SubjectPublicKeyInfo info) {
                return new JcaPEMKeyConverter().getPublicKey(info);
            }
            throw new IOException("not a public key (PEM \"PUBLIC KEY\")");
        }
    }

    /** {@code verify-package FILE.zip [--public-key K]}: prints what it checked, exits 1 on any failure. */
    public static void main(String[] args) throws Exception {
        Path file = null;
        Path keyFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--public-key") && i + 1 < args.length) {
                keyFile = Path.of(args[++i]);
            } else if (file == null && !args[i].startsWith("--")) {
                file = Path.of(args[i]);
            } else {
                System.err.println("usage: ./nce verify-package FILE.zip [--public-key K.pem]");
                System.exit(2);
            }
        }
        if (file == null) {
            System.err.println("usage: ./nce verify-package FILE.zip [--public-key K.pem]");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        Result r = verify(Files.readAllBytes(file), keyFile == null ? null : readPublicKey(Files.readAllBytes(keyFile)));
        System.out.printf("%s: %d files, %d custody entries, checked in %d ms%n", file, r.files(), r.custodyEntries(),
                (System.nanoTime() - t0) / 1_000_000);
        r.notes().forEach(n -> System.out.println("  note: " + n));
        r.problems().forEach(p -> System.out.println("  FAILED: " + p));
        System.out.println(r.ok() ? "OK: every hash, the bureau's signature and the custody chain check out"
                : "NOT OK: " + r.problems().size() + " problem(s)");
        System.exit(r.ok() ? 0 : 1);
    }
}
