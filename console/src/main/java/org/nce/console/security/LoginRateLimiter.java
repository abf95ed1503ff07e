package org.nce.console.security;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.nce.console.ConsoleProperties;
import org.nce.console.web.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Login attempts per user name and per client address, as token buckets (Bucket4j): an attempt
 * takes a token from both before the password is checked (so concurrent guesses cannot slip past a
 * check), and a successful login gives them back. A name allows {@code nce.login-attempts} failed
 * tries a minute, an address (which a whole office may share) five times that.
 *
 * <p>The policy, said plainly: while a name is out of tokens, even its right password waits (up to
 * a minute) — that is what makes guessing slow, and it means someone guessing at a name can keep
 * its owner waiting. Behind a reverse proxy every user shares the proxy's address: configure
 * Tomcat's RemoteIpValve ({@code server.forward-headers-strategy: native}) so the address is the
 * client's.
 */
@Component
public class LoginRateLimiter {
    /** Names and addresses tracked at most; the least recently seen are forgotten first. */
    private static final int MAX_TRACKED = 10_000;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_TRACKED;
        }
    };
    private final int perMinute;

    public LoginRateLimiter(ConsoleProperties props) {
        this.perMinute = props.loginAttempts();
    }

    /** Takes one attempt for the name and the address, or refuses with 429 when either has none left. */
    public void acquire(String username, String address) {
        Bucket user = bucket("user:" + username.toLowerCase(Locale.ROOT), perMinute);
        Bucket addr = bucket("addr:" + address, 5 * perMinute);
        if (!user.tryConsume(1)) {
            throw refused(user);
        }
        if (!addr.tryConsume(1)) {
            user.addTokens(1);
            throw refused(addr);
        }
    }

    /** A successful login: its attempt does not count. */
    public void succeeded(String username, String address) {
        bucket("user:" + username.toLowerCase(Locale.ROOT), perMinute).addTokens(1);
        bucket("addr:" + address, 5 * perMinute).addTokens(1);
    }

    private synchronized Bucket bucket(String key, int capacity) {
        return buckets.computeIfAbsent(key, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, Duration.ofMinutes(1)).build()).build());
    }

    private static ApiException refused(Bucket b) {
        long seconds = Math.max(1, Duration.ofNanos(b.estimateAbilityToConsume(1).getNanosToWaitForRefill()).toSeconds());
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too_many_logins",
                "too many failed login attempts; try again in " + seconds + " s");
    }
}
