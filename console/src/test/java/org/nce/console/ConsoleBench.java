package org.nce.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.nce.model.StoreLayout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/**
 * {@code ./nce bench console}: review throughput as a person meets it, in the real browser against
 * the real console and Elasticsearch. Seeds 10,000 pending alerts and 100,000 cases at a site of
 * its own, then measures (a bench, never an assertion in a test):
 * <ul>
 * <li>keypress → next alert shown: a {@code c} or a reason key dispatched in the page, until the
 * next alert's title is in the DOM (the review goes to the server behind it);</li>
 * <li>queue page load: navigation start until the first alert is shown, with 10,000 pending;</li>
 * <li>case search: the page's search (words, site, status, a date range) over 100,000 cases, from
 * the call to the rows in the table.</li>
 * </ul>
 * Prints a table and, with {@code --json FILE}, writes {@code next_alert_ms}, {@code queue_load_ms},
 * {@code case_search_ms} (each {@code p50}, {@code p99}, {@code n}) and the machine.
 */
public final class ConsoleBench {
    private ConsoleBench() {
    }

    public static void main(String[] args) throws Exception {
        Path json = null;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = Path.of(args[++i]);
                case "--quick" -> quick = true;
                default -> throw new IllegalArgumentException("usage: ./nce bench console [--json FILE] [--quick]");
            }
        }
        int pending = quick ? 1_000 : 10_000;
        int cases = quick ? 10_000 : 100_000;
        String run = UUID.randomUUID().toString().substring(0, 8);
        String site = "site-bench-" + run;
        Stores.ensureIndices();
        long t0 = System.nanoTime();
        seed(site, run, pending, cases);
        System.out.printf(Locale.ROOT, "seeded %,d pending alerts and %,d cases in %.0f s%n", pending, cases, (System.nanoTime() - t0) / 1e9);

        Path users = Files.createTempFile("nce-bench-users", ".yaml");
        Files.writeString(users, "users:\n  - {username: bench, password: \"" + PasswordEncoderFactories.createDelegatingPasswordEncoder()
                .encode("bench-password") + "\", roles: [operator, officer, legal]}\n");
        ConfigurableApplicationContext app = SpringApplication.run(ConsoleApplication.class, "--server.port=0",
                "--nce.users-file=" + users, "--nce.es-url=" + Stores.ES, "--nce.s3-endpoint=" + Stores.S3,
                "--nce.s3-access-key=" + Stores.S3_KEY, "--nce.s3-secret-key=" + Stores.S3_SECRET, "--logging.level.root=WARN");
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        WebDriver browser = browser();
        List<Double> nextAlert = new ArrayList<>();
        List<Double> queueLoad = new ArrayList<>();
        List<Double> search = new ArrayList<>();
        try {
            String base = "http://127.0.0.1:" + port;
            browser.get(base + "/login.html");
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.elementToBeClickable(By.id("submit")));
            browser.findElement(By.id("username")).sendKeys("bench");
            browser.findElement(By.id("password")).sendKeys("bench-password");
            browser.findElement(By.id("submit")).click();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#me:not(:empty)")));
            JavascriptExecutor js = (JavascriptExecutor) browser;
            for (int i = 0; i < (quick ? 5 : 20); i++) {
                browser.get(base + "/?r=" + i + "#queue");
                wait.until(ExpectedConditions.presenceOfElementLocated(By.id("alert-title")));
                queueLoad.add(((Number) js.executeScript(
                        "return performance.getEntriesByName('nce:queue-shown')[0].startTime;")).doubleValue());
            }
            // Where a page load's time goes (the last one): each request's start and end after navigation start.
            System.out.println("queue page load, the last one: " + js.executeScript("""
                    const n = performance.getEntriesByType('navigation')[0];
                    return 'html ' + n.responseEnd.toFixed(0) + ' ms, DOM ready ' + n.domContentLoadedEventEnd.toFixed(0) + ' ms; '
                      + performance.getEntriesByType('resource').map(r => r.name.replace(/^https?:\\/\\/[^/]+/, '')
                          + ' ' + r.startTime.toFixed(0) + '-' + r.responseEnd.toFixed(0)).join(', ');
                    """));
            // Keypresses: confirm, and dismiss by reason number keys, as an operator does.
            String[] keys = {"c", "1", "c", "2", "c", "5", "d"};
            for (int i = 0; i < (quick ? 50 : 300); i++) {
                Object ms = js.executeAsyncScript("""
                        const done = arguments[arguments.length - 1];
                        const key = arguments[0];
                        const before = document.getElementById('alert-title')?.dataset.id;
                        const t0 = performance.now();
                        const obs = new MutationObserver(() => {
                          const now = document.getElementById('alert-title')?.dataset.id;
                          if (now && now !== before) { obs.disconnect(); done(performance.now() - t0); }
                        });
                        obs.observe(document.getElementById('queue-detail'), { childList: true, subtree: true });
                        document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
                        setTimeout(() => { obs.disconnect(); done(-1); }, 10000);
                        """, keys[i % keys.length]);
                double v = ((Number) ms).doubleValue();
                if (v >= 0) {
                    nextAlert.add(v);
                }
                Thread.sleep(30); // a person's rhythm is slower; this keeps the bench from measuring only its own backlog
            }
            browser.get(base + "/#cases");
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#case-rows tr")));
            String[][] queries = {{"", "", ""}, {"fire", "", ""}, {"", site, ""}, {"", site, "draft"}, {"night", site, "reviewed"},
                    {"case", "", "closed"}, {run, "", ""}};
            for (int i = 0; i < (quick ? 14 : 70); i++) {
                String[] q = queries[i % queries.length];
                Object ms = js.executeAsyncScript("""
                        const done = arguments[arguments.length - 1];
                        document.getElementById('case-q').value = arguments[0];
                        document.getElementById('case-site').value = arguments[1];
                        document.getElementById('case-status').value = arguments[2];
                        const t0 = performance.now();
                        searchCases(0).then(() => done(performance.now() - t0), e => done(-1));
                        """, q[0], q[1], q[2]);
                double v = ((Number) ms).doubleValue();
                if (v >= 0) {
                    search.add(v);
                }
            }
        } finally {
            browser.quit();
            app.close();
        }
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        String machine = Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", Java " + System.getProperty("java.version");
        System.out.printf(Locale.ROOT, "%n| figure (%s) | p50 | p99 | n | target |%n|---|---|---|---|---|%n", quick ? "quick" : "full");
        row("keypress → next alert shown", nextAlert, "p99 ≤ 100 ms");
        row("queue page load, " + String.format(Locale.ROOT, "%,d", pending) + " pending", queueLoad, "p99 ≤ 300 ms");
        row("case search over " + String.format(Locale.ROOT, "%,d", cases) + " cases", search, "p99 ≤ 300 ms");
        System.out.println("\nqueue page loads in order (ms): " + queueLoad.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
        System.out.println("\nmachine: " + machine + "; " + Instant.now() + "; commit " + System.getenv().getOrDefault("NCE_BENCH_COMMIT", "unknown"));
        if (json != null) {
            ObjectNode root = Stores.JSON.createObjectNode();
            put(root, "next_alert_ms", nextAlert);
            put(root, "queue_load_ms", queueLoad);
            put(root, "case_search_ms", search);
            root.put("pending_alerts", pending);
            root.put("cases", cases);
            root.put("machine", machine);
            root.put("date", Instant.now().toString());
            root.put("commit", System.getenv().getOrDefault("NCE_BENCH_COMMIT", "unknown"));
            Files.writeString(json, Stores.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root), StandardCharsets.UTF_8);
            System.out.println("wrote " + json);
        }
        System.exit(0);
    }

    static WebDriver browser() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(System.getProperty("nce.chromium", "/usr/bin/chromium"));
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
                "--window-size=1440,960");
        ChromeDriverService s = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getProperty("nce.chromedriver", "/usr/bin/chromedriver")).toFile()).usingAnyFreePort().build();
        WebDriver d = new ChromeDriver(s, o);
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return d;
    }

    /** Bulk-indexes the alerts (newest an hour ahead, so they top the queue) and the cases. */
    static void seed(String site, String run, int pending, int cases) throws Exception {
        long now = System.currentTimeMillis() + 3_600_000;
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < pending; i++) {
            String id = "cam-bench-" + (i % 100) + ":open_burning:" + run + "-" + i;
            bulk.append("{\"create\":{\"_index\":\"").append(StoreLayout.ALERTS).append("\",\"_id\":\"").append(id).append("\"}}\n");
            bulk.append(Stores.JSON.writeValueAsString(java.util.Map.of("alert_id", id, "type", "open_burning", "site_id", site,
                    "source_id", "cam-bench-" + (i % 100), "event_time_ms", now - i * 1000L, "score", 0.7,
                    "reason", "flame region, flicker 4 Hz", "evidence", List.of()))).append('\n');
            if (bulk.length() > 4_000_000) {
                flush(bulk);
            }
        }
        String[] statuses = {"draft", "reviewed", "decided", "served", "closed", "dismissed"};
        String[] words = {"open burning of rubbish behind the market", "night noise from a piling rig", "cooking fumes over the limit",
                "muck dumped at the gate", "a dog off its leash in the park"};
        for (int i = 0; i < cases; i++) {
            String id = "case-bench-" + run + "-" + i;
            bulk.append("{\"create\":{\"_index\":\"").append(StoreLayout.CASES).append("\",\"_id\":\"").append(id).append("\"}}\n");
            bulk.append(Stores.JSON.writeValueAsString(java.util.Map.of("id", id, "type", i % 2 == 0 ? "open_burning" : "noise_exceedance",
                    "status", statuses[i % statuses.length], "subject", i % 3 == 0 ? site : "site-other-" + (i % 500),
                    "site_id", i % 3 == 0 ? site : "site-other-" + (i % 500), "opened_at", now - i * 60_000L,
                    "alert_ids", List.of("a-" + run + "-" + i), "summary", words[i % words.length] + " (" + i + ")",
                    "legal_basis", "大气污染防治法"))).append('\n');
            if (bulk.length() > 4_000_000) {
                flush(bulk);
            }
        }
        flush(bulk);
        Stores.send("POST", "/" + StoreLayout.ALERTS + "," + StoreLayout.CASES + "/_refresh", "");
    }

    static void flush(StringBuilder bulk) throws Exception {
        if (bulk.length() == 0) {
            return;
        }
        var r = Stores.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(Stores.ES + "/_bulk"))
                .header("Content-Type", "application/x-ndjson").POST(java.net.http.HttpRequest.BodyPublishers.ofString(bulk.toString()))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || r.body().contains("\"errors\":true")) {
            throw new IllegalStateException("bulk: " + r.statusCode() + " " + r.body().substring(0, Math.min(500, r.body().length())));
        }
        bulk.setLength(0);
    }

    static double pct(List<Double> xs, double p) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get((int) Math.min(s.size() - 1, Math.ceil(p * s.size()) - 1));
    }

    static void row(String name, List<Double> xs, String target) {
        System.out.printf(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %d | %s |%n", name, pct(xs, 0.5), pct(xs, 0.99), xs.size(), target);
    }

    static void put(ObjectNode root, String key, List<Double> xs) {
        ObjectNode n = root.putObject(key);
        n.put("p50", pct(xs, 0.5));
        n.put("p99", pct(xs, 0.99));
        n.put("n", xs.size());
    }
}
