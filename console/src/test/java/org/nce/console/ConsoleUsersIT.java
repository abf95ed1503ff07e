package org.nce.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nce.console.store.AccountStore;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Accounts an admin keeps in the console (nce-users) against the loopback Elasticsearch: created
 * users log in with exactly their roles, a change ends the sessions opened before it (here at once,
 * from another console within seconds), two admins never overwrite each other, nobody locks
 * themselves out, bad input is refused with what was wrong, and every change is audited.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleUsersIT {
    static final String PW = "correct horse battery";
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        var enc = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        String y = "users:\n  - {username: root-" + RUN + ", password: \"" + enc.encode(PW) + "\", roles: [admin]}\n"
                + "  - {username: file-op-" + RUN + ", password: \"" + enc.encode(PW) + "\", roles: [operator]}\n";
        Path users = Files.createTempFile("nce-users", ".yaml");
        Files.writeString(users, y);
        r.add("nce.users-file", users::toString);
        Stores.props(r);
    }

    Client root() throws Exception {
        return Client.loggedIn(port, "root-" + RUN, PW);
    }

    /** Creates a console-kept user and returns its name. */
    String create(Client admin, String name, String... roles) throws Exception {
        String user = name + "-" + RUN;
        Client.Reply r = admin.post("/api/users", Map.of("username", user, "password", PW, "roles", List.of(roles)));
        assertEquals(201, r.status(), r.body());
        return user;
    }

    JsonNode listed(Client admin, String user) throws Exception {
        for (JsonNode u : admin.get("/api/users").json()) {
            if (u.path("username").asText().equals(user)) {
                return u;
            }
        }
        throw new AssertionError("user " + user + " not listed");
    }

    String version(Client admin, String user) throws Exception {
        return listed(admin, user).path("version").asText();
    }

    @Test
    void aCreatedUserLogsInWithItsRolesOnlyAndItsPasswordIsStoredHashed() throws Exception {
        Client admin = root();
        String user = create(admin, "wang", "operator");
        Client u = Client.loggedIn(port, user, PW);
        assertEquals(List.of("operator"), Stores.JSON.convertValue(u.get("/api/me").json().path("roles"), List.class));
        assertEquals(200, u.get("/api/alerts").status());
        assertEquals(403, u.get("/api/cases").status());
        assertEquals(403, u.get("/api/users").status(), "only an admin lists users");
        assertEquals(403, u.post("/api/users", Map.of("username", "x-" + RUN, "password", PW, "roles", List.of("admin"))).status());

        String stored = Stores.get(AccountStore.INDEX, user).path("password").asText();
        assertTrue(stored.startsWith("{bcrypt}"), stored);
        assertFalse(stored.contains(PW));
        String listing = admin.get("/api/users").body();
        assertFalse(listing.contains("bcrypt") || listing.contains("\"password\""), "the listing never carries a hash");
        assertEquals("console", listed(admin, user).path("source").asText());
        assertEquals("file", listed(admin, "file-op-" + RUN).path("source").asText());
        assertEquals("user_create", Stores.audit(user).get(0).path("action").asText());
        assertEquals("root-" + RUN, Stores.audit(user).get(0).path("actor").asText());
    }

    @Test
    void changingRolesEndsTheSessionsOpenedBeforeAndTheNextLoginHasTheNewRoles() throws Exception {
        Client admin = root();
        String user = create(admin, "li", "operator");
        Client u = Client.loggedIn(port, user, PW);
        assertEquals(200, u.get("/api/alerts").status());
        assertEquals(403, u.get("/api/cases").status());
        Client.Reply changed = admin.post("/api/users/" + user, Map.of("roles", List.of("officer"), "version", version(admin, user)));
        assertEquals(200, changed.status(), changed.body());
        assertEquals(401, u.get("/api/alerts").status(), "the operator session ended with the change");
        assertEquals(401, u.get("/api/cases").status(), "and did not become an officer's");
        Client again = Client.loggedIn(port, user, PW);
        assertEquals(200, again.get("/api/cases").status());
        assertEquals(403, again.post("/api/alerts/x/claim", Map.of()).status(), "and no longer an operator's");
        assertTrue(Stores.audit(user).stream().anyMatch(a -> a.path("action").asText().equals("user_change")
                && a.path("detail").asText().contains("[operator] -> [officer]")));
    }

    @Test
    void aDisabledAccountCannotLogInAndItsSessionEnds() throws Exception {
        Client admin = root();
        String user = create(admin, "zhao", "legal");
        Client u = Client.loggedIn(port, user, PW);
        assertEquals(200, admin.post("/api/users/" + user, Map.of("enabled", false, "version", version(admin, user))).status());
        assertEquals(401, u.get("/api/cases").status());
        assertEquals(401, new Client(port).login(user, PW).status());
        assertEquals(200, admin.post("/api/users/" + user, Map.of("enabled", true, "version", version(admin, user))).status());
        assertEquals(200, Client.loggedIn(port, user, PW).get("/api/cases").status());
    }

    @Test
    void aChangeMadeOnAnotherConsoleEndsTheSessionWithinSeconds() throws Exception {
        Client admin = root();
        String user = create(admin, "qian", "officer");
        Client u = Client.loggedIn(port, user, PW);
        assertEquals(200, u.get("/api/cases").status());
        // Another console's change: the document's revision moves on behind this console's back.
        JsonNode doc = Stores.get(AccountStore.INDEX, user);
        Map<String, Object> moved = Stores.JSON.convertValue(doc, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
        moved.put("revision", doc.path("revision").asLong() + 1);
        Stores.send("PUT", "/" + AccountStore.INDEX + "/_doc/" + user + "?refresh=true", moved);
        long deadline = System.currentTimeMillis() + 10_000;
        int status = 200;
        while (status == 200 && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
            status = u.get("/api/cases").status();
        }
        assertEquals(401, status, "the session outlived another console's change by more than 10 s");
    }

    @Test
    void twoAdminsEditingOneAccountNeverOverwriteEachOther() throws Exception {
        Client first = root();
        Client second = root();
        String user = create(first, "sun", "operator");
        String seen = version(first, user);
        assertEquals(200, first.post("/api/users/" + user, Map.of("roles", List.of("operator", "officer"), "version", seen)).status());
        Client.Reply late = second.post("/api/users/" + user, Map.of("enabled", false, "version", seen));
        // (The store's own conditional write is the second line of defence, for a change between this check and the write.)
        assertEquals(409, late.status(), late.body());
        assertEquals("version_conflict", late.json().path("code").asText());
        JsonNode now = listed(first, user);
        assertTrue(now.path("enabled").asBoolean(), "the stale change was not applied");
        assertEquals(2, now.path("roles").size(), "the first change stands");
    }

    @Test
    void nobodyLocksThemselvesOutAndTheFilesAccountsAreChangedOnlyInTheFile() throws Exception {
        Client root = root();
        String boss = create(root, "boss", "admin", "legal");
        Client b = Client.loggedIn(port, boss, PW);
        Client.Reply self = b.post("/api/users/" + boss, Map.of("enabled", false, "version", version(b, boss)));
        assertEquals(409, self.status());
        assertEquals("own_account", self.json().path("code").asText());
        assertEquals(409, b.post("/api/users/" + boss, Map.of("roles", List.of("legal"), "version", version(b, boss))).status());
        assertEquals(200, b.post("/api/users/" + boss, Map.of("roles", List.of("admin"), "version", version(b, boss))).status(),
                "dropping another role is fine");
        Client.Reply file = root.post("/api/users/file-op-" + RUN, Map.of("enabled", false, "version", "1:1"));
        assertEquals(409, file.status());
        assertEquals("file_account", file.json().path("code").asText());
        assertEquals(409, root.post("/api/users", Map.of("username", "file-op-" + RUN, "password", PW, "roles", List.of("admin"))).status(),
                "a console account cannot take over a name of the file");
    }

    @Test
    void badInputIsRefusedWithWhatWasWrong() throws Exception {
        Client admin = root();
        Map<String, Integer> cases = Map.of(
                "{\"username\":\"../etc\",\"password\":\"" + PW + "\",\"roles\":[\"operator\"]}", 400,
                "{\"username\":\"short-" + RUN + "\",\"password\":\"abc\",\"roles\":[\"operator\"]}", 400,
                "{\"username\":\"named-" + RUN + "\",\"password\":\"my-named-" + RUN + "-pw\",\"roles\":[\"operator\"]}", 400,
                "{\"username\":\"role-" + RUN + "\",\"password\":\"" + PW + "\",\"roles\":[\"root\"]}", 400,
                "{\"username\":\"none-" + RUN + "\",\"password\":\"" + PW + "\",\"roles\":[]}", 400,
                "{\"username\":\"extra-" + RUN + "\",\"password\":\"" + PW + "\",\"roles\":[\"operator\"],\"superuser\":true}", 400);
        for (var c : cases.entrySet()) {
            Client.Reply r = admin.post("/api/users", c.getKey());
            assertEquals(c.getValue(), r.status(), c.getKey() + " -> " + r.body());
            assertFalse(r.json().path("message").asText().isBlank(), "says what was wrong: " + r.body());
        }
        assertEquals("weak_password", admin.post("/api/users", Map.of("username", "weak-" + RUN, "password", "abc",
                "roles", List.of("operator"))).json().path("code").asText());
        String user = create(admin, "zhou", "operator");
        assertEquals(409, admin.post("/api/users", Map.of("username", user, "password", PW, "roles", List.of("admin"))).status(),
                "a name is taken once");
        assertEquals(List.of("operator"), Stores.JSON.convertValue(listed(admin, user).path("roles"), List.class), "and kept its roles");
        assertEquals(400, admin.post("/api/users/.hidden", Map.of("enabled", false, "version", "1:1")).status(),
                "the path's name is checked by the console (Tomcat lets this one through)");
        assertEquals(400, admin.post("/api/users", "{\"username\":\"n-" + RUN + "\",\"password\":\"" + PW + "\",\"roles\":[null]}").status());
        Client.Reply long72 = admin.post("/api/users", Map.of("username", "long-" + RUN, "password", "执".repeat(25), "roles", List.of("operator")));
        assertEquals(400, long72.status(), "over bcrypt's 72 bytes: refused, not a 500 " + long72.body());
        assertEquals(401, new Client(port).login(user, "执".repeat(30)).status(), "a login with such a password is a plain refusal");
        assertEquals(409, admin.post("/api/users", Map.of("username", user.toUpperCase(java.util.Locale.ROOT), "password", PW,
                "roles", List.of("operator"))).status(), "names are told apart regardless of case");
        assertTrue(Stores.audit(user.toUpperCase(java.util.Locale.ROOT)).stream().anyMatch(a -> a.path("result").asText().equals("refused")),
                "a refused change is audited too");
        assertEquals(404, admin.post("/api/users/nobody-" + RUN, Map.of("enabled", false, "version", "1:1")).status());
    }

    @Test
    void aUserChangesTheirOwnPasswordWithTheCurrentOneAndLogsInAgain() throws Exception {
        Client admin = root();
        String user = create(admin, "wu", "officer");
        Client u = Client.loggedIn(port, user, PW);
        Client.Reply wrong = u.post("/api/me/password", Map.of("current", "not it at all", "password", "a much better secret"));
        assertEquals(400, wrong.status());
        assertEquals("bad_current_password", wrong.json().path("code").asText());
        assertEquals(200, u.post("/api/me/password", Map.of("current", PW, "password", "a much better secret")).status());
        assertEquals(401, u.get("/api/cases").status(), "the session ends with the password change");
        assertEquals(401, new Client(port).login(user, PW).status(), "the old password no longer works");
        assertEquals(200, Client.loggedIn(port, user, "a much better secret").get("/api/cases").status());
        Client fileUser = Client.loggedIn(port, "file-op-" + RUN, PW);
        assertEquals(409, fileUser.post("/api/me/password", Map.of("current", PW, "password", "a much better secret")).status(),
                "a file account's password is the file's");

        // An admin resets it; the user's sessions end.
        Client again = Client.loggedIn(port, user, "a much better secret");
        assertEquals(200, admin.post("/api/users/" + user + "/password", Map.of("password", "reset by the admin",
                "version", version(admin, user))).status());
        assertEquals(401, again.get("/api/cases").status());
        assertEquals(200, new Client(port).login(user, "reset by the admin").status());
        assertTrue(Stores.audit(user).stream().filter(a -> a.path("action").asText().equals("user_password")).count() >= 3,
                "the refused change, the user's change and the reset are all in the audit log");
    }
}
