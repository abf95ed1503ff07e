package org.nce.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nce.model.StoreLayout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console in a real headless Chromium (Debian's chromium and chromium-driver, driven by
 * Selenium), against the loopback stores: log in, review alerts by keyboard (confirm; dismiss with a
 * reason by its number key), open the case, play its clip, move it through its statuses, search,
 * switch language; and a user without the role is refused. Screenshots of the main pages go to
 * target/screenshots (docs/screenshots with -Dnce.screenshots=../docs/screenshots). Skipped when no Chromium is installed (./nce test installs it on Debian).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {
    static final String PW = "correct horse battery";
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String SITE = "site-b" + RUN;
    static final String CAM = "cam-b" + RUN;
    /** target/screenshots; -Dnce.screenshots=../docs/screenshots refreshes the README's (a test run leaves the tree clean). */
    static final Path SHOTS = Path.of(System.getProperty("nce.screenshots", "target/screenshots"));
    /** Real footage for the clip, when the shared test data is here (the page must play it). */
    static final Path CLIP = Path.of(System.getProperty("nce.testdata", "../../shared/testdata"), "fire/backyard_fire_pit_wood_mohdomama.mp4");

    @LocalServerPort
    int port;
    WebDriver browser;
    String caseId;
    final String[] alerts = new String[4];
    final String sensorAlert = "noise-b" + RUN + ":noise_exceedance:1";

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        var enc = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        Path users = Files.createTempFile("nce-users", ".yaml");
        Files.writeString(users, "users:\n"
                + "  - {username: chief, password: \"" + enc.encode(PW) + "\", roles: [operator, officer, legal]}\n"
                + "  - {username: watch, password: \"" + enc.encode(PW) + "\", roles: [operator]}\n"
                + "  - {username: keeper, password: \"" + enc.encode(PW) + "\", roles: [admin]}\n");
        r.add("nce.users-file", users::toString);
        Path rules = TestRules.withRegistry("subjects:\n  - {id: p-" + RUN + ", kind: individual, name: 赵某某, id_number: 330203199001011234, "
                + "address: 宁波市海曙区某小区, sites: [" + SITE + "]}\n", "devices:\n" + TestRules.reviewed(CAM, SITE, "camera", null)
                + TestRules.reviewed("noise-b" + RUN, SITE, "noise", null));
        r.add("nce.rules-dir", rules::toString);
        Stores.props(r);
    }

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(Chromium.missing() == null, Chromium::missing);
        Stores.ensureIndices();
        // Newest first in the queue: these are an hour ahead of anything else in the shared test stores.
        long t = System.currentTimeMillis() + 3_600_000;
        caseId = "case-b" + RUN;
        List<java.util.Map<String, Object>> caseEvidence = new java.util.ArrayList<>();
        for (int i = 0; i < alerts.length; i++) {
            alerts[i] = CAM + ":open_burning:b-" + i;
            var key = Stores.evidence(alerts[i], "keyframes/" + SITE + "/" + CAM + "/" + i + "-annotated.jpg", "keyframe-annotated",
                    jpeg("#" + i), "image/jpeg");
            List<java.util.Map<String, Object>> ev = new java.util.ArrayList<>(List.of(key));
            if (i == 0 && Files.isRegularFile(CLIP)) {
                ev.add(Stores.evidence(alerts[i], "clips/" + SITE + "/" + CAM + "/0.mp4", "clip", Files.readAllBytes(CLIP), "video/mp4"));
            }
            caseEvidence.addAll(ev);
            Stores.alert(alerts[i], "open_burning", SITE, CAM, t - i * 1000L, ev);
        }
        Stores.caseDoc(caseId, "open_burning", SITE, t, List.of(alerts), caseEvidence);
        // A noise alert after them in the queue: its readings are drawn in the page with the limit.
        StringBuilder readings = new StringBuilder("[");
        for (int i = 0; i < 60; i++) {
            readings.append(i == 0 ? "" : ",").append("{\"site_id\":\"").append(SITE).append("\",\"sensor_id\":\"noise-b").append(RUN)
                    .append("\",\"kind\":\"noise\",\"timestamp_ms\":").append(t - 120_000 + i * 1000L).append(",\"value\":")
                    .append(i < 20 ? 48.0 : 63.5).append('}');
        }
        var rs = Stores.evidence(sensorAlert, "readings/" + SITE + "/noise-b" + RUN + "/a.json", "readings",
                readings.append(']').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json");
        Stores.alert(sensorAlert, "noise_exceedance", SITE, "noise-b" + RUN, t - 10_000, List.of(rs));
        Stores.send("POST", "/" + StoreLayout.ALERTS + "/_update/" + java.net.URLEncoder.encode(sensorAlert, java.nio.charset.StandardCharsets.UTF_8)
                + "?refresh=true", java.util.Map.of("doc", java.util.Map.of("threshold",
                java.util.Map.of("value", 60.0, "unit", "dB(A)", "basis", "GB 3096-2008 class 2, day"))));
        browser = Chromium.start();
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    static byte[] jpeg(String label) throws Exception {
        BufferedImage img = new BufferedImage(640, 360, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(70, 80, 90));
        g.fillRect(0, 0, 640, 360);
        g.setColor(new Color(255, 120, 20));
        g.fillOval(280, 160, 80, 120);
        g.setColor(Color.RED);
        g.drawRect(270, 150, 100, 140);
        g.setColor(Color.WHITE);
        g.drawString("NCE test frame " + label, 20, 30);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }

    /** Waits that look again when the page rebuilt an element under them (it re-renders on every review). */
    WebDriverWait waiting() {
        WebDriverWait w = new WebDriverWait(browser, Duration.ofSeconds(20));
        w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return w;
    }

    void login(String user) {
        browser.manage().deleteAllCookies();
        browser.get("http://127.0.0.1:" + port + "/login.html");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("submit"), "登录"));
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(PW);
        browser.findElement(By.id("submit")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#me:not(:empty)")));
    }

    void shot(String name) throws Exception {
        Files.createDirectories(SHOTS);
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    void click(By what) {
        waiting().until(d -> {
            d.findElement(what).click();
            return true;
        });
    }

    /** The alert on screen, read in one step in the page (the title is rebuilt at each keypress). */
    String selectedAlert() {
        return (String) ((JavascriptExecutor) browser).executeScript("return document.getElementById('alert-title')?.dataset.id || null;");
    }

    @Test
    void anOperatorReviewsByKeyboardAndAnOfficerWalksTheCase() throws Exception {
        login("chief");
        waiting().until(d -> alerts[0].equals(selectedAlert()));
        assertTrue(browser.findElement(By.id("queue-count")).getText().contains("待审核"), "Chinese first");
        waiting().until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "const i = document.querySelector('#queue-detail img'); return i && i.complete && i.naturalWidth > 0;"));
        shot("review-queue");

        WebElement body = browser.findElement(By.tagName("body"));
        body.sendKeys("c"); // confirm the first
        waiting().until(d -> alerts[1].equals(selectedAlert()));
        body.sendKeys("j"); // move to the third
        waiting().until(d -> alerts[2].equals(selectedAlert()));
        body.sendKeys("k"); // and back
        waiting().until(d -> alerts[1].equals(selectedAlert()));
        body.sendKeys("2"); // dismiss with the second reason (steam)
        waiting().until(d -> alerts[2].equals(selectedAlert()));
        click(By.id("btn-dismiss")); // dismiss with the reason in the list (the first)
        waiting().until(d -> alerts[3].equals(selectedAlert()));
        click(By.id("btn-confirm"));
        waiting().until(d -> { try { return reviewed(alerts[3]); } catch (Exception e) { return false; } });
        waiting().until(d -> sensorAlert.equals(selectedAlert()));
        waiting().until(d -> (Boolean) ((JavascriptExecutor) d).executeScript("return !!document.querySelector('#sensor-chart canvas');"));
        assertFalse(browser.findElement(By.id("queue-detail")).getText().contains("null"), "no optional part shows as \"null\"");
        shot("review-sensor");
        assertEquals("confirmed", Stores.get(StoreLayout.ALERTS, alerts[0]).path("review_status").asText());
        assertEquals("false_steam", Stores.get(StoreLayout.ALERTS, alerts[1]).path("review").path("reason").asText());
        assertEquals("false_shadow", Stores.get(StoreLayout.ALERTS, alerts[2]).path("review").path("reason").asText());
        assertEquals("chief", Stores.get(StoreLayout.ALERTS, alerts[3]).path("review").path("by").asText());

        // The case: search, open, play the clip, walk the statuses.
        browser.get("http://127.0.0.1:" + port + "/#cases");
        WebElement site = waiting().until(ExpectedConditions.elementToBeClickable(By.id("case-site")));
        site.sendKeys(SITE);
        click(By.cssSelector("#case-search button[type=submit]"));
        // The rows are rebuilt by each search (the page's own first one may land after ours): click afresh.
        click(By.cssSelector("#case-rows tr[data-id='" + caseId + "']"));
        waiting().until(ExpectedConditions.attributeToBe(By.id("case-title"), "data-status", "draft"));
        Boolean verified = waiting().until(d -> d.findElements(By.cssSelector("#case-detail td.verified")).stream()
                .allMatch(e -> e.getText().equals("一致")));
        assertTrue(verified, "every evidence object verified on this read");
        if (Files.isRegularFile(CLIP)) {
            Object played = ((JavascriptExecutor) browser).executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    const v = document.getElementById('case-clip');
                    v.muted = true;
                    v.addEventListener('error', () => done('error ' + (v.error && v.error.code)));
                    v.play().then(() => setTimeout(() => { v.currentTime = 2; setTimeout(() => done(v.readyState + ':' + v.duration), 800); }, 500),
                                  e => done('play refused ' + e));
                    """);
            assertTrue(String.valueOf(played).matches("[1-4]:\\d+(\\.\\d+)?"), "the clip plays and seeks: " + played);
        }
        assertFalse(browser.findElement(By.id("case-detail")).getText().contains("null"));
        shot("case");
        moveCase("reviewed");
        // The decision: a first burning case is proposed the lenient rule (its harm and correction not yet
        // recorded); the legal officer fines instead, the form offering the catalogue's lowest amount.
        waiting().until(ExpectedConditions.attributeToBe(By.cssSelector("#case-detail p.proposal"), "data-rule", "burning-minor"));
        assertTrue(browser.findElement(By.cssSelector("#case-detail p.range")).getText().contains("500 – 2000"));
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("decision-kind"))).selectByValue("penalty");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("decision-party"))).selectByValue("individual");
        browser.findElement(By.id("decision-amount")).clear();
        browser.findElement(By.id("decision-amount")).sendKeys("500");
        browser.findElement(By.id("decide")).click();
        waiting().until(ExpectedConditions.attributeToBe(By.id("case-title"), "data-status", "decided"));
        assertTrue(browser.findElement(By.id("case-decision")).getText().contains("罚款 500 元"), browser.findElement(By.id("case-decision")).getText());
        shot("case-decided");
        // Served with its documents: generated once (an individual's fine: the decision alone), with the action code.
        browser.findElement(By.id("generate-documents")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#case-documents li[data-kind='penalty_decision']")));
        String code = browser.findElement(By.id("action-code")).getText();
        assertTrue(code.matches("\\d{16}[0-9X]"), code);
        assertTrue(browser.findElement(By.id("case-party")).getText().contains("赵某某"));
        shot("case-documents");
        for (String next : List.of("served", "closed")) {
            moveCase(next);
        }
        // The page its QR code opens, with no session: the case number and the document's hash, no name.
        String caseNumber = Stores.get(StoreLayout.CASES, caseId).path("case_number").asText();
        browser.manage().deleteAllCookies();
        browser.get("http://127.0.0.1:" + port + "/verify/" + code);
        waiting().until(ExpectedConditions.textToBe(By.id("case-number"), caseNumber));
        assertEquals("已结案", browser.findElement(By.id("status")).getText());
        assertFalse(browser.getPageSource().contains("赵某某"));
        shot("verify");
        login("chief");
        assertEquals("closed", Stores.get(StoreLayout.CASES, caseId).path("status").asText());
        assertEquals(4, Stores.get(StoreLayout.CASES, caseId).path("status_history").size());
        assertEquals(500, Stores.get(StoreLayout.CASES, caseId).path("decision").path("amount_yuan").asLong());
        afterTheCase();
    }

    private void moveCase(String next) {
        // The case page is rebuilt after each move: find the button afresh if it was replaced under us.
        waiting().ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
            d.findElement(By.cssSelector("button.move[data-to='" + next + "']")).click();
            return true;
        });
        waiting().until(ExpectedConditions.attributeToBe(By.id("case-title"), "data-status", next));
    }

    private void afterTheCase() throws Exception {
        browser.get("http://127.0.0.1:" + port + "/#dashboard");
        waiting().until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "return !!document.querySelector('#chart-days canvas');"));
        shot("dashboard");

        browser.findElement(By.id("lang")).click();
        waiting().until(ExpectedConditions.textToBe(By.id("nav-queue"), "Review queue"));
        browser.findElement(By.id("lang")).click();
        waiting().until(ExpectedConditions.textToBe(By.id("nav-queue"), "审核队列"));
    }

    boolean reviewed(String id) throws Exception {
        return !Stores.get(StoreLayout.ALERTS, id).path("review_status").isMissingNode();
    }

    @Test
    void aUserWithoutTheRoleIsRefused() throws Exception {
        login("watch");
        browser.get("http://127.0.0.1:" + port + "/#cases");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("toast"), "没有此权限"));
        assertEquals(0, browser.findElements(By.cssSelector("#case-rows tr[data-id]")).size());
    }

    @Test
    void anAdminCreatesAnAccountOnTheUsersPageAndItLogsIn() throws Exception {
        login("watch");
        assertTrue(!browser.findElement(By.id("nav-users")).isDisplayed(), "an operator has no users page");
        login("keeper");
        assertTrue(browser.findElement(By.id("nav-users")).isDisplayed(), "an admin has it");
        browser.get("http://127.0.0.1:" + port + "/#users");
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#user-rows tr[data-user='keeper']")));
        String name = "xu-" + RUN;
        browser.findElement(By.id("user-new-name")).sendKeys(name);
        browser.findElement(By.id("user-new-password")).sendKeys(PW);
        click(By.cssSelector("#user-new-roles input[value='operator']")); // ticked by default: untick
        click(By.cssSelector("#user-new-roles input[value='officer']"));
        click(By.cssSelector("#user-new button[type=submit]"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("toast"), "已创建用户"));
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#user-rows tr[data-user='" + name + "']")));
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        shot("users");
        login(name);
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("me"), "执法人员"));
        assertTrue(!browser.findElement(By.id("me")).getText().contains("值班审核员"), "only the role ticked");
    }

    @Test
    void anOperatorSeesWhenADeviceWasDown() throws Exception {
        // A day of heartbeats once a minute, the gateway silent for 40 min and the camera stalled for 20.
        long now = System.currentTimeMillis();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i <= 1440; i++) { // the last one now: it covers the minute the page is opened in
            long t = now - 86_400_000L + i * 60_000L;
            if (i >= 600 && i < 640) {
                continue;
            }
            String state = i >= 1000 && i < 1020 ? "stalled" : "streaming";
            bulk.append("{\"index\": {\"_index\": \"").append(StoreLayout.GATEWAY_HEALTH).append("\"}}\n")
                    .append(Stores.JSON.writeValueAsString(java.util.Map.of("site_id", SITE, "boot_id", "b", "time_ms", t,
                            "cameras", List.of(java.util.Map.of("id", CAM, "state", state, "fps", 2.0, "last_frame_ms", t))))).append('\n');
        }
        Stores.send("POST", "/_bulk?refresh=true", bulk.toString());
        login("watch");
        browser.get("http://127.0.0.1:" + port + "/#devices");
        click(By.cssSelector("#device-rows tr[data-device='" + CAM + "']"));
        try {
            waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#device-detail tr.gap-row"), 2));
        } catch (org.openqa.selenium.TimeoutException e) {
            shot("device-coverage-failed");
            throw new AssertionError("coverage shown: " + browser.findElement(By.id("device-detail")).getText() + " / toast: "
                    + browser.findElement(By.id("toast")).getText(), e);
        }
        String gaps = browser.findElement(By.id("device-detail")).getText();
        assertTrue(gaps.contains("网关无心跳") && gaps.contains("视频流停滞"), gaps);
        assertEquals(2, browser.findElements(By.cssSelector("#device-detail .coverage .gap")).size());
        shot("device-coverage");
    }

    @Test
    void anAdminChangesADevicesRecordInTheRegistryAndARefusalListsItsProblems() throws Exception {
        login("keeper");
        browser.get("http://127.0.0.1:" + port + "/#registry");
        click(By.cssSelector("#registry-devices tr[data-entry='" + CAM + "']"));
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("registry-entry")));
        JavascriptExecutor js = (JavascriptExecutor) browser;
        // The admin breaks the record first (no technical review id): refused, with the problem listed.
        js.executeScript("const t = document.getElementById('registry-entry'); const e = JSON.parse(t.value);"
                + " delete e.review.technical_review_id; t.value = JSON.stringify(e, null, 2);");
        click(By.id("registry-save"));
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("registry-problems")));
        assertTrue(browser.findElement(By.id("registry-problems")).getText().contains("technical_review_id"));
        shot("registry");
        // Then records the review's renewal: saved.
        js.executeScript("const t = document.getElementById('registry-entry'); const e = JSON.parse(t.value);"
                + " e.review.technical_review_id = '技审-2027-001'; e.review.valid_until = '2030-06-30'; t.value = JSON.stringify(e, null, 2);");
        click(By.id("registry-save"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("toast"), "已保存"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#registry-devices tr[data-entry='" + CAM + "']"), "2030-06-30"));
    }

    @Test
    void aStrangerIsSentToTheLoginPage() {
        browser.manage().deleteAllCookies();
        browser.get("http://127.0.0.1:" + port + "/");
        waiting().until(ExpectedConditions.urlContains("/login.html"));
    }
}
