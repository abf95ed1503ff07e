package org.nce.console.security;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nce.console.ConsoleProperties;
import org.nce.console.web.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Failed logins per user name and per client address, as token buckets (Bucket4j): guessing a
 * password costs a minute per {@code nce.login-attempts} wrong tries for a name (five times that for
 * an address, which a whole office may share), and a right password is never slowed down.
 */
@Component
public class LoginRateLimiter {
    /** Beyond this many tracked names or addresses the oldest buckets are dropped (memory stays bounded). */
    private static final int MAX_TRACKED = 10_000;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final int perMinute;

    public LoginRateLimiter(ConsoleProperties props) {
        this.perMinute = props.loginAttempts();
    }

    /** Refuses a login while its user name or its address has used up its failed attempts. */
    public void check(String username, String address) {
        for (String k : keys(username, address)) {
            Bucket b = buckets.get(k);
            if (b != null && b.getAvailableTokens() < 1) {
                long seconds = Math.max(1, Duration.ofNanos(b.estimateAbilityToConsume(1).getNanosToWaitForRefill()).toSeconds());
                throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too_many_logins",
                        "too many failed login attempts; try again in " + seconds + " s");
            }
        }
    }

    /** Counts a failed attempt against the user name and the address (an address gets five times a name's). */
    public void failed(String username, String address) {
        if (buckets.size() > MAX_TRACKED) {
            buckets.clear();
        }
        for (String k : keys(username, address)) {
            int perMinute = k.startsWith("addr:") ? 5 * this.perMinute : this.perMinute;
            buckets.computeIfAbsent(k, x -> Bucket.builder()
                    .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
                    .build()).tryConsume(1);
        }
    }

    private static String[] keys(String username, String address) {
        return new String[] {"user:" + username, "addr:" + address};
    }
}
