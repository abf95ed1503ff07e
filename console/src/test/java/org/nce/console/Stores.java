package org.nce.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nce.model.Hashes;
import org.nce.model.StoreLayout;

/**
 * The loopback stores ./nce test starts (Elasticsearch, S3Proxy), as the pipeline would have left
 * them: the store contract's indices from model's templates, alerts with evidence objects and their
 * first hash records, cases listing them. Written here with plain HTTP and the MinIO SDK, never
 * with pipeline code.
 */
final class Stores {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ES = env("NCE_ES_URL", "http://127.0.0.1:" + env("NCE_ES_PORT", "9200"));
    static final String S3 = env("NCE_S3_ENDPOINT", "http://127.0.0.1:" + env("NCE_S3_PORT", "9000"));
    static final String S3_KEY = env("NCE_S3_ACCESS_KEY", "nce-dev-access");
    static final String S3_SECRET = env("NCE_S3_SECRET_KEY", "nce-dev-secret");
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final MinioClient MINIO = MinioClient.builder().endpoint(S3).credentials(S3_KEY, S3_SECRET).region("us-east-1").build();

    private Stores() {
    }

    static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    /** The indices behind their aliases, from the store contract's templates, as the pipeline creates them. */
    static void ensureIndices() throws Exception {
        for (String alias : StoreLayout.ALIASES) {
            JsonNode template;
            try (InputStream in = Stores.class.getResourceAsStream("/es/" + alias + ".json")) {
                template = JSON.readTree(in);
            }
            send("PUT", "/_index_template/" + alias, template);
            if (HTTP.send(HttpRequest.newBuilder(URI.create(ES + "/_alias/" + alias)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 404) {
                String index = alias + "-v" + template.path("version").asInt();
                send("PUT", "/" + index, Map.of("aliases", Map.of(alias, Map.of("is_write_index", true))));
            }
        }
        if (!MINIO.bucketExists(BucketExistsArgs.builder().bucket(StoreLayout.BUCKET).build())) {
            MINIO.makeBucket(MakeBucketArgs.builder().bucket(StoreLayout.BUCKET).build());
        }
    }

    static JsonNode send(String method, String path, Object body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(ES + path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300 && !(r.statusCode() == 400 && r.body().contains("resource_already_exists"))) {
            throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    static JsonNode get(String index, String id) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(ES + "/" + index + "/_doc/" + URLEncoder.encode(id, StandardCharsets.UTF_8)))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body()).path("_source");
    }

    static List<JsonNode> audit(String target) throws Exception {
        send("POST", "/" + StoreLayout.AUDIT + "/_refresh", "");
        JsonNode r = send("POST", "/" + StoreLayout.AUDIT + "/_search", Map.of("size", 100, "query", Map.of("term", Map.of("target", target)),
                "sort", List.of(Map.of("at", "asc"))));
        List<JsonNode> out = new ArrayList<>();
        r.path("hits").path("hits").forEach(h -> out.add(h.path("_source")));
        return out;
    }

    /** A test console's store settings: the loopback Elasticsearch and S3 server. */
    static void props(org.springframework.test.context.DynamicPropertyRegistry r) {
        r.add("nce.es-url", () -> ES);
        r.add("nce.s3-endpoint", () -> S3);
        r.add("nce.s3-access-key", () -> S3_KEY);
        r.add("nce.s3-secret-key", () -> S3_SECRET);
    }

    /** The audit entries of a case (its custody log), oldest first. */
    static List<JsonNode> auditOfCase(String caseId) throws Exception {
        send("POST", "/" + StoreLayout.AUDIT + "/_refresh", "");
        JsonNode r = send("POST", "/" + StoreLayout.AUDIT + "/_search", Map.of("size", 100, "query", Map.of("term", Map.of("case_id", caseId)),
                "sort", List.of(Map.of("at", "asc"))));
        List<JsonNode> out = new ArrayList<>();
        r.path("hits").path("hits").forEach(h -> out.add(h.path("_source")));
        return out;
    }

    /** Puts bytes in the bucket under {@code key} with the given stored content type. */
    static void putObject(String key, byte[] bytes, String contentType) throws Exception {
        MINIO.putObject(PutObjectArgs.builder().bucket(StoreLayout.BUCKET).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType(contentType).build());
    }

    /** One piece of evidence as the pipeline writes it: the object, its first hash record, its reference. */
    static Map<String, Object> evidence(String alertId, String key, String kind, byte[] bytes, String contentType) throws Exception {
        putObject(key, bytes, contentType);
        String sha = Hashes.sha256(bytes);
        Map<String, Object> record = new LinkedHashMap<>(Map.of("key", key, "sha256", sha, "content_type", contentType,
                "size_bytes", bytes.length, "kind", kind, "alert_id", alertId));
        send("PUT", "/" + StoreLayout.EVIDENCE + "/_doc/" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "?refresh=true", record);
        return Map.of("key", key, "sha256", sha, "content_type", contentType, "size_bytes", bytes.length, "kind", kind);
    }

    static void alert(String id, String type, String site, String source, long time, List<Map<String, Object>> evidence) throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("alert_id", id);
        doc.put("type", type);
        doc.put("site_id", site);
        doc.put("source_id", source);
        doc.put("event_time_ms", time);
        doc.put("score", 0.8);
        doc.put("reason", "test alert " + id);
        doc.put("evidence", evidence);
        send("PUT", "/" + StoreLayout.ALERTS + "/_doc/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "?refresh=true", doc);
    }

    static void caseDoc(String id, String type, String site, long openedAt, List<String> alertIds, List<Map<String, Object>> evidence)
            throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", id);
        doc.put("type", type);
        doc.put("status", "draft");
        doc.put("subject", site);
        doc.put("site_id", site);
        doc.put("opened_at", openedAt);
        doc.put("alert_ids", alertIds);
        doc.put("evidence", evidence);
        doc.put("summary", "open burning seen by camera at " + site);
        doc.put("legal_basis", "大气污染防治法 第一百一十九条");
        doc.put("last_alert_at", openedAt);
        send("PUT", "/" + StoreLayout.CASES + "/_doc/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "?refresh=true", doc);
    }

    static byte[] bytes(String text, int size) {
        byte[] b = new byte[size];
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < size; i++) {
            b[i] = t[i % t.length];
        }
        return b;
    }
}
