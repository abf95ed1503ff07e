package org.nce.pipeline.evidence;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
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
    private static final int ATTEMPTS = 5;

    private final MinioClient client;
    private final String bucket;

    public S3EvidenceStore(String endpoint, String accessKey, String secretKey, String bucket) throws IOException {
        this.client = MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).region("us-east-1").build();
        this.bucket = bucket;
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

    @Override
    public EvidenceRef put(String key, byte[] bytes, String contentType, String kind, Map<String, String> metadata)
            throws IOException {
        String sha = Hashes.sha256(bytes);
        Map<String, String> meta = new HashMap<>(metadata);
        meta.put("sha256", sha);
        meta.put("kind", kind);
        retrying("put " + key, () -> client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType(contentType)
                .userMetadata(meta).build()));
        return new EvidenceRef(key, sha, contentType, bytes.length, kind);
    }

    @Override
    public byte[] get(String key) throws IOException {
        return retrying("get " + key, () -> {
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                return in.readAllBytes();
            }
        });
    }

    interface Call<T> {
        T run() throws Exception;
    }

    private <T> T retrying(String what, Call<T> call) throws IOException {
        long backoff = 200;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (ErrorResponseException e) {
                String code = e.errorResponse() == null ? "" : e.errorResponse().code();
                if (FATAL.contains(code)) {
                    throw new IllegalStateException("object store refused to " + what + " in bucket " + bucket + ": "
                            + code + " (check NCE_S3_ACCESS_KEY / NCE_S3_SECRET_KEY and the bucket policy)", e);
                }
                if (attempt >= ATTEMPTS) {
                    throw new IOException("object store failed to " + what + ": " + code, e);
                }
            } catch (Exception e) {
                if (attempt >= ATTEMPTS) {
                    throw new IOException("object store failed to " + what + " after " + ATTEMPTS + " attempts: " + e, e);
                }
                LOG.warn("object store: {} failed ({}), retrying in {} ms", what, e.toString(), backoff);
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while retrying " + what, ie);
            }
            backoff = Math.min(backoff * 2, 5_000);
        }
    }
}
