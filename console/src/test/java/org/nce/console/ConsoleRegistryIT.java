package org.nce.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nce.console.store.RegistryStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The registry in the console (nce-registry) against the loopback Elasticsearch: the deployment's
 * files seed it, an admin's edit is what alerts are judged by (a lapsed review marks the device's
 * alerts), an edit that would not validate is refused with every problem and stores nothing, a
 * stale one is refused, a restart with the same files keeps the admin's edit, and only an admin
 * edits.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleRegistryIT {
    static final String PW = "correct horse battery";
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String SITE = "site-r" + RUN;
    static final String CAM = "cam-r" + RUN;
    static final String SUBJECT = "p-r" + RUN;
    static final String ALERT = CAM + ":open_burning:r-1";
    static final String PERSON = "p-i" + RUN;
    static final String SPARE = "cam-s" + RUN;
    static final String KEPT = "cam-k" + RUN;
    static Path rulesDir;

    @LocalServerPort
    int port;
    @Autowired
    RegistryStore registry;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        var enc = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        Path users = Files.createTempFile("nce-users", ".yaml");
        Files.writeString(users, "users:\n  - {username: admin, password: \"" + enc.encode(PW) + "\", roles: [admin]}\n"
                + "  - {username: officer, password: \"" + enc.encode(PW) + "\", roles: [officer, operator]}\n"
                + "  - {username: operator, password: \"" + enc.encode(PW) + "\", roles: [operator]}\n");
        r.add("nce.users-file", users::toString);
        Path rules = TestRules.withRegistry("subjects:\n  - {id: " + SUBJECT + ", kind: unit, name: 宁波某某餐饮有限公司, uscc: 91330203MA2H0K1X4B, "
                + "legal_representative: 王某, address: 宁波市海曙区某路 1 号, sites: [" + SITE + "]}\n"
                + "  - {id: " + PERSON + ", kind: individual, name: 赵某某, id_number: 330203199001011234, address: 宁波市某小区, sites: []}\n",
                "devices:\n" + TestRules.reviewed(CAM, SITE, "camera", SUBJECT) + TestRules.reviewed(SPARE, SITE, "camera", SUBJECT)
                        + TestRules.reviewed(KEPT, SITE, "camera", SUBJECT));
        rulesDir = rules;
        r.add("nce.rules-dir", rules::toString);
        Stores.props(r);
    }

    @BeforeAll
    void seed() throws Exception {
        Stores.ensureIndices();
        Stores.alert(ALERT, "open_burning", SITE, CAM, System.currentTimeMillis() - 60_000, List.of());
        registry.seed(); // as at start (the background refresh may not have run yet)
        registry.reload();
    }

    JsonNode entryOf(Client c, String list, String id) throws Exception {
        for (JsonNode e : c.get("/api/registry").json().path(list)) {
            if (e.path("id").asText().equals(id)) {
                return e;
            }
        }
        throw new AssertionError(id + " not in the registry's " + list);
    }

    @Test
    void theFilesSeedTheIndexAndAnAdminsEditIsWhatAlertsAreJudgedBy() throws Exception {
        Client admin = Client.loggedIn(port, "admin", PW);
        Client officer = Client.loggedIn(port, "officer", PW);
        JsonNode cam = entryOf(admin, "devices", CAM);
        assertEquals("file", cam.path("source").asText());
        assertTrue(officer.get("/api/alerts/" + ConsoleApiIT.q(ALERT)).json().path("device_standing").path("usable").asBoolean());

        ObjectNode lapsed = (ObjectNode) cam.path("entry").deepCopy();
        ((ObjectNode) lapsed.path("review")).put("valid_until", "2021-12-31");
        Client.Reply r = admin.post("/api/registry/devices/" + CAM, Map.of("entry", lapsed, "version", cam.path("version").asText()));
        assertEquals(200, r.status(), r.body());
        JsonNode standing = officer.get("/api/alerts/" + ConsoleApiIT.q(ALERT)).json().path("device_standing");
        assertFalse(standing.path("usable").asBoolean(true), "the lapsed review marks the alert at once: " + standing);
        assertTrue(standing.path("reasons").toString().contains("2021-12-31"), standing.toString());
        JsonNode after = entryOf(admin, "devices", CAM);
        assertEquals("console", after.path("source").asText());
        assertEquals("admin", after.path("updated_by").asText());
        assertTrue(Stores.audit("device:" + CAM).stream().anyMatch(a -> a.path("action").asText().equals("registry_change")
                && a.path("result").asText().equals("ok")));

        // A restart with the same files: the admin's edit stands.
        registry.seed();
        registry.reload();
        assertEquals("2021-12-31", entryOf(admin, "devices", CAM).path("entry").path("review").path("valid_until").asText());
        assertFalse(officer.get("/api/alerts/" + ConsoleApiIT.q(ALERT)).json().path("device_standing").path("usable").asBoolean(true));

        // And back: reviewed again.
        ObjectNode renewed = (ObjectNode) lapsed.deepCopy();
        ((ObjectNode) renewed.path("review")).put("valid_until", "2099-12-31");
        assertEquals(200, admin.post("/api/registry/devices/" + CAM, Map.of("entry", renewed,
                "version", entryOf(admin, "devices", CAM).path("version").asText())).status());
        assertTrue(officer.get("/api/alerts/" + ConsoleApiIT.q(ALERT)).json().path("device_standing").path("usable").asBoolean());
    }

    @Test
    void anEntryThatWouldNotValidateIsRefusedWithEveryProblemAndNothingStored() throws Exception {
        Client admin = Client.loggedIn(port, "admin", PW);
        String dev = "noise-r" + RUN;
        Map<String, Object> bad = Map.of("site", SITE, "kind", "noise", "subject", "nobody-" + RUN,
                "review", Map.of("legal_review_id", "x", "legal_review_date", "not a date"));
        Client.Reply r = admin.post("/api/registry/devices/" + dev, Map.of("entry", bad));
        assertEquals(400, r.status(), r.body());
        String problems = r.json().path("problems").toString();
        assertTrue(problems.contains("nobody-" + RUN) && problems.contains("not a date") && problems.contains("technical_review_id"),
                "every problem named: " + problems);
        assertTrue(admin.get("/api/registry").body().indexOf("\"" + dev + "\"") < 0, "nothing stored");
        Client.Reply unit = admin.post("/api/registry/subjects/s2-" + RUN, Map.of("entry", Map.of("kind", "unit", "name", "某公司",
                "address", "某地", "sites", List.of())));
        assertEquals(400, unit.status());
        assertTrue(unit.json().path("problems").toString().contains("统一社会信用代码"), unit.body());
        assertEquals(400, admin.post("/api/registry/devices/" + dev, Map.of("entry", Map.of("id", "other", "site", SITE))).status(),
                "the entry's id is the address's");
        assertEquals(400, admin.post("/api/registry/things/" + dev, Map.of("entry", Map.of())).status());
    }

    @Test
    void addingTakesANewIdAndAStaleChangeIsRefused() throws Exception {
        Client admin = Client.loggedIn(port, "admin", PW);
        String dev = "lamp-r" + RUN;
        String yaml = TestRules.reviewed(dev, SITE, "lampblack", SUBJECT);
        JsonNode entry = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(yaml.replaceFirst("  - ", "").replace("\n    ", "\n"));
        assertEquals(200, admin.post("/api/registry/devices/" + dev, Map.of("entry", entry)).status());
        assertEquals(409, admin.post("/api/registry/devices/" + dev, Map.of("entry", entry)).status(), "added once");
        String seen = entryOf(admin, "devices", dev).path("version").asText();
        assertEquals(200, admin.post("/api/registry/devices/" + dev, Map.of("entry", entry, "version", seen)).status());
        Client.Reply stale = admin.post("/api/registry/devices/" + dev, Map.of("entry", entry, "version", seen));
        assertEquals(409, stale.status());
        assertEquals("version_conflict", stale.json().path("code").asText());
    }

    @Test
    void onlyAnAdminEditsAndAnOperatorReadsNoPersonalData() throws Exception {
        Client officer = Client.loggedIn(port, "officer", PW);
        assertEquals(200, officer.get("/api/registry").status(), "an officer reads the device records behind the evidence");
        assertEquals(403, officer.post("/api/registry/devices/" + CAM, Map.of("entry", Map.of())).status());
        assertEquals(403, Client.loggedIn(port, "operator", PW).get("/api/registry").status(), "no 身份证号 for the review queue");
    }

    @Test
    void aLongIdNumberIsKeptAsTextNotRoundedByABrowser() throws Exception {
        JsonNode person = entryOf(Client.loggedIn(port, "admin", PW), "subjects", PERSON);
        assertTrue(person.path("entry").path("id_number").isTextual(), person.toString());
        assertEquals("330203199001011234", person.path("entry").path("id_number").asText());
    }

    @Test
    void theFilesOwnEntriesFollowTheFilesAndAnAdminsEditIsKept() throws Exception {
        // The files change: the spare camera's review lapses there, the edited camera's too; a restart reads them.
        String lapsedSpare = TestRules.reviewed(SPARE, SITE, "camera", SUBJECT).replace("valid_until: 2099-12-31", "valid_until: 2022-01-31");
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        Client admin = Client.loggedIn(port, "admin", PW);
        JsonNode kept = entryOf(admin, "devices", KEPT);
        ObjectNode edited = (ObjectNode) kept.path("entry").deepCopy();
        edited.put("location", "管理员更正的点位");
        assertEquals(200, admin.post("/api/registry/devices/" + KEPT, Map.of("entry", edited, "version", kept.path("version").asText())).status());
        String keptInFiles = TestRules.reviewed(KEPT, SITE, "camera", SUBJECT).replace("valid_until: 2099-12-31", "valid_until: 2022-01-31");
        var files = new org.nce.console.rules.Registry.Files(yaml.readTree(Files.readString(rulesDir.resolve("subjects.yaml"))),
                yaml.readTree("devices:\n" + TestRules.reviewed(CAM, SITE, "camera", SUBJECT) + lapsedSpare + keptInFiles));
        registry.seed(files);
        registry.reload();
        assertEquals("2022-01-31", entryOf(admin, "devices", SPARE).path("entry").path("review").path("valid_until").asText(),
                "an entry never changed in the console follows the files");
        JsonNode keptNow = entryOf(admin, "devices", KEPT).path("entry");
        assertEquals("管理员更正的点位", keptNow.path("location").asText(), "the admin's edit is kept");
        assertEquals("2099-12-31", keptNow.path("review").path("valid_until").asText(), "whole: the files' change does not reach it");
        // Taken out of the files: out of the registry (it was the files' own); the admin's stays.
        registry.seed(new org.nce.console.rules.Registry.Files(files.subjects(), yaml.readTree("devices:\n"
                + TestRules.reviewed(CAM, SITE, "camera", SUBJECT))));
        registry.reload();
        assertTrue(admin.get("/api/registry").body().indexOf("\"" + SPARE + "\"") < 0);
        assertEquals("管理员更正的点位", entryOf(admin, "devices", KEPT).path("entry").path("location").asText());
    }
}
