package org.nce.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nce.testidp.TestIdentityProvider;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * OIDC login against a real OpenID provider on loopback (Spring Authorization Server, started by
 * the test): the login page offers it, the whole authorization-code flow runs over HTTP with the
 * provider's own login form, the console's roles come from the ID token's {@code roles} claim and
 * nothing else, and the login is in the audit log.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleOidcIT {
    static int consolePort;
    static ConfigurableApplicationContext idp;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            consolePort = s.getLocalPort();
        }
        idp = TestIdentityProvider.start(consolePort);
        // "localhost", not the console's 127.0.0.1: another site to a browser, as a real provider is, so the
        // session cookie must survive a cross-site return (SameSite=Strict did not: authorization_request_not_found).
        String issuer = "http://localhost:" + idp.getEnvironment().getProperty("local.server.port");
        r.add("server.port", () -> consolePort);
        String reg = "spring.security.oauth2.client.registration.idp.";
        r.add(reg + "client-id", () -> TestIdentityProvider.CLIENT_ID);
        r.add(reg + "client-secret", () -> TestIdentityProvider.CLIENT_SECRET);
        r.add(reg + "client-name", () -> "统一身份认证");
        r.add(reg + "scope", () -> "openid,profile");
        r.add(reg + "authorization-grant-type", () -> "authorization_code");
        r.add(reg + "redirect-uri", () -> "{baseUrl}/login/oauth2/code/{registrationId}");
        r.add("spring.security.oauth2.client.provider.idp.issuer-uri", () -> issuer);
        Stores.props(r);
    }

    @AfterAll
    void stopProvider() {
        if (idp != null) {
            idp.close();
        }
    }

    /** A browser's walk through the login: console → provider's login form → back to the console. */
    HttpClient logInThroughTheProvider(String user) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String console = "http://127.0.0.1:" + consolePort;
        HttpResponse<String> form = browser.send(HttpRequest.newBuilder(URI.create(console + "/oauth2/authorization/idp")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(form.uri().getPath().equals("/login") && form.uri().getPort() != consolePort,
                "the console sent the browser to the provider's login: " + form.uri());
        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(form.body());
        assertTrue(csrf.find(), "the provider's login form has its CSRF field");
        String body = "username=" + enc(user) + "&password=" + enc(TestIdentityProvider.PASSWORD) + "&_csrf=" + enc(csrf.group(1));
        HttpResponse<String> back = browser.send(HttpRequest.newBuilder(form.uri()).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(consolePort, back.uri().getPort(), "the provider sent the browser back to the console: " + back.uri());
        assertEquals(200, back.statusCode(), back.uri() + " " + back.body());
        assertEquals("/", back.uri().getPath(), "logged in, on the console's page: " + back.uri());
        return browser;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    HttpResponse<String> get(HttpClient browser, String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + consolePort + path)).header("Accept", "application/json")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theLoginPageOffersTheProvider() throws Exception {
        HttpClient anon = HttpClient.newHttpClient();
        String providers = get(anon, "/api/login/providers").body();
        assertTrue(providers.contains("/oauth2/authorization/idp") && providers.contains("统一身份认证"), providers);
    }

    @Test
    void anOfficerLogsInThroughTheProviderWithTheRolesOfItsToken() throws Exception {
        HttpClient browser = logInThroughTheProvider("oidc-officer");
        var me = Stores.JSON.readTree(get(browser, "/api/me").body());
        assertEquals("idp:oidc-officer", me.path("username").asText(), "named by its provider: never a local account's name");
        assertEquals(List.of("officer"), Stores.JSON.convertValue(me.path("roles"), List.class));
        assertEquals(200, get(browser, "/api/cases").statusCode());
        assertEquals(403, get(browser, "/api/users").statusCode(), "an officer is not an admin");
        assertEquals(403, get(browser, "/actuator/metrics").statusCode());
        assertTrue(Stores.audit("idp:oidc-officer").stream().anyMatch(a -> a.path("action").asText().equals("login")
                && a.path("result").asText().equals("ok") && a.path("detail").asText().contains("OIDC")), "the login is audited");
    }

    @Test
    void aTokenWithoutAConsoleRoleGivesNone() throws Exception {
        HttpClient browser = logInThroughTheProvider("oidc-guest");
        var me = Stores.JSON.readTree(get(browser, "/api/me").body());
        assertEquals(0, me.path("roles").size(), "the provider's GUEST is not a console role: " + me);
        assertEquals(403, get(browser, "/api/cases").statusCode());
        assertEquals(403, get(browser, "/api/alerts").statusCode());
    }

    /** The real browser: the login page's button, the provider's own form, back on the console logged in. */
    @Test
    void inTheBrowserTheProvidersButtonLogsIn() {
        Assumptions.assumeTrue(Chromium.missing() == null, Chromium::missing);
        WebDriver browser = Chromium.start();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            browser.get("http://127.0.0.1:" + consolePort + "/login.html");
            wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-provider=idp]"))).click();
            wait.until(ExpectedConditions.urlContains("localhost:"));
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys("oidc-officer");
            browser.findElement(By.id("password")).sendKeys(TestIdentityProvider.PASSWORD);
            browser.findElement(By.cssSelector("button[type=submit]")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("me"), "idp:oidc-officer"));
            assertTrue(browser.findElement(By.id("me")).getText().contains("执法人员"), browser.findElement(By.id("me")).getText());
        } finally {
            browser.quit();
        }
    }

    @Test
    void aStrangerGetsNothingAndAForgedCallbackIsRefused() throws Exception {
        HttpClient anon = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NORMAL).build();
        assertEquals(401, get(anon, "/api/cases").statusCode());
        HttpResponse<String> forged = get(anon, "/login/oauth2/code/idp?code=made-up&state=made-up");
        assertTrue(forged.uri().toString().contains("/login.html?oidc-failed"), "a callback the console never asked for fails: " + forged.uri());
        assertEquals(401, get(anon, "/api/me").statusCode());
    }
}
