package org.nce.console.security;

import java.util.List;

/** The four roles of the console and what each is for. */
public final class Roles {
    /** Reviews the alert queue: confirm or dismiss. */
    public static final String OPERATOR = "OPERATOR";
    /** Works cases: reviews drafts, serves documents. */
    public static final String OFFICER = "OFFICER";
    /** Decides cases, closes them, exports for hearings. */
    public static final String LEGAL = "LEGAL";
    /** Users and devices. */
    public static final String ADMIN = "ADMIN";
    public static final List<String> ALL = List.of(OPERATOR, OFFICER, LEGAL, ADMIN);

    private Roles() {
    }

    /** The console roles among these authorities, as the API names them: lower case, sorted (ROLE_OFFICER → officer). */
    public static java.util.List<String> names(java.util.Collection<? extends org.springframework.security.core.GrantedAuthority> authorities) {
        return authorities.stream().map(org.springframework.security.core.GrantedAuthority::getAuthority).filter(r -> r.startsWith("ROLE_"))
                .map(r -> r.substring(5).toLowerCase(java.util.Locale.ROOT)).sorted().toList();
    }
}
