package org.nce.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** One user's browser-like HTTP session with the console: cookies, and the CSRF header from the XSRF-TOKEN cookie. */
final class Client {
    record Reply(int status, String body, HttpResponse<byte[]> raw) {
        JsonNode json() throws Exception {
            return Stores.JSON.readTree(body);
        }
    }

    final String base;
    final CookieManager cookies = new CookieManager();
    final HttpClient http;

    Client(int port) {
        this.base = "http://127.0.0.1:" + port;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static Client loggedIn(int port, String user, String password) throws Exception {
        Client c = new Client(port);
        Reply r = c.login(user, password);
        if (r.status() != 200) {
            throw new AssertionError("login " + user + ": " + r.status() + " " + r.body());
        }
        return c;
    }

    Reply login(String user, String password) throws Exception {
        get("/api/csrf");
        return post("/api/login", Map.of("username", user, "password", password));
    }

    String csrf() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN")).map(HttpCookie::getValue)
                .findFirst().orElse("");
    }

    Reply get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    Reply post(String path, Object body) throws Exception {
        return postRaw(path, body instanceof String s ? s : Stores.JSON.writeValueAsString(body), true);
    }

    Reply postRaw(String path, String body, boolean withCsrf) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (withCsrf) {
            b.header("X-XSRF-TOKEN", csrf());
        }
        return send(b.build());
    }

    Reply send(HttpRequest req) throws Exception {
        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(r.statusCode(), new String(r.body(), java.nio.charset.StandardCharsets.UTF_8), r);
    }
}
