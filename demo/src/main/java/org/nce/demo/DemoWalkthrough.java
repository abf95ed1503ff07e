package org.nce.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a bureau's staff would do with the demo's first restaurant case, done through the console's
 * own API as the demo user: the operator confirms its alerts, the officer reviews it, the legal
 * officer decides a fine within the catalogue's range and generates its documents (三书同达), the
 * officer serves it. It prints the case, its documents and the action code's public page, so the
 * demo shows a case from alert to a served case; every other case is left for whoever opens the
 * console. Each call is the API a person's clicks make, checked the same way.
 */
final class DemoWalkthrough {
    /** The restaurant's fume monitor raises these; the registry's demo restaurant is a unit. */
    private static final Set<String> TYPES = Set.of("purifier_not_running", "lampblack_exceedance");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final HttpClient http;
    private final CookieManager cookies = new CookieManager();

    DemoWalkthrough(int port) {
        this.base = "http://127.0.0.1:" + port;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Runs the walkthrough once a restaurant case is there; returns what it did, to print. */
    String run(long deadlineMs) throws Exception {
        call("GET", "/api/csrf", null);
        expect(call("POST", "/api/login", Map.of("username", "demo", "password", "demo")), "log in as demo");
        // The restaurant's case once both of its monitor's alerts are in it (综合查一次; the fume over the limit and the
        // purifier off are one act in law, so one violation fined once), or after a minute with what it has.
        String id = null;
        long firstSeen = 0;
        while (id == null) {
            for (JsonNode c : call("GET", "/api/cases?status=draft", null).json().path("items")) {
                if (TYPES.contains(c.path("type").asText()) && c.path("alerts").asInt() > 0) {
                    firstSeen = firstSeen == 0 ? System.currentTimeMillis() : firstSeen;
                    if (c.path("alerts").asInt() >= 2 || System.currentTimeMillis() - firstSeen > 60_000) {
                        id = c.path("id").asText();
                    }
                    break;
                }
            }
            if (id == null) {
                if (System.currentTimeMillis() > deadlineMs) {
                    return "no restaurant case yet; the walkthrough did not run";
                }
                Thread.sleep(2_000);
            }
        }
        String path = "/api/cases/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
        JsonNode c = call("GET", path, null).json();
        for (JsonNode a : c.path("alerts")) {
            if (a.path("status").asText().equals("pending")) {
                expect(call("POST", "/api/alerts/" + URLEncoder.encode(a.path("alert_id").asText(), StandardCharsets.UTF_8) + "/review",
                        Map.of("decision", "confirm")), "confirm alert " + a.path("alert_id").asText());
            }
        }
        expect(call("POST", path + "/status", Map.of("status", "reviewed", "note", "演示：监测数据与曲线核对无误")), "review the case");
        // 综合查一次: the restaurant's alerts of every type are one case; each violation is fined at its range's floor.
        JsonNode violations = call("GET", path, null).json().path("violations");
        JsonNode v = violations.get(0);
        List<Map<String, Object>> items = new java.util.ArrayList<>();
        long amount = 0;
        List<String> names = new java.util.ArrayList<>();
        for (JsonNode x : violations) {
            long min = Math.max(1, x.path("penalty_range").path("min_yuan").asLong(5000));
            items.add(Map.of("type", x.path("type").asText(), "kind", "penalty", "amount_yuan", min));
            amount += min;
            names.add(x.path("name").asText());
        }
        Map<String, Object> decision = items.size() == 1
                ? Map.of("kind", "penalty", "amount_yuan", amount, "note", "演示：首次查处，按幅度下限处罚")
                : Map.of("violations", items, "note", "演示：综合查一次，各事项按幅度下限分别裁量、合并执行");
        expect(call("POST", path + "/decision", decision), "decide the case");
        Reply docs = call("POST", path + "/documents", Map.of());
        expect(docs, "generate its documents");
        expect(call("POST", path + "/status", Map.of("status", "served", "note", "演示：直接送达，当事人签收")), "serve the case");
        StringBuilder out = new StringBuilder("walkthrough: case " + id + " (" + String.join(" + ", names) + ", "
                + v.path("subject").path("name").asText() + ") confirmed, reviewed, fined " + amount + " yuan, served with:");
        for (JsonNode d : docs.json().path("documents")) {
            out.append("\n      ").append(d.path("title").asText()).append(' ').append(d.path("number").asText()).append("  ")
                    .append(base.replace("127.0.0.1", "localhost")).append(d.path("url").asText());
        }
        out.append("\n    action code ").append(docs.json().path("action_code").asText()).append(", public page: ")
                .append(base.replace("127.0.0.1", "localhost")).append("/verify/").append(docs.json().path("action_code").asText());
        // The hearing package (legal): signed with the demo's key, checked offline by ./nce verify-package.
        HttpResponse<byte[]> pkg = send(HttpRequest.newBuilder(URI.create(base + path + "/export")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofByteArray());
        if (pkg.statusCode() == 200) {
            java.nio.file.Path dir = java.nio.file.Path.of(System.getenv().getOrDefault("NCE_HOME", ".nce"), "exports");
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Path file = dir.resolve(id.replaceAll("[^A-Za-z0-9._@-]", "_") + "-evidence.zip");
            java.nio.file.Files.write(file, pkg.body());
            out.append("\n    hearing package ").append(file).append(" (").append(pkg.body().length / 1024).append(" KiB); check it: ./nce verify-package ")
                    .append(file).append(System.getenv("NCE_EXPORT_PUBLIC_KEY") == null ? "" : " --public-key " + System.getenv("NCE_EXPORT_PUBLIC_KEY"));
        } else {
            out.append("\n    hearing package not exported: ").append(pkg.statusCode()).append(' ').append(new String(pkg.body(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    private record Reply(int status, String body) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    private static void expect(Reply r, String what) {
        if (r.status() != 200) {
            throw new IllegalStateException(what + ": " + r.status() + " " + r.body());
        }
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) throws Exception {
        cookies.getCookieStore().getCookies().stream().filter(k -> k.getName().equals("XSRF-TOKEN")).findFirst()
                .ifPresent(k -> b.header("X-XSRF-TOKEN", k.getValue()));
        return http.send(b.build(), handler);
    }

    private Reply call(String method, String path, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (body == null) {
            b.GET();
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<String> r = send(b, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }
}
