package org.nce.console.security;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;

/** The console's roles from an OIDC token's {@code roles} claim (operator, officer, legal, admin); others ignored. */
final class OidcRoles {
    private OidcRoles() {
    }

    static Collection<? extends GrantedAuthority> map(Collection<? extends GrantedAuthority> given) {
        Set<GrantedAuthority> out = new HashSet<>();
        for (GrantedAuthority a : given) {
            if (a instanceof OidcUserAuthority o && o.getIdToken().getClaim("roles") instanceof List<?> roles) {
                for (Object r : roles) {
                    String role = String.valueOf(r).toUpperCase(Locale.ROOT);
                    if (Roles.ALL.contains(role)) {
                        out.add(new SimpleGrantedAuthority("ROLE_" + role));
                    }
                }
            }
        }
        return out;
    }
}
