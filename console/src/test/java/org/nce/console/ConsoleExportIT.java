package org.nce.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nce.console.hearing.PackageVerifier;
import org.nce.model.StoreLayout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The hearing export against the loopback stores: the legal role exports a case, the package
 * verifies offline with the key the console publishes and holds the case's custody chain (evidence
 * views, notes, the exports before it); a custody entry edited in the index is named by the
 * verifier; an evidence object whose bytes changed in the bucket refuses the export and is
 * recorded as an integrity incident; only the legal role exports.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleExportIT {
    static final String PW = "correct horse battery";
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String SITE = "site-x" + RUN;
    static final String CAM = "cam-x" + RUN;
    static final String CASE = "case-x" + RUN;
    static final String TAMPERED_CASE = "case-xt" + RUN;
    static final String A1 = CAM + ":open_burning:x-1";
    static final String A2 = CAM + ":open_burning:x-2";
    static final String CLIP = "clips/" + SITE + "/" + CAM + "/x1.mp4";
    static final String FRAME = "keyframes/" + SITE + "/" + CAM + "/x2.jpg";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        var enc = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        Path users = Files.createTempFile("nce-users", ".yaml");
        Files.writeString(users, "users:\n  - {username: legal, password: \"" + enc.encode(PW) + "\", roles: [legal]}\n"
                + "  - {username: officer, password: \"" + enc.encode(PW) + "\", roles: [officer]}\n");
        r.add("nce.users-file", users::toString);
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            w.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
        }
        Path key = Files.createTempFile("nce-export-key", ".pem");
        Files.writeString(key, pem.toString());
        r.add("nce.export-key", key::toString);
        Path rules = TestRules.withRegistry("subjects: []\n", "devices:\n" + TestRules.reviewed(CAM, SITE, "camera", null));
        r.add("nce.rules-dir", rules::toString);
        Stores.props(r);
    }

    @BeforeAll
    void seed() throws Exception {
        Stores.ensureIndices();
        long t = System.currentTimeMillis() - 60_000;
        var clip = Stores.evidence(A1, CLIP, "clip", "twenty seconds of a fire, as bytes".getBytes(StandardCharsets.UTF_8), "video/mp4");
        // A second object of the same file name in another folder: both go in, neither overwrites the other.
        var twin = Stores.evidence(A1, "clips/" + SITE + "/" + CAM + "/again/x1.mp4", "clip", "the same name, other bytes"
                .getBytes(StandardCharsets.UTF_8), "video/mp4");
        Stores.alert(A1, "open_burning", SITE, CAM, t, List.of(clip, twin));
        Stores.caseDoc(CASE, "open_burning", SITE, t, List.of(A1), List.of(clip, twin));
        var frame = Stores.evidence(A2, FRAME, "keyframe", new byte[] {(byte) 0xFF, (byte) 0xD8, 9, 9, (byte) 0xFF, (byte) 0xD9}, "image/jpeg");
        Stores.alert(A2, "open_burning", SITE, CAM, t, List.of(frame));
        Stores.caseDoc(TAMPERED_CASE, "open_burning", SITE, t, List.of(A2), List.of(frame));
    }

    PublicKey publishedKey(Client c) throws Exception {
        Client.Reply r = c.get("/api/export/public-key");
        assertEquals(200, r.status(), r.body());
        Path f = Files.createTempFile("bureau", ".pem");
        Files.writeString(f, r.body());
        return readKey(f);
    }

    static PublicKey readKey(Path pem) throws Exception {
        return PackageVerifier.readPublicKey(Files.readAllBytes(pem));
    }

    byte[] export(Client c, String caseId) throws Exception {
        HttpResponse<byte[]> r = c.http.send(HttpRequest.newBuilder(URI.create(c.base + "/api/cases/" + caseId + "/export"))
                .header("X-XSRF-TOKEN", c.csrf()).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("application/zip", r.headers().firstValue("Content-Type").orElse(""));
        return r.body();
    }

    @Test
    void theLegalRoleExportsAPackageThatVerifiesOfflineWithItsCustodyChain() throws Exception {
        Client officer = Client.loggedIn(port, "officer", PW);
        assertEquals(200, officer.get("/api/evidence?key=" + ConsoleApiIT.q(CLIP)).status()); // a view, in the case's chain
        assertEquals(200, officer.post("/api/cases/" + CASE + "/notes", Map.of("text", "现场核实：确有焚烧")).status());
        Client legal = Client.loggedIn(port, "legal", PW);
        byte[] zip = export(legal, CASE);
        PackageVerifier.Result r = PackageVerifier.verify(zip, publishedKey(legal));
        assertTrue(r.ok(), r.problems().toString());
        java.util.Set<String> names = new java.util.HashSet<>();
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        String dir = "evidence/" + A1.replaceAll("[^A-Za-z0-9._@-]", "_") + "/";
        assertTrue(names.contains(dir + "x1.mp4") && names.contains(dir + "x1-2.mp4"), "both clips of one name are in: " + names);
        assertTrue(r.custodyEntries() >= 2, "the view and the note are in the chain: " + r.custodyEntries());
        Path file = Files.createTempFile("pkg", ".zip");
        Files.write(file, zip);
        // The export itself is in the chain, and the next package carries it.
        assertTrue(Stores.auditOfCase(CASE).stream().anyMatch(e -> e.path("action").asText().equals("export")));
        PackageVerifier.Result again = PackageVerifier.verify(export(legal, CASE), publishedKey(legal));
        assertTrue(again.ok(), again.problems().toString());
        assertEquals(r.custodyEntries() + 1, again.custodyEntries(), "the first export is in the second package's chain");

        // A custody entry edited in the index after the fact: the next package says where.
        JsonNode first = Stores.auditOfCase(CASE).stream().filter(e -> e.path("seq").asLong() == 1).findFirst().orElseThrow();
        Map<String, Object> edited = Stores.JSON.convertValue(first, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
        edited.put("actor", "nobody");
        Stores.send("PUT", "/" + StoreLayout.AUDIT + "/_doc/" + java.net.URLEncoder.encode(CASE + "#1", StandardCharsets.UTF_8)
                + "?refresh=true", edited);
        PackageVerifier.Result broken = PackageVerifier.verify(export(legal, CASE), publishedKey(legal));
        assertFalse(broken.ok());
        assertTrue(broken.problems().stream().anyMatch(p -> p.startsWith("custody: entry #1 was changed")), broken.problems().toString());
    }

    @Test
    void evidenceWhoseBytesChangedRefusesTheExportAndIsRecorded() throws Exception {
        Stores.putObject(FRAME, new byte[] {(byte) 0xFF, (byte) 0xD8, 6, 6, (byte) 0xFF, (byte) 0xD9}, "image/jpeg");
        Client legal = Client.loggedIn(port, "legal", PW);
        Client.Reply r = legal.post("/api/cases/" + TAMPERED_CASE + "/export", Map.of());
        assertEquals(409, r.status(), r.body());
        assertEquals("evidence_mismatch", r.json().path("code").asText());
        assertTrue(Stores.auditOfCase(TAMPERED_CASE).stream().anyMatch(e -> e.path("action").asText().equals("integrity_failure")));
    }

    @Test
    void onlyTheLegalRoleExports() throws Exception {
        assertEquals(403, Client.loggedIn(port, "officer", PW).post("/api/cases/" + CASE + "/export", Map.of()).status());
        Client stranger = new Client(port);
        stranger.get("/api/csrf");
        assertEquals(401, stranger.post("/api/cases/" + CASE + "/export", Map.of()).status());
    }
}
