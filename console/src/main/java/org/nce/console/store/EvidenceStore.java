package org.nce.console.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nce.console.ConsoleProperties;
import org.nce.console.web.ApiException;
import org.nce.model.Hashes;
import org.nce.model.StoreLayout;
import org.springframework.stereotype.Component;

/**
 * Evidence objects, served only when an alert cites them and only when their bytes still match the
 * hash recorded when they were first written ({@code nce-evidence}, written once by the pipeline).
 * The content type is the console's, from a fixed list by kind, never the one stored with the
 * object: a planted {@code text/html} object cannot run as a page on the console's origin.
 */
@Component
public class EvidenceStore {
    /** The kinds the pipeline writes and the only types the console sends them as. */
    static final Map<String, String> TYPES = Map.of("clip", "video/mp4", "keyframe", "image/jpeg", "keyframe-annotated", "image/jpeg",
            "readings", "application/json", "chart", "image/png");

    private final ElasticsearchClient es;
    private final MinioClient store;
    private final String bucket;

    public record Cited(String key, String alertId, String kind, String contentType, String recordedSha256) {
    }

    public record Verified(Cited cited, byte[] bytes, String sha256, boolean matches) {
    }

    public EvidenceStore(ElasticsearchClient es, MinioClient store, ConsoleProperties props) {
        this.es = es;
        this.store = store;
        this.bucket = props.bucket();
    }

    /** The evidence record of {@code key} if an alert cites it, else empty. */
    @SuppressWarnings("unchecked")
    public Optional<Cited> cited(String key) {
        Optional<Docs> record = Docs.get(es, StoreLayout.EVIDENCE, key);
        if (record.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> r = record.get().source();
        String alertId = (String) r.get("alert_id");
        String kind = (String) r.get("kind");
        String sha = (String) r.get("sha256");
        if (alertId == null || sha == null || !TYPES.containsKey(kind)) {
            return Optional.empty();
        }
        Optional<Docs> alert = Docs.get(es, StoreLayout.ALERTS, alertId);
        boolean cites = alert.isPresent() && alert.get().source().get("evidence") instanceof List<?> l
                && l.stream().anyMatch(e -> e instanceof Map<?, ?> m && key.equals(m.get("key")));
        return cites ? Optional.of(new Cited(key, alertId, kind, TYPES.get(kind), sha)) : Optional.empty();
    }

    /** Reads the object and hashes it; {@code matches} says whether it is what was first recorded. */
    public Verified read(Cited c) {
        try (InputStream in = store.getObject(GetObjectArgs.builder().bucket(bucket).object(c.key()).build())) {
            byte[] bytes = in.readAllBytes();
            String sha = Hashes.sha256(bytes);
            return new Verified(c, bytes, sha, sha.equals(c.recordedSha256()));
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                throw ApiException.conflict("evidence_missing", "evidence " + c.key() + " is recorded but the object is missing from the store");
            }
            throw unavailable(e);
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    private static ApiException unavailable(Exception e) {
        org.slf4j.LoggerFactory.getLogger(EvidenceStore.class).warn("evidence store: {}", e.toString());
        return ApiException.unavailable("the evidence store did not answer; try again in a moment");
    }
}
