package org.nce.console.hearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** A package round trip, and each kind of tampering the verifier must name. */
class HearingPackageTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static List<Map<String, Object>> chain(int n) {
        List<Map<String, Object>> out = new ArrayList<>();
        String prev = Canonical.GENESIS;
        for (int i = 1; i <= n; i++) {
            Map<String, Object> e = new LinkedHashMap<>(Map.of("seq", i, "prev", prev, "at", 1_700_000_000_000L + i, "actor", "wang",
                    "action", i == 1 ? "evidence_view" : "case_status", "target", "case-1", "result", "ok", "case_id", "case-1"));
            e.put("hash", Canonical.entryHash(e));
            prev = (String) e.get("hash");
            out.add(e);
        }
        return out;
    }

    static byte[] pack(KeyPair keys) throws Exception {
        byte[] clip = "not really an mp4 but bytes".getBytes(StandardCharsets.UTF_8);
        List<HearingPackage.Item> items = List.of(
                new HearingPackage.Item("evidence/a1/clip.mp4", clip, "clip", "clips/s/c/a1.mp4", Canonical.sha256(clip)),
                new HearingPackage.Item("case.json", "{\"case_id\":\"case-1\"}".getBytes(StandardCharsets.UTF_8), "case", null, null),
                new HearingPackage.Item("custody.json", JSON.writeValueAsBytes(chain(3)), "custody", null, null),
                new HearingPackage.Item("devices.json", "[]".getBytes(StandardCharsets.UTF_8), "device-records", null, null));
        return HearingPackage.write(Map.of("case_id", "case-1"), items, new HearingPackage.Signer(keys.getPrivate(), keys.getPublic()),
                "legal.li", Instant.parse("2026-12-02T10:00:00Z"));
    }

    static KeyPair ed25519() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    /** The package with its entries changed: {@code edit} gets name → bytes, returns the new map. */
    static byte[] rezip(byte[] zip, UnaryOperator<Map<String, byte[]>> edit) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (var e : edit.apply(entries).entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    @Test
    void aPackageVerifiesWithTheBureausKey() throws Exception {
        KeyPair keys = ed25519();
        var r = PackageVerifier.verify(pack(keys), keys.getPublic());
        assertTrue(r.ok(), r.problems().toString());
        assertEquals(3, r.custodyEntries());
        assertEquals(6, r.files(), "evidence, case, custody, devices, README.html, SHA256SUMS");
    }

    @Test
    void aChangedByteAnAddedFileAndARemovedFileAreEachNamed() throws Exception {
        KeyPair keys = ed25519();
        byte[] zip = pack(keys);
        var changed = PackageVerifier.verify(rezip(zip, m -> {
            byte[] b = m.get("evidence/a1/clip.mp4").clone();
            b[3] ^= 1;
            m.put("evidence/a1/clip.mp4", b);
            return m;
        }), keys.getPublic());
        assertEquals(List.of("changed: evidence/a1/clip.mp4 (its size, SHA-256 or SM3 is not the manifest's)"), changed.problems());
        var added = PackageVerifier.verify(rezip(zip, m -> {
            m.put("evidence/a1/extra.jpg", new byte[] {1, 2, 3});
            return m;
        }), keys.getPublic());
        assertEquals(List.of("added: evidence/a1/extra.jpg (in the package, not in the manifest)"), added.problems());
        var removed = PackageVerifier.verify(rezip(zip, m -> {
            m.remove("devices.json");
            return m;
        }), keys.getPublic());
        assertEquals(List.of("removed: devices.json (in the manifest, not in the package)"), removed.problems());
    }

    @Test
    void anEditedOrDeletedCustodyEntryIsNamedEvenWhenTheManifestWasReSigned() throws Exception {
        // The custody log edited before export (in the index): the package is consistent and signed, the chain is not.
        List<Map<String, Object>> edited = chain(4);
        edited.get(1).put("actor", "somebody else");
        var problems = PackageVerifier.chainProblems(edited, new ArrayList<>());
        assertEquals(List.of("custody: entry #2 was changed (case_status by somebody else: its hash is not its content's)"), problems);
        List<Map<String, Object>> gap = chain(4);
        gap.remove(2);
        assertEquals(List.of("custody: entry #3 missing (deleted?)"), PackageVerifier.chainProblems(gap, new ArrayList<>()));
        // Edited inside the package: custody.json no longer matches the manifest, and the chain says where.
        KeyPair keys = ed25519();
        var r = PackageVerifier.verify(rezip(pack(keys), m -> {
            try {
                List<Map<String, Object>> c = JSON.readValue(m.get("custody.json"), new TypeReference<>() { });
                c.get(0).put("result", "refused");
                m.put("custody.json", JSON.writeValueAsBytes(c));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return m;
        }), keys.getPublic());
        assertTrue(r.problems().contains("changed: custody.json (its size, SHA-256 or SM3 is not the manifest's)"), r.problems().toString());
        assertTrue(r.problems().stream().anyMatch(p -> p.startsWith("custody: entry #1 was changed")), r.problems().toString());
    }

    @Test
    void aSwappedSignatureOrAnotherKeyFails() throws Exception {
        KeyPair keys = ed25519();
        KeyPair other = ed25519();
        byte[] zip = pack(keys);
        byte[] otherSig = rezip(pack(other), m -> m).clone();
        var wrongKey = PackageVerifier.verify(zip, other.getPublic());
        assertFalse(wrongKey.ok());
        assertTrue(wrongKey.problems().stream().anyMatch(p -> p.startsWith("signature:")), wrongKey.problems().toString());
        byte[][] sig = new byte[1][];
        rezip(otherSig, m -> {
            sig[0] = m.get("manifest.sig");
            return m;
        });
        var swapped = PackageVerifier.verify(rezip(zip, m -> {
            m.put("manifest.sig", sig[0]);
            return m;
        }), keys.getPublic());
        assertTrue(swapped.problems().stream().anyMatch(p -> p.startsWith("signature:")), swapped.problems().toString());
        // Without the bureau's key nothing says who signed: a package re-signed with a key of one's own, put inside, must not pass.
        byte[] forged = rezip(pack(other), m -> m);
        var inside = PackageVerifier.verify(forged, null);
        assertFalse(inside.ok(), "a package signed by anyone is not OK without the bureau's key");
        assertTrue(inside.problems().stream().anyMatch(p -> p.startsWith("signer not checked")), inside.problems().toString());
        // The key inside must be the one given (nothing else can ride in it).
        var otherKeyInside = PackageVerifier.verify(rezip(zip, m -> {
            try {
                m.put("signer-public-key.pem", HearingPackage.pem(other.getPublic()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return m;
        }), keys.getPublic());
        assertTrue(otherKeyInside.problems().stream().anyMatch(p -> p.startsWith("signer-public-key.pem is not the key given")),
                otherKeyInside.problems().toString());
    }

    @Test
    void aSecondZipAppendedToAGenuineOneIsRefused() throws Exception {
        // Read one entry after another the genuine package checks out; unzip reads the index at the end, the second zip's.
        KeyPair keys = ed25519();
        byte[] genuine = pack(keys);
        byte[] other = rezip(genuine, m -> {
            byte[] b = m.get("evidence/a1/clip.mp4").clone();
            b[0] ^= 1;
            m.put("evidence/a1/clip.mp4", b);
            return m;
        });
        byte[] both = new byte[genuine.length + other.length];
        System.arraycopy(genuine, 0, both, 0, genuine.length);
        System.arraycopy(other, 0, both, genuine.length, other.length);
        var r = PackageVerifier.verify(both, keys.getPublic());
        assertFalse(r.ok());
        assertTrue(r.problems().get(0).startsWith("the zip's index (what unzip shows)"), r.problems().toString());
    }

    @Test
    void anEntryWhoseSeqWasTakenAwayIsNamed() {
        List<Map<String, Object>> chain = chain(4);
        Map<String, Object> last = chain.remove(3);
        last.remove("seq");
        chain.add(last);
        var problems = PackageVerifier.chainProblems(chain, new ArrayList<>());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("has no place in the chain"), problems.toString());
    }

    @Test
    void ecdsaKeysSignToo() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        KeyPair keys = g.generateKeyPair();
        assertTrue(PackageVerifier.verify(pack(keys), keys.getPublic()).ok());
        assertEquals(keys.getPublic(), CaseExport.publicOf(keys.getPrivate()), "the public key derived from the private one");
        KeyPair ed = ed25519();
        assertEquals(ed.getPublic(), CaseExport.publicOf(ed.getPrivate()));
    }

    @Test
    void sm3IsGbT32905() {
        // GB/T 32905-2016 appendix A, example 1: "abc".
        assertEquals("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
                Canonical.sm3("abc".getBytes(StandardCharsets.US_ASCII)));
    }
}
