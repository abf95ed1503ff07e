package org.nce.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nce.model.StoreLayout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console's API against the loopback Elasticsearch and S3 server, with one account per role:
 * every endpoint with and without its role, sessions and CSRF, the review and case workflows, and
 * what a hostile reviewer tried (planted objects, tampered bytes, traversal, injection, odd Host
 * headers, oversized and unknown input).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleApiIT {
    static final String PW = "correct horse battery";
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String SITE = "site-c" + RUN;
    static final String CAM = "cam-" + RUN;
    static final String A1 = CAM + ":open_burning:b-1";
    static final String A2 = CAM + ":open_burning:b-2";
    static final String A3 = "noise-" + RUN + ":noise_exceedance:100";
    static final String A4 = CAM + ":open_burning:b-4";
    static final String A5 = CAM + ":open_burning:b-5";
    static final String C1 = "case-fire-" + RUN;
    static final String C2 = "case-noise-" + RUN;
    static final String C3 = "case-tampered-" + RUN;
    static final String CLIP = "clips/" + SITE + "/" + CAM + "/a1.mp4";
    static final String KEY1 = "keyframes/" + SITE + "/" + CAM + "/a1.jpg";
    static final String PLANTED_CITED = "keyframes/" + SITE + "/" + CAM + "/a2.jpg";
    static final String PLANTED = "keyframes/" + SITE + "/" + CAM + "/planted.html";
    static final String TAMPERED = "keyframes/" + SITE + "/" + CAM + "/a4.jpg";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        var enc = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        StringBuilder y = new StringBuilder("users:\n");
        for (String role : List.of("operator", "officer", "legal", "admin")) {
            y.append("  - {username: ").append(role).append(", password: \"").append(enc.encode(PW)).append("\", roles: [")
                    .append(role).append("]}\n");
        }
        y.append("  - {username: operator2, password: \"").append(enc.encode(PW)).append("\", roles: [operator]}\n");
        y.append("  - {username: guarded, password: \"").append(enc.encode(PW)).append("\", roles: [legal]}\n");
        y.append("  - {username: besieged, password: \"").append(enc.encode(PW)).append("\", roles: [legal]}\n");
        Path users = Files.createTempFile("nce-users", ".yaml");
        Files.writeString(users, y);
        r.add("nce.users-file", users::toString);
        // Its devices reviewed (第四十一条), its site bound to no party: the party's kind is the officer's to say.
        Path rules = TestRules.withRegistry("subjects: []\n", "devices:\n" + TestRules.reviewed(CAM, SITE, "camera", null)
                + TestRules.reviewed("noise-" + RUN, SITE, "noise", null));
        r.add("nce.rules-dir", rules::toString);
        Stores.props(r);
        r.add("nce.login-attempts", () -> "5");
    }

    @BeforeAll
    void seed() throws Exception {
        Stores.ensureIndices();
        long t = System.currentTimeMillis() - 60_000;
        var clip = Stores.evidence(A1, CLIP, "clip", Stores.bytes("mp4 " + RUN, 50_000), "video/mp4");
        var key1 = Stores.evidence(A1, KEY1, "keyframe", Stores.bytes("jpeg1 " + RUN, 4_000), "image/jpeg");
        Stores.alert(A1, "open_burning", SITE, CAM, t, List.of(clip, key1));
        // A cited key whose stored object claims text/html: a planted page.
        var html = Stores.evidence(A2, PLANTED_CITED, "keyframe", "<script>alert(document.cookie)</script>".getBytes(StandardCharsets.UTF_8),
                "text/html");
        Stores.alert(A2, "open_burning", SITE, CAM, t + 1000, List.of(html));
        Stores.caseDoc(C1, "open_burning", SITE, t, List.of(A1, A2), List.of(clip, key1, html));
        var chart = Stores.evidence(A3, "charts/" + SITE + "/noise-" + RUN + "/a3.png", "chart", Stores.bytes("png " + RUN, 3000), "image/png");
        Stores.alert(A3, "noise_exceedance", SITE, "noise-" + RUN, t + 2000, List.of(chart));
        Stores.caseDoc(C2, "noise_exceedance", SITE, t + 2000, List.of(A3), List.of(chart));
        // Evidence whose bytes were changed after the first record of their hash.
        var tampered = Stores.evidence(A4, TAMPERED, "keyframe", Stores.bytes("original " + RUN, 2000), "image/jpeg");
        Stores.putObject(TAMPERED, Stores.bytes("changed! " + RUN, 2000), "image/jpeg");
        Stores.alert(A4, "open_burning", SITE, CAM, t + 3000, List.of(tampered));
        Stores.caseDoc(C3, "open_burning", SITE, t + 3000, List.of(A4), List.of(tampered));
        Stores.alert(A5, "open_burning", SITE, CAM, t + 4000, List.of());
        Stores.putObject(PLANTED, "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8), "text/html");
    }

    Client as(String role) throws Exception {
        return Client.loggedIn(port, role, PW);
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ sessions, roles, CSRF

    @Test
    void nothingWithoutASession() throws Exception {
        Client anon = new Client(port);
        for (String path : List.of("/api/alerts", "/api/alerts/" + q(A1), "/api/cases", "/api/cases/" + C1, "/api/devices", "/api/stats",
                "/api/evidence?key=" + q(KEY1), "/api/me", "/api/docs/openapi.json", "/api/cases/" + C1 + "/documents",
                "/api/cases/" + C1 + "/documents/penalty_decision.pdf")) {
            Client.Reply r = anon.get(path);
            assertEquals(401, r.status(), path);
            assertFalse(r.body().contains(RUN), "no data without a session: " + path);
        }
        assertEquals(302, anon.get("/").status(), "the page sends a stranger to the login page");
        assertTrue(anon.get("/login.html").status() == 200);
    }

    @Test
    void loginChecksThePasswordHashAndIsRateLimited() throws Exception {
        Client c = new Client(port);
        Client.Reply bad = c.login("officer", "wrong password");
        assertEquals(401, bad.status());
        assertEquals("bad_credentials", bad.json().path("code").asText());
        Client.Reply ok = c.login("officer", PW);
        assertEquals(200, ok.status());
        assertEquals(List.of("officer"), Stores.JSON.convertValue(ok.json().path("roles"), List.class));
        // Five failed attempts a minute per user name (nce.login-attempts in this test): then even the right
        // password waits, and other users are not locked out.
        Client guesser = new Client(port);
        int refused = 0;
        for (int i = 0; i < 7; i++) {
            if (guesser.login("guarded", "guess " + i).status() == 429) {
                refused++;
            }
        }
        assertEquals(2, refused);
        assertEquals(429, guesser.login("GUARDED", PW).status(), "the name in other letters is the same name");
        assertEquals(429, guesser.login("guarded", PW).status());
        assertEquals(200, new Client(port).login("legal", PW).status());
    }

    /**
     * Twenty guesses at once: no more than the five a minute get their password checked. (Checking
     * the bucket first and counting the failure after the hash let every concurrent guess through.)
     */
    @Test
    void concurrentGuessesCannotSlipPastTheLimit() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.Future<Integer>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                replies.add(pool.submit(() -> new Client(port).login("besieged", "guess " + n).status()));
            }
            int checked = 0;
            for (var r : replies) {
                int status = r.get();
                assertTrue(status == 401 || status == 429, "status " + status);
                checked += status == 401 ? 1 : 0;
            }
            assertTrue(checked <= 5, checked + " concurrent guesses had their password checked, 5 allowed");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        Client c = as("operator");
        assertEquals(200, c.get("/api/me").status());
        assertEquals(204, c.post("/api/logout", Map.of()).status());
        assertEquals(401, c.get("/api/me").status());
    }

    @Test
    void stateChangingCallsNeedTheCsrfToken() throws Exception {
        Client op = as("operator");
        Client.Reply r = op.postRaw("/api/alerts/" + q(A5) + "/claim", "{}", false);
        assertEquals(403, r.status());
        assertEquals("csrf", r.json().path("code").asText());
        Client anon = new Client(port);
        assertEquals(403, anon.postRaw("/api/login", "{\"username\":\"operator\",\"password\":\"" + PW + "\"}", false).status(),
                "login too (login CSRF)");
    }

    @Test
    void everyEndpointChecksItsRole() throws Exception {
        Client op = as("operator");
        Client officer = as("officer");
        Client legal = as("legal");
        Client admin = as("admin");
        assertEquals(200, op.get("/api/alerts").status());
        assertEquals(403, op.get("/api/cases").status());
        assertEquals(403, op.get("/api/cases/" + C1).status());
        assertEquals(200, officer.get("/api/cases").status());
        assertEquals(403, officer.post("/api/alerts/" + q(A5) + "/review", Map.of("decision", "confirm")).status());
        assertEquals(403, legal.post("/api/alerts/" + q(A5) + "/claim", Map.of()).status());
        assertEquals(403, admin.get("/api/alerts").status());
        assertEquals(403, admin.get("/api/evidence?key=" + q(KEY1)).status());
        assertEquals(200, admin.get("/api/devices").status());
        assertEquals(403, legal.get("/api/devices").status());
        assertEquals(200, legal.get("/api/stats").status());
        assertEquals(200, admin.get("/api/users").status());
        for (Client notAdmin : List.of(op, officer, legal)) {
            assertEquals(403, notAdmin.get("/api/users").status());
            assertEquals(403, notAdmin.post("/api/users", Map.of("username", "x" + RUN, "password", PW, "roles", List.of("admin"))).status());
        }
        Client.Reply denied = op.get("/api/cases");
        assertEquals("role", denied.json().path("code").asText());
        assertEquals(200, officer.get("/api/docs/openapi.json").status());
        assertTrue(officer.get("/api/docs/openapi.json").body().contains("/api/alerts/{id}/review"));
        assertEquals(403, op.get("/api/cases/" + C1 + "/documents").status());
        assertEquals(403, officer.post("/api/cases/" + C1 + "/documents", Map.of()).status(), "documents are generated by the legal role");
        assertEquals(403, officer.post("/api/cases/" + C1 + "/action-code", Map.of("code", "ZJ-000001")).status());
        assertEquals(403, admin.get("/api/cases/" + C1 + "/documents/penalty_decision.pdf").status());
        for (String path : List.of("/api/cases/{id}/documents", "/api/cases/{id}/documents/{kind}.pdf", "/api/cases/{id}/action-code",
                "/api/cases/{id}/decision")) {
            assertTrue(officer.get("/api/docs/openapi.json").body().contains(path), "in the OpenAPI: " + path);
        }
    }

    // ------------------------------------------------------------------ review queue

    @Test
    void anOperatorConfirmsOnceAndNobodyReviewsItTwice() throws Exception {
        Client op = as("operator");
        Client op2 = as("operator2");
        String a = CAM + ":open_burning:q-" + UUID.randomUUID();
        Stores.alert(a, "open_burning", SITE, CAM, System.currentTimeMillis(), List.of());
        assertEquals(200, op.post("/api/alerts/" + q(a) + "/claim", Map.of()).status());
        // Held by the first operator: the second neither sees it in the queue nor can review it.
        JsonNode queue2 = op2.get("/api/alerts?site=" + SITE + "&size=200").json();
        queue2.path("items").forEach(i -> assertFalse(i.path("alert_id").asText().equals(a), "held alert shown to another operator"));
        Client.Reply taken = op2.post("/api/alerts/" + q(a) + "/review", Map.of("decision", "confirm"));
        assertEquals(409, taken.status());
        assertEquals("claimed", taken.json().path("code").asText());
        assertEquals(200, op.post("/api/alerts/" + q(a) + "/review", Map.of("decision", "confirm")).status());
        Client.Reply again = op.post("/api/alerts/" + q(a) + "/review", Map.of("decision", "dismiss", "reason", "duplicate"));
        assertEquals(409, again.status());
        assertEquals("already_reviewed", again.json().path("code").asText());
        JsonNode stored = Stores.get(StoreLayout.ALERTS, a);
        assertEquals("confirmed", stored.path("review_status").asText());
        assertEquals("operator", stored.path("review").path("by").asText());
        assertTrue(Stores.audit(a).stream().anyMatch(e -> e.path("action").asText().equals("alert_review")
                && e.path("actor").asText().equals("operator")), "the review is in the audit log");
    }

    @Test
    void dismissingTheLastAlertOfADraftDismissesTheCase() throws Exception {
        Client op = as("operator");
        Client.Reply noReason = op.post("/api/alerts/" + q(A3) + "/review", Map.of("decision", "dismiss"));
        assertEquals(400, noReason.status());
        assertEquals(400, op.post("/api/alerts/" + q(A3) + "/review", Map.of("decision", "dismiss", "reason", "made_up")).status());
        assertEquals(200, op.post("/api/alerts/" + q(A3) + "/review", Map.of("decision", "dismiss", "reason", "false_other")).status());
        assertEquals("dismissed", Stores.get(StoreLayout.CASES, C2).path("status").asText());
        assertEquals("operator", Stores.get(StoreLayout.CASES, C2).path("status_history").get(0).path("by").asText());
    }

    @Test
    void badReviewInputIsRefusedWithWhatWasWrong() throws Exception {
        Client op = as("operator");
        Client.Reply unknownField = op.post("/api/alerts/" + q(A5) + "/review", Map.of("decision", "confirm", "admin", true));
        assertEquals(400, unknownField.status());
        assertEquals("bad_json", unknownField.json().path("code").asText());
        Client.Reply badDecision = op.post("/api/alerts/" + q(A5) + "/review", Map.of("decision", "approve"));
        assertEquals(400, badDecision.status());
        assertTrue(badDecision.json().path("message").asText().contains("decision"));
        Client.Reply notJson = op.post("/api/alerts/" + q(A5) + "/review", "{\"decision\":");
        assertEquals(400, notJson.status());
        assertFalse(notJson.body().contains("Exception"), "no internals: " + notJson.body());
        Client.Reply huge = op.post("/api/alerts/" + q(A5) + "/review", Map.of("decision", "dismiss", "reason", "x".repeat(200_000)));
        assertTrue(huge.status() == 400 || huge.status() == 413, "oversized: " + huge.status());
        assertEquals(404, op.post("/api/alerts/" + q("no-such-" + RUN) + "/claim", Map.of()).status());
        assertEquals(400, op.get("/api/alerts/" + q("../../_cluster/settings")).status());
    }

    // ------------------------------------------------------------------ cases

    @Test
    void aCaseMovesThroughItsStatusesEachByItsRole() throws Exception {
        Client officer = as("officer");
        Client legal = as("legal");
        JsonNode c = officer.get("/api/cases/" + C1).json();
        assertEquals("draft", c.path("status").asText());
        assertEquals(List.of("reviewed", "dismissed"), Stores.JSON.convertValue(c.path("next"), List.class));
        assertEquals(2, c.path("alerts").size(), "the timeline of its alerts");
        String version = c.path("version").asText();
        assertFalse(version.isEmpty());
        Client.Reply wrongRole = legal.post("/api/cases/" + C1 + "/status", Map.of("status", "reviewed"));
        assertEquals(403, wrongRole.status());
        Client.Reply notYet = officer.post("/api/cases/" + C1 + "/status", Map.of("status", "dismissed"));
        assertEquals(409, notYet.status(), "not every alert was dismissed");
        Client.Reply unreviewed = officer.post("/api/cases/" + C1 + "/status", Map.of("status", "reviewed"));
        assertEquals(409, unreviewed.status(), "its alerts are still pending");
        assertEquals("alerts_not_reviewed", unreviewed.json().path("code").asText());
        Client op = as("operator");
        assertEquals(200, op.post("/api/alerts/" + q(A1) + "/review", Map.of("decision", "confirm")).status());
        assertEquals(200, op.post("/api/alerts/" + q(A2) + "/review", Map.of("decision", "dismiss", "reason", "false_lights")).status());
        // The same review sent again (a retry after a lost answer) gets the same answer, not a refusal.
        assertEquals(200, op.post("/api/alerts/" + q(A1) + "/review", Map.of("decision", "confirm")).status());
        version = officer.get("/api/cases/" + C1).json().path("version").asText();
        Client.Reply skip = officer.post("/api/cases/" + C1 + "/status", Map.of("status", "served"));
        assertEquals(409, skip.status());
        assertEquals("bad_transition", skip.json().path("code").asText());
        Client.Reply reviewed = officer.post("/api/cases/" + C1 + "/status", Map.of("status", "reviewed", "note", "seen on the clip", "version", version));
        assertEquals(200, reviewed.status(), reviewed.body());
        // A second officer still holding the old version is told, not silently overwritten.
        Client.Reply stale = officer.post("/api/cases/" + C1 + "/status", Map.of("status", "dismissed", "version", version));
        assertEquals(409, stale.status());
        assertEquals("case_changed", stale.json().path("code").asText());
        assertEquals(403, officer.post("/api/cases/" + C1 + "/decision", Map.of("kind", "penalty", "amount_yuan", 500)).status());
        Client.Reply bypass = legal.post("/api/cases/" + C1 + "/status", Map.of("status", "decided"));
        assertEquals(409, bypass.status(), "a decision goes through the catalogue's checks, not a bare status change");
        assertEquals("decision_needed", bypass.json().path("code").asText());
        JsonNode reviewedCase = legal.get("/api/cases/" + C1).json();
        JsonNode violation = reviewedCase.path("violations").get(0);
        assertTrue(violation.path("party").isNull(), "a site id is not a 统一社会信用代码: the party's kind is not known");
        assertEquals(500, violation.path("penalty_ranges").path("individual").path("min_yuan").asLong());
        assertEquals(2000, violation.path("penalty_ranges").path("individual").path("max_yuan").asLong());
        Client.Reply noParty = legal.post("/api/cases/" + C1 + "/decision", Map.of("kind", "penalty", "amount_yuan", 500));
        assertEquals(400, noParty.status(), noParty.body());
        assertEquals("party_needed", noParty.json().path("code").asText());
        Client.Reply bareWarning = legal.post("/api/cases/" + C1 + "/decision", Map.of("kind", "warning", "party", "individual"));
        assertEquals(400, bareWarning.status(), "a warning instead of the catalogue's fine needs a lenient rule");
        assertTrue(violation.path("legal_basis").path("penalty").asText().contains("第六十一条"), violation.toString());
        Client.Reply tooLittle = legal.post("/api/cases/" + C1 + "/decision", Map.of("kind", "penalty", "amount_yuan", 100, "party", "individual"));
        assertEquals(400, tooLittle.status(), tooLittle.body());
        assertEquals("amount_out_of_range", tooLittle.json().path("code").asText());
        assertTrue(tooLittle.json().path("message").asText().contains("500–2000"), tooLittle.body());
        Client.Reply decided = legal.post("/api/cases/" + C1 + "/decision", Map.of("kind", "penalty", "amount_yuan", 500, "party", "individual",
                "note", "罚款 500 元"));
        assertEquals(200, decided.status(), decided.body());
        assertFalse(decided.json().path("decision").path("simple_procedure_allowed").asBoolean(), "over 200 yuan for a citizen: not 当场");
        // Served only with its documents, and these name the party, which no registry here gives
        // (ConsoleDocumentsIT and ConsoleBrowserIT go on to served and closed).
        Client.Reply unserved = officer.post("/api/cases/" + C1 + "/status", Map.of("status", "served"));
        assertEquals(409, unserved.status(), unserved.body());
        assertEquals("documents_needed", unserved.json().path("code").asText());
        Client.Reply noParty2 = legal.post("/api/cases/" + C1 + "/documents", Map.of());
        assertEquals(409, noParty2.status(), noParty2.body());
        assertEquals("subject_unregistered", noParty2.json().path("code").asText());
        JsonNode stored = Stores.get(StoreLayout.CASES, C1);
        assertEquals("decided", stored.path("status").asText());
        assertEquals(2, stored.path("status_history").size());
        assertEquals("legal", stored.path("status_history").get(1).path("by").asText());
        assertEquals(500, stored.path("decision").path("amount_yuan").asLong());
        assertEquals("legal", stored.path("decision").path("by").asText());
        assertEquals(1, Stores.audit(C1).stream().filter(e -> e.path("action").asText().equals("case_status")).count(),
                "each move audited");
        assertEquals(1, Stores.audit(C1).stream().filter(e -> e.path("action").asText().equals("case_decision")).count());
    }

    @Test
    void theLenientListReadsTheSubjectsHistoryFromTheIndexAndRefusesARuleTheFactsDoNotMeet() throws Exception {
        String owner = "owner-" + RUN;
        String first = reviewedDogCase(owner, "1");
        Client legal = as("legal");
        JsonNode proposal = legal.get("/api/cases/" + first).json().path("violations").get(0).path("proposed_handling");
        assertEquals("no_penalty_with_education", proposal.path("handling").asText(), proposal.toString());
        assertEquals("dog-first-violation", proposal.path("rule").asText());
        assertEquals(2, proposal.path("awaiting").size(), "harm and correction are for the officer to record");
        Client.Reply unmet = legal.post("/api/cases/" + first + "/decision",
                Map.of("kind", "no_penalty", "lenient_rule", "dog-first-violation", "harm", "serious", "corrected", true, "party", "individual"));
        assertEquals(409, unmet.status(), unmet.body());
        assertEquals("lenient_conditions_not_met", unmet.json().path("code").asText());
        assertTrue(unmet.json().path("message").asText().contains("harm recorded as serious"), unmet.body());
        Client.Reply noRule = legal.post("/api/cases/" + first + "/decision", Map.of("kind", "no_penalty", "party", "individual"));
        assertEquals(400, noRule.status());
        Client.Reply ok = legal.post("/api/cases/" + first + "/decision",
                Map.of("kind", "no_penalty", "lenient_rule", "dog-first-violation", "harm", "slight", "corrected", true, "party", "individual"));
        assertEquals(200, ok.status(), ok.body());
        assertTrue(ok.json().path("decision").path("education").asBoolean(), "行政处罚法 第三十三条第三款");

        String second = reviewedDogCase(owner, "2");
        JsonNode again = legal.get("/api/cases/" + second).json().path("violations").get(0).path("proposed_handling");
        assertEquals("dog-second-warning", again.path("rule").asText(), again.toString());
        Client.Reply notFirst = legal.post("/api/cases/" + second + "/decision",
                Map.of("kind", "no_penalty", "lenient_rule", "dog-first-violation", "harm", "slight", "corrected", true, "party", "individual"));
        assertEquals(409, notFirst.status(), notFirst.body());
        assertTrue(notFirst.json().path("message").asText().contains("1 earlier decided case(s)")
                && notFirst.json().path("message").asText().contains(first), notFirst.body());
        Client.Reply warned = legal.post("/api/cases/" + second + "/decision",
                Map.of("kind", "warning", "lenient_rule", "dog-second-warning", "harm", "slight", "corrected", true, "party", "individual"));
        assertEquals(200, warned.status(), warned.body());
        assertEquals("decided", Stores.get(StoreLayout.CASES, second).path("status").asText());
        assertEquals("dog-second-warning", Stores.get(StoreLayout.CASES, second).path("decision").path("lenient_rule").asText());
    }

    /** A dog case of {@code owner} whose one alert an operator confirmed and an officer reviewed. */
    private String reviewedDogCase(String owner, String n) throws Exception {
        String alertId = CAM + ":unleashed_dog:" + owner + "-" + n;
        String caseId = "case-dog-" + owner + "-" + n;
        long t = System.currentTimeMillis() - 30_000;
        Stores.alert(alertId, "unleashed_dog", SITE, CAM, t, List.of());
        Stores.caseDoc(caseId, "unleashed_dog", SITE, t, List.of(alertId), List.of());
        Stores.send("POST", "/" + StoreLayout.CASES + "/_update/" + caseId + "?refresh=true", Map.of("doc", Map.of("subject", owner)));
        assertEquals(200, as("operator").post("/api/alerts/" + q(alertId) + "/review", Map.of("decision", "confirm")).status());
        Client.Reply r = as("officer").post("/api/cases/" + caseId + "/status", Map.of("status", "reviewed"));
        assertEquals(200, r.status(), r.body());
        return caseId;
    }

    @Test
    void notesAreKeptWithWhoAndWhenAndFoundBySearch() throws Exception {
        Client officer = as("officer");
        String word = "kiln" + RUN;
        Client.Reply r = officer.post("/api/cases/" + C3 + "/notes", Map.of("text", "owner says the " + word + " was lit by a tenant"));
        assertEquals(200, r.status(), r.body());
        assertEquals(403, as("operator").post("/api/cases/" + C3 + "/notes", Map.of("text", "x")).status());
        assertEquals(400, officer.post("/api/cases/" + C3 + "/notes", Map.of("text", " ")).status());
        JsonNode stored = Stores.get(StoreLayout.CASES, C3).path("notes");
        assertEquals("officer", stored.get(stored.size() - 1).path("by").asText());
        JsonNode found = officer.get("/api/cases?q=" + q(word)).json();
        assertEquals(C3, found.path("items").get(0).path("id").asText(), "a note's words find its case");
        assertTrue(Stores.audit(C3).stream().anyMatch(e -> e.path("action").asText().equals("case_note")));
    }

    @Test
    void searchTakesWordsNotQuerySyntax() throws Exception {
        Client officer = as("officer");
        JsonNode bySite = officer.get("/api/cases?site=" + SITE).json();
        assertTrue(bySite.path("total").asInt() >= 3);
        for (String hostile : List.of("*) OR status:closed", "\" } ] }", "{\"match_all\":{}}", "site_id:*", "\\", "(((")) {
            Client.Reply r = officer.get("/api/cases?site=" + SITE + "&q=" + q(hostile));
            assertEquals(200, r.status(), hostile + ": " + r.body());
        }
        assertEquals(400, officer.get("/api/cases?status=" + q("draft OR closed")).status());
        assertEquals(400, officer.get("/api/cases?site=" + q("a\"b")).status());
        JsonNode words = officer.get("/api/cases?site=" + SITE + "&q=" + q(C2)).json();
        assertEquals(C2, words.path("items").get(0).path("id").asText());
        assertEquals(400, officer.get("/api/cases?page=-1").status());
        Client.Reply deep = officer.get("/api/cases?page=199&size=200");
        assertEquals(400, deep.status());
        assertEquals("page_too_deep", deep.json().path("code").asText());
        assertEquals(400, officer.get("/api/cases/" + q("a/../../b")).status());
    }

    // ------------------------------------------------------------------ evidence

    @Test
    void evidenceIsServedVerifiedWithAFixedTypeAndAudited() throws Exception {
        Client officer = as("officer");
        Client.Reply r = officer.get("/api/evidence?key=" + q(KEY1));
        assertEquals(200, r.status());
        assertEquals("image/jpeg", r.raw().headers().firstValue("Content-Type").orElse(""));
        assertEquals("nosniff", r.raw().headers().firstValue("X-Content-Type-Options").orElse(""));
        assertTrue(r.raw().headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
        assertTrue(r.raw().headers().firstValue("Content-Disposition").orElse("").startsWith("inline"));
        Client.Reply dl = officer.get("/api/evidence?key=" + q(KEY1) + "&download=true");
        assertTrue(dl.raw().headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"));
        List<JsonNode> audit = Stores.audit(KEY1);
        assertTrue(audit.stream().anyMatch(e -> e.path("action").asText().equals("evidence_view") && e.path("actor").asText().equals("officer")));
        assertTrue(audit.stream().anyMatch(e -> e.path("action").asText().equals("evidence_download")));
    }

    @Test
    void aClipCanBeSoughtWithRangeRequests() throws Exception {
        Client op = as("operator");
        Client.Reply part = op.get("/api/evidence?key=" + q(CLIP), "Range", "bytes=1000-1999");
        assertEquals(206, part.status());
        assertTrue(Stores.audit(CLIP).stream().anyMatch(e -> e.path("detail").asText().endsWith("bytes=1000-1999")),
                "a part is audited with its range: no way to read evidence around the log");
        assertEquals("video/mp4", part.raw().headers().firstValue("Content-Type").orElse(""));
        assertEquals(1000, part.raw().body().length);
        assertEquals("bytes 1000-1999/50000", part.raw().headers().firstValue("Content-Range").orElse(""));
    }

    @Test
    void aPlantedObjectNeverRunsAsAPage() throws Exception {
        Client op = as("operator");
        assertEquals(404, op.get("/api/evidence?key=" + q(PLANTED)).status(), "an object no alert cites is not served");
        Client.Reply cited = op.get("/api/evidence?key=" + q(PLANTED_CITED));
        assertEquals(200, cited.status());
        assertEquals("image/jpeg", cited.raw().headers().firstValue("Content-Type").orElse(""),
                "the kind's type, never the stored text/html");
        assertEquals("nosniff", cited.raw().headers().firstValue("X-Content-Type-Options").orElse(""));
    }

    @Test
    void tamperedEvidenceIsRefusedAndRecordedAsAnIncident() throws Exception {
        Client officer = as("officer");
        Client.Reply r = officer.get("/api/evidence?key=" + q(TAMPERED));
        assertEquals(409, r.status());
        assertEquals("integrity", r.json().path("code").asText());
        assertTrue(Stores.audit(TAMPERED).stream().anyMatch(e -> e.path("action").asText().equals("integrity_failure")
                && e.path("result").asText().equals("mismatch")));
        JsonNode c = officer.get("/api/cases/" + C3).json();
        assertEquals("mismatch", c.path("evidence").get(0).path("verified").asText(), "the case page shows the failure");
        assertEquals("ok", officer.get("/api/cases/" + C1).json().path("evidence").get(0).path("verified").asText());
    }

    @Test
    void keysWithTraversalAreRefused() throws Exception {
        Client op = as("operator");
        for (String key : List.of("../etc/passwd", "clips/../../x", "/abs", "a//b", "a\u0000b", "")) {
            Client.Reply r = op.get("/api/evidence?key=" + q(key));
            assertEquals(400, r.status(), key);
        }
    }

    // ------------------------------------------------------------------ the server itself

    @Test
    void anUnknownHostHeaderIsRefused() throws Exception {
        // java.net.http will not send a Host header of one's choosing: a raw request, as a rebinding page's would be.
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.getOutputStream().write(("GET /login.html HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(reply.startsWith("HTTP/1.1 421"), reply);
            assertTrue(reply.contains("unknown_host"));
        }
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.getOutputStream().write(("GET /login.html HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertTrue(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).startsWith("HTTP/1.1 200"));
        }
    }

    /** Twenty clients that open a connection and dribble half a request line froze the old server with six. */
    @Test
    void slowClientsDoNotFreezeTheServer() throws Exception {
        List<java.net.Socket> slow = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                java.net.Socket s = new java.net.Socket("127.0.0.1", port);
                s.getOutputStream().write("GET /api/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                slow.add(s);
            }
            long t0 = System.nanoTime();
            Client.Reply r = as("officer").get("/api/cases?size=1");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(200, r.status());
            assertTrue(ms < 5_000, "a normal user waited " + ms + " ms behind slow clients");
        } finally {
            for (java.net.Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void errorsSayWhatWasWrongWithoutInternals() throws Exception {
        Client officer = as("officer");
        Client.Reply missing = officer.get("/api/cases/no-such-case-" + RUN);
        assertEquals(404, missing.status());
        assertTrue(missing.json().path("message").asText().contains("no case"));
        Client.Reply wrongMethod = officer.send(HttpRequest.newBuilder(URI.create(officer.base + "/api/cases")).header("X-XSRF-TOKEN", officer.csrf())
                .DELETE().build());
        assertTrue(wrongMethod.status() == 403 || wrongMethod.status() == 405, "DELETE: " + wrongMethod.status());
        for (Client.Reply r : List.of(missing, wrongMethod)) {
            assertFalse(r.body().contains("at org."), r.body());
            assertFalse(r.body().isEmpty());
        }
    }

    /** Health from the gateway's latest heartbeat: an old one says offline; a newer one, the camera's state and a monitor's flag. */
    @Test
    void devicesShowTheirHealthFromTheLatestHeartbeat() throws Exception {
        Client officer = as("officer");
        long now = System.currentTimeMillis();
        String meter = "meter-" + RUN; // no alert of its own: known only from the heartbeat
        Stores.send("PUT", "/" + StoreLayout.GATEWAY_HEALTH + "/_doc/" + SITE + ":b1:" + (now - 600_000) + "?refresh=true", Map.of(
                "site_id", SITE, "boot_id", "b1", "time_ms", now - 600_000,
                "cameras", List.of(Map.of("id", CAM, "state", "streaming", "fps", 2.0, "last_frame_ms", now - 600_000))));
        JsonNode old = device(officer.get("/api/devices").json(), CAM);
        assertFalse(old.path("health").path("online").asBoolean(true), "a heartbeat ten minutes old: offline");
        Stores.send("PUT", "/" + StoreLayout.GATEWAY_HEALTH + "/_doc/" + SITE + ":b2:" + now + "?refresh=true", Map.of(
                "site_id", SITE, "boot_id", "b2", "time_ms", now,
                "cameras", List.of(Map.of("id", CAM, "state", "stalled", "fps", 0.0, "restarts", 3, "last_frame_ms", now - 12_000)),
                "sensors", List.of(Map.of("id", meter, "mn", "MN" + RUN, "last_seen_ms", now - 1_000, "last_flag", "C", "readings", 10))));
        JsonNode devices = officer.get("/api/devices").json();
        JsonNode cam = device(devices, CAM).path("health");
        assertTrue(cam.path("online").asBoolean());
        assertEquals("stalled", cam.path("state").asText());
        assertEquals(3, cam.path("restarts").asInt());
        JsonNode m = device(devices, meter);
        assertEquals("C", m.path("health").path("last_flag").asText(), "a monitor with no alerts is listed from the heartbeat");
        assertEquals(0, m.path("alerts").asInt());
    }

    /** Coverage over a range from the stored heartbeats: a silent gateway and a stalled camera are the gaps, named. */
    @Test
    void aDevicesCoverageShowsWhenItWasDownDuringAnEvidencePeriod() throws Exception {
        Client officer = as("officer");
        String site = SITE + "-cov";
        long t0 = System.currentTimeMillis() - 3_600_000;
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < 60; i++) { // one heartbeat every 10 s for 10 min, with 3 min silent and 1 min stalled
            long t = t0 + i * 10_000L;
            if (i >= 10 && i < 28) {
                continue;
            }
            String state = i >= 40 && i < 46 ? "stalled" : "streaming";
            bulk.append("{\"index\": {\"_index\": \"").append(StoreLayout.GATEWAY_HEALTH).append("\", \"_id\": \"").append(site)
                    .append(':').append(t).append("\"}}\n").append(Stores.JSON.writeValueAsString(Map.of("site_id", site, "boot_id", "b",
                            "time_ms", t, "cameras", List.of(Map.of("id", CAM, "state", state, "last_frame_ms", t))))).append('\n');
        }
        Stores.send("POST", "/_bulk?refresh=true", bulk.toString());
        JsonNode c = officer.get("/api/devices/" + CAM + "/coverage?site=" + site + "&from=" + t0 + "&to=" + (t0 + 600_000)).json();
        assertEquals(2, c.path("gaps").size(), c.toString());
        JsonNode silent = c.path("gaps").get(0);
        assertEquals("no_heartbeat", silent.path("reason").asText());
        assertEquals(t0 + 150_000, silent.path("from").asLong(), "the last heartbeat before the silence covers its 60 s");
        assertEquals(t0 + 280_000, silent.path("to").asLong());
        JsonNode stalled = c.path("gaps").get(1);
        assertEquals("stalled", stalled.path("reason").asText());
        assertEquals(t0 + 400_000, stalled.path("from").asLong());
        assertEquals(t0 + 460_000, stalled.path("to").asLong());
        assertEquals(400, officer.get("/api/devices/" + CAM + "/coverage?site=" + site + "&from=" + t0 + "&to=" + (t0 + 30L * 86_400_000))
                .status(), "at most 7 days");
        assertEquals(400, officer.get("/api/devices/-x/coverage?site=" + site).status(), "the console checks the id");
        assertEquals(400, officer.get("/api/devices/" + CAM + "/coverage?site=" + site + "&from=-4000000000000000000&to=5000000000000000000")
                .status(), "a range that would overflow the 7-day check");
        assertEquals(200, as("legal").get("/api/devices/" + CAM + "/coverage?site=" + site).status(), "legal checks an evidence period");
    }

    /** Fetch Metadata: a request another site's page made is refused before it can record a download in anyone's name. */
    @Test
    void anotherSitesPageCannotMakeTheBrowserFetchEvidence() throws Exception {
        Client officer = as("officer");
        int before = Stores.audit(KEY1).size();
        Client.Reply cross = officer.get("/api/evidence?key=" + q(KEY1) + "&download=true", "Sec-Fetch-Site", "cross-site");
        assertEquals(403, cross.status());
        assertEquals("cross_site", cross.json().path("code").asText());
        assertEquals(before, Stores.audit(KEY1).size(), "nothing recorded");
        assertEquals(200, officer.get("/api/evidence?key=" + q(KEY1), "Sec-Fetch-Site", "same-origin").status());
        assertEquals(200, officer.get("/api/evidence?key=" + q(KEY1), "Sec-Fetch-Site", "none").status(), "a link the user opened");
    }

    private static JsonNode device(JsonNode devices, String id) {
        for (JsonNode d : devices) {
            if (d.path("id").asText().equals(id) && d.path("site_id").asText().equals(SITE)) {
                return d;
            }
        }
        throw new AssertionError(id + " not in " + devices);
    }

    @Test
    void dashboardAndDevicesAnswer() throws Exception {
        Client officer = as("officer");
        JsonNode stats = officer.get("/api/stats").json();
        assertTrue(stats.has("alerts_per_day") && stats.has("cases_by_status") && stats.has("dismissals"));
        JsonNode devices = officer.get("/api/devices").json();
        boolean found = false;
        for (JsonNode d : devices) {
            found |= d.path("id").asText().equals(CAM) && d.path("site_id").asText().equals(SITE);
        }
        assertTrue(found, "the test camera is listed");
        JsonNode en = officer.get("/api/i18n/en").json();
        JsonNode zh = officer.get("/api/i18n/zh").json();
        assertEquals("Review queue", en.path("nav.queue").asText());
        assertEquals("审核队列", zh.path("nav.queue").asText());
    }
}
