package org.nce.pipeline.io;

import java.io.IOException;
import java.io.Serializable;
import org.slf4j.Logger;

/**
 * The one way the pipeline retries a store (S3, Elasticsearch; MQTT reconnects take their delays
 * from it too): how many attempts, exponential back-off between them, and what is worth retrying,
 * decided by the caller's {@link Classifier} from the cause, never from message text.
 *
 * <ul>
 * <li>{@link Verdict#RETRY}: transient (connection refused or reset, timeouts, 429, 5xx). Retried;
 * when the attempts are spent it is an {@link IOException}: the task fails and Flink restarts
 * from its checkpoint, so an outage longer than the retries loses nothing.</li>
 * <li>{@link Verdict#FATAL}: configuration (credentials, a missing bucket). Not retried; one clear
 * {@link IllegalStateException}.</li>
 * <li>{@link Verdict#REFUSED}: the store refuses this one request as such (a 4xx about the data).
 * Not retried; thrown as {@link Refused}, which callers turn into a dead letter.</li>
 * </ul>
 */
public record RetryPolicy(int attempts, long initialBackoffMs, long maxBackoffMs) implements Serializable {
    /** About 50 s of retries before the task fails: rides out a store restart without a job restart. */
    public static final RetryPolicy STORES = new RetryPolicy(10, 200, 10_000);

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1, got " + attempts);
        }
        if (initialBackoffMs < 1 || maxBackoffMs < initialBackoffMs) {
            throw new IllegalArgumentException("back-off must satisfy 1 <= initial <= max, got " + initialBackoffMs + ", " + maxBackoffMs);
        }
    }

    public enum Verdict { RETRY, FATAL, REFUSED }

    @FunctionalInterface
    public interface Classifier {
        Verdict classify(Exception e);
    }

    @FunctionalInterface
    public interface Call<T> {
        T run() throws Exception;
    }

    /** The store refused this request as such; retrying would not help. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        public Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The wait before attempt {@code attempt + 1} (attempt counts from 1). */
    public long backoffMs(int attempt) {
        long b = initialBackoffMs;
        for (int i = 1; i < attempt && b < maxBackoffMs; i++) {
            b *= 2;
        }
        return Math.min(b, maxBackoffMs);
    }

    public <T> T call(String what, Call<T> call, Classifier classifier, Logger log) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (Exception e) {
                switch (classifier.classify(e)) {
                    case FATAL -> throw new IllegalStateException(what + ": " + e.getMessage(), e);
                    case REFUSED -> throw new Refused(what + " refused: " + e.getMessage(), e);
                    case RETRY -> {
                        if (attempt >= attempts) {
                            throw new IOException(what + " failed after " + attempts + " attempts: " + e, e);
                        }
                        long wait = backoffMs(attempt);
                        log.warn("{} failed ({}), attempt {} of {}, retrying in {} ms", what, e.toString(), attempt, attempts, wait);
                        sleep(wait, what);
                    }
                    default -> throw new IllegalStateException("unreachable");
                }
            }
        }
    }

    public static void sleep(long ms, String what) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while retrying " + what, ie);
        }
    }
}
