package org.nce.pipeline.evidence;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.nce.model.EvidenceRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.nce.model.Hashes;
import org.nce.pipeline.io.RetryPolicy;

/**
 * Evidence in an S3-compatible bucket (MinIO in production, S3Proxy on a developer machine) through
 * the MinIO Java SDK. Errors are classified: bad credentials or a refused bucket are fatal with one
 * clear message; I/O errors are retried with back-off before giving up (the job then restarts from
 * its last checkpoint and the source redelivers, so nothing is lost).
 */
public final class S3EvidenceStore implements EvidenceStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3EvidenceStore.class);
    private static final Set<String> FATAL = Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
            "NoSuchBucket", "AllAccessDisabled");

    private final MinioClient client;
    private final String bucket;
    private final String endpoint;
    /** Whether to send If-None-Match: * (turned off once the store answers that it does not support it). */
    private volatile boolean conditional = true;

    public S3EvidenceStore(String endpoint, String accessKey, String secretKey, String bucket) throws IOException {
        this.client = MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).region("us-east-1").build();
        this.bucket = bucket;
        this.endpoint = endpoint;
        retrying("create bucket " + bucket, () -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                LOG.info("created evidence bucket {} at {}", bucket, endpoint);
            }
            return null;
        });
    }

    public MinioClient client() {
        return client;
    }

    /**
     * Write-once. The key is looked up first: the same bytes (by the SHA-256 recorded at first write)
     * return the stored reference, different bytes are refused. A new key is written with
     * {@code If-None-Match: *}, so a store that honours it (MinIO, AWS S3, S3Proxy 4.1 — probed: 412
     * PreconditionFailed) refuses a racing second writer itself; on one that answers 501, the look-up
     * is the check, which holds because each key has one writer: the camera or sensor subtask of its
     * alert.
     */
    @Override
    public EvidenceRef put(String key, byte[] bytes, String contentType, String kind, Map<String, String> metadata)
            throws IOException {
        String sha = Hashes.sha256(bytes);
        EvidenceRef stored = stat(key, contentType, kind);
        if (stored != null) {
            return sameOrConflict(stored, sha);
        }
        Map<String, String> meta = new HashMap<>(metadata);
        meta.put("sha256", sha);
        meta.put("kind", kind);
        boolean written = retrying("put " + key, () -> {
            try {
                client.putObject(args(key, bytes, contentType, meta, conditional));
                return true;
            } catch (ErrorResponseException e) {
                String code = e.errorResponse() == null ? "" : e.errorResponse().code();
                if (conditional && (e.response() != null && e.response().code() == 501 || "NotImplemented".equals(code))) {
                    LOG.info("object store at {} does not support conditional PUT (If-None-Match); write-once is "
                            + "checked by a look-up before each write", endpoint);
                    conditional = false;
                    client.putObject(args(key, bytes, contentType, meta, false));
                    return true;
                }
                if ("PreconditionFailed".equals(code) || e.response() != null && e.response().code() == 412) {
                    return false; // another writer was first: compare below
                }
                throw e;
            }
        });
        if (!written) {
            EvidenceRef now = stat(key, contentType, kind);
            if (now == null) {
                throw new IOException("object store refused " + key + " as existing, but it cannot be found");
            }
            return sameOrConflict(now, sha);
        }
        return new EvidenceRef(key, sha, contentType, bytes.length, kind);
    }

    private static EvidenceRef sameOrConflict(EvidenceRef stored, String sha) throws EvidenceConflictException {
        if (stored.sha256().equals(sha)) {
            return stored;
        }
        throw new EvidenceConflictException(stored, sha);
    }

    private PutObjectArgs args(String key, byte[] bytes, String contentType, Map<String, String> meta, boolean ifNoneMatch) {
        PutObjectArgs.Builder b = PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType(contentType).userMetadata(meta);
        if (ifNoneMatch) {
            b.headers(Map.of("If-None-Match", "*"));
        }
        return b.build();
    }

    /** The stored object's reference (hash from its metadata, else from its bytes), or null if there is none. */
    private EvidenceRef stat(String key, String contentType, String kind) throws IOException {
        return retrying("stat " + key, () -> {
            StatObjectResponse st;
            try {
                st = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            } catch (ErrorResponseException e) {
                String code = e.errorResponse() == null ? "" : e.errorResponse().code();
                if ("NoSuchKey".equals(code) || "NoSuchObject".equals(code) || e.response() != null && e.response().code() == 404) {
                    return null;
                }
                throw e;
            }
            String sha = st.userMetadata().get("sha256");
            if (sha == null || !sha.matches("[0-9a-f]{64}")) {
                try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                    sha = Hashes.sha256(in.readAllBytes());
                }
            }
            String storedKind = st.userMetadata().getOrDefault("kind", kind);
            return new EvidenceRef(key, sha, st.contentType() == null ? contentType : st.contentType(), st.size(), storedKind);
        });
    }

    @Override
    public byte[] get(String key) throws IOException {
        return retrying("get " + key, () -> {
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                return in.readAllBytes();
            }
        });
    }

    /** By cause: S3 error codes for credentials and the bucket are fatal, other 4xx codes refuse the request, the rest is transient. */
    private RetryPolicy.Verdict classify(Exception e) {
        if (e instanceof ErrorResponseException er) {
            String code = er.errorResponse() == null ? "" : er.errorResponse().code();
            int status = er.response() == null ? 0 : er.response().code();
            if (FATAL.contains(code)) {
                return RetryPolicy.Verdict.FATAL;
            }
            if (status >= 400 && status < 500 && status != 408 && status != 429 && !"SlowDown".equals(code)
                    && !"RequestTimeout".equals(code)) {
                return RetryPolicy.Verdict.REFUSED;
            }
        }
        return RetryPolicy.Verdict.RETRY;
    }

    private <T> T retrying(String what, RetryPolicy.Call<T> call) throws IOException {
        try {
            return RetryPolicy.STORES.call("object store: " + what + " (bucket " + bucket + ")", call, this::classify, LOG);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " (check NCE_S3_ACCESS_KEY / NCE_S3_SECRET_KEY and the bucket policy)",
                    e.getCause());
        }
    }
}
