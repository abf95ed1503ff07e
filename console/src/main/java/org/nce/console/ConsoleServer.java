package org.nce.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console: a small JSON API over what the pipeline stored, and the web page that
 * shows it. Evidence is served with its SHA-256 recomputed on every read and compared with the hash
 * recorded when it was written ({@code X-NCE-SHA256}, {@code X-NCE-Hash-Verified}).
 *
 * <ul>
 * <li>{@code GET /api/cases} — cases, newest first: id, type, status, subject, opened_at, evidence[] (key, sha256)</li>
 * <li>{@code GET /api/cases/{id}} — one case</li>
 * <li>{@code GET /api/evidence/{key}} — an evidence object's bytes</li>
 * <li>{@code GET /api/status} — counts of alerts, cases, evidence objects and dead letters</li>
 * <li>{@code GET /api/deadletters} — the latest refused inputs with their reasons</li>
 * </ul>
 */
public final class ConsoleServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final CaseRepository repo;
    private final EvidenceReader evidence;

    public ConsoleServer(ConsoleConfig config) throws IOException {
        this.repo = new CaseRepository(config.elasticsearchUrl());
        this.evidence = new EvidenceReader(config.s3Endpoint(), config.s3AccessKey(), config.s3SecretKey(), config.bucket());
        this.server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/api/cases", this::cases);
        server.createContext("/api/evidence/", this::evidence);
        server.createContext("/api/status", this::status);
        server.createContext("/api/deadletters", this::deadLetters);
        server.createContext("/", this::page);
    }

    public ConsoleServer start() {
        server.start();
        LOG.info("console listening on http://{}:{}", server.getAddress().getHostString(), server.getAddress().getPort());
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void cases(HttpExchange ex) throws IOException {
        handle(ex, () -> {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/api/cases") || path.equals("/api/cases/")) {
                sendJson(ex, 200, repo.cases(200));
                return;
            }
            String id = URLDecoder.decode(path.substring("/api/cases/".length()), StandardCharsets.UTF_8);
            Optional<Map<String, Object>> c = repo.caseById(id);
            if (c.isPresent()) {
                sendJson(ex, 200, c.get());
            } else {
                sendJson(ex, 404, Map.of("error", "no case " + id));
            }
        });
    }

    private void evidence(HttpExchange ex) throws IOException {
        handle(ex, () -> {
            String key = URLDecoder.decode(ex.getRequestURI().getRawPath().substring("/api/evidence/".length()), StandardCharsets.UTF_8);
            if (key.isEmpty() || key.contains("..")) {
                sendJson(ex, 400, Map.of("error", "bad evidence key"));
                return;
            }
            Optional<EvidenceReader.StoredObject> obj = evidence.read(key);
            if (obj.isEmpty()) {
                sendJson(ex, 404, Map.of("error", "no evidence object " + key));
                return;
            }
            String actual = org.nce.model.Hashes.sha256(obj.get().bytes());
            String recorded = repo.evidenceSha256(key).orElse(obj.get().sha256Metadata());
            boolean verified = actual.equals(recorded) && actual.equals(obj.get().sha256Metadata());
            repo.audit(actor(ex), "evidence.read", key, verified ? "hash verified" : "HASH MISMATCH: recorded " + recorded + ", actual " + actual);
            ex.getResponseHeaders().set("Content-Type", obj.get().contentType() == null ? "application/octet-stream" : obj.get().contentType());
            ex.getResponseHeaders().set("X-NCE-SHA256", actual);
            ex.getResponseHeaders().set("X-NCE-Hash-Verified", Boolean.toString(verified));
            ex.getResponseHeaders().set("Cache-Control", "private, max-age=60");
            send(ex, 200, obj.get().bytes());
        });
    }

    private void status(HttpExchange ex) throws IOException {
        handle(ex, () -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("alerts", repo.count(CaseRepository.ALERTS));
            s.put("cases", repo.count(CaseRepository.CASES));
            s.put("evidence_objects", repo.count(CaseRepository.EVIDENCE));
            s.put("dead_letters", repo.count(CaseRepository.DEADLETTER));
            sendJson(ex, 200, s);
        });
    }

    private void deadLetters(HttpExchange ex) throws IOException {
        handle(ex, () -> sendJson(ex, 200, repo.recent(CaseRepository.DEADLETTER, "received_at", 50)));
    }

    private void page(HttpExchange ex) throws IOException {
        handle(ex, () -> {
            String path = ex.getRequestURI().getPath();
            String resource = path.equals("/") ? "/web/index.html" : "/web" + path;
            if (resource.contains("..")) {
                send(ex, 400, new byte[0]);
                return;
            }
            try (InputStream in = ConsoleServer.class.getResourceAsStream(resource)) {
                if (in == null) {
                    sendJson(ex, 404, Map.of("error", "not found: " + path));
                    return;
                }
                String type = resource.endsWith(".html") ? "text/html; charset=utf-8"
                        : resource.endsWith(".js") ? "text/javascript; charset=utf-8"
                        : resource.endsWith(".css") ? "text/css; charset=utf-8" : "application/octet-stream";
                ex.getResponseHeaders().set("Content-Type", type);
                send(ex, 200, in.readAllBytes());
            }
        });
    }

    /** Until roles land (roadmap 5), the actor is the client address; it is still audited. */
    private static String actor(HttpExchange ex) {
        return "anonymous@" + ex.getRemoteAddress().getAddress().getHostAddress();
    }

    interface Handler {
        void run() throws IOException;
    }

    private static void handle(HttpExchange ex, Handler h) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                sendJson(ex, 405, Map.of("error", "only GET is supported"));
                return;
            }
            h.run();
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
            try {
                sendJson(ex, 503, Map.of("error", "backend unavailable: " + e.getMessage()));
            } catch (IOException | RuntimeException ignored) {
                // headers already sent; the client sees a truncated response
            }
        }
    }

    private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        send(ex, status, JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.stop(1);
        repo.close();
    }
}
