package org.nce.console;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Optional;

/** Reads evidence objects from the bucket through the MinIO SDK. */
public final class EvidenceReader {
    public record StoredObject(byte[] bytes, String contentType, String sha256Metadata) {
    }

    private final MinioClient client;
    private final String bucket;

    public EvidenceReader(String endpoint, String accessKey, String secretKey, String bucket) {
        this.client = MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).region("us-east-1").build();
        this.bucket = bucket;
    }

    public Optional<StoredObject> read(String key) throws IOException {
        try {
            StatObjectResponse stat = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                return Optional.of(new StoredObject(in.readAllBytes(), stat.contentType(), stat.userMetadata().get("sha256")));
            }
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw new IOException("object store: " + e.errorResponse().code() + " reading " + key, e);
        } catch (GeneralSecurityException | io.minio.errors.MinioException e) {
            throw new IOException("object store error reading " + key + ": " + e.getMessage(), e);
        }
    }
}
