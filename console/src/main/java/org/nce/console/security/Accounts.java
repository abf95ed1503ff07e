package org.nce.console.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.nce.console.store.AccountStore;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * Every account the console knows: the users file's and the demo's (fixed for the process) first,
 * then those an admin keeps in {@code nce-users}. A name in the file can never be taken over from
 * the console. The stored accounts' current revisions are cached for {@link #CHECK_EVERY_MS}, so a
 * change made on another console ends sessions here within that time (on this one at once).
 */
public final class Accounts implements UserDetailsService {
    /** How stale the revision an open session is checked against may be (another console's change). */
    public static final long CHECK_EVERY_MS = 5_000;

    /** What an open session is checked against: the account's state now, and when it was read (nanoTime). */
    private record Current(boolean enabled, long revision, long readAt) {
    }

    private final Map<String, Account> fixed;
    private final AccountStore store;
    private final Map<String, Optional<Current>> current = new ConcurrentHashMap<>();
    /** When this console last changed each account: a read that began before it is not cached. */
    private final Map<String, Long> changedAt = new ConcurrentHashMap<>();

    public Accounts(Map<String, Account> fixed, AccountStore store) {
        this.fixed = Map.copyOf(fixed);
        this.store = store;
    }

    /** The users file's and the demo's accounts as {@link Account}s, by name. */
    public static Map<String, Account> fixed(List<UserDetails> file, UserDetails demo) {
        Map<String, Account> out = new LinkedHashMap<>();
        for (UserDetails u : file) {
            out.put(u.getUsername(), new Account(u.getUsername(), u.getPassword(), true, u.getAuthorities(), Account.Source.FILE, 0));
        }
        if (demo != null) {
            out.put(demo.getUsername(), new Account(demo.getUsername(), demo.getPassword(), true, demo.getAuthorities(), Account.Source.DEMO, 0));
        }
        return out;
    }

    public Map<String, Account> fixedAccounts() {
        return fixed;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        Account f = fixed.get(username);
        if (f != null) {
            // A copy: Spring erases the password of what it authenticates.
            return new Account(f.getUsername(), f.getPassword(), true, f.getAuthorities(), f.source(), 0);
        }
        AccountStore.Stored s = store.find(username).orElseThrow(() -> new UsernameNotFoundException(username));
        current.put(username, Optional.of(new Current(s.enabled(), s.revision(), System.nanoTime())));
        return new Account(s.username(), s.passwordHash(), s.enabled(), AuthorityUtils.createAuthorityList(
                s.roles().stream().map(r -> "ROLE_" + r.toUpperCase(Locale.ROOT)).toArray(String[]::new)), Account.Source.CONSOLE, s.revision());
    }

    /**
     * Whether a session opened as {@code a} may go on: a stored account must still exist, be enabled
     * and be at the revision it logged in at. When the store cannot be read the last known state
     * stands; with none known the session ends (the user logs in again once the store answers).
     */
    public boolean stillValid(Account a) {
        if (a.source() != Account.Source.CONSOLE) {
            return true;
        }
        long now = System.nanoTime();
        Optional<Current> known = current.get(a.getUsername());
        if (known == null || known.isEmpty() || now - known.get().readAt() > CHECK_EVERY_MS * 1_000_000) {
            try {
                known = store.find(a.getUsername()).map(s -> new Current(s.enabled(), s.revision(), now));
                Long changed = changedAt.get(a.getUsername());
                if (changed == null || changed - now < 0) {
                    current.put(a.getUsername(), known); // a read begun before a change of ours is used once, never kept
                }
            } catch (RuntimeException e) {
                if (known == null) {
                    return false;
                }
            }
        }
        return known.isPresent() && known.get().enabled() && known.get().revision() == a.revision();
    }

    /** Forgets what is cached of {@code username}: this console changed it. */
    public void changed(String username) {
        changedAt.put(username, System.nanoTime());
        current.remove(username);
    }
}
