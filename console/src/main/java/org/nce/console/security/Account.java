package org.nce.console.security;

import java.util.Collection;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;

/**
 * A logged-in account and where it is kept: the deployment's users file, the demo's built-in
 * account, or the console's own store, whose {@code revision} at login lets a later change by an
 * admin (roles, password, disabled) end this session.
 */
public final class Account extends User {
    private static final long serialVersionUID = 1L;

    /** Where an account is kept, and so who may change it. */
    public enum Source {
        /** {@code nce.users-file}: changed by editing the file (read-only in the console). */
        FILE,
        /** {@code nce.demo-user}: the demo's demo/demo. */
        DEMO,
        /** {@code nce-users}: kept by an admin in the console. */
        CONSOLE
    }

    private final Source source;
    private final long revision;

    public Account(String username, String password, boolean enabled, Collection<? extends GrantedAuthority> authorities,
                   Source source, long revision) {
        super(username, password, enabled, true, true, true, authorities);
        this.source = source;
        this.revision = revision;
    }

    public Source source() {
        return source;
    }

    public long revision() {
        return revision;
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o); // by user name, as User does
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
