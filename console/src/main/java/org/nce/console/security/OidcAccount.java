package org.nce.console.security;

import java.util.Collection;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * A user logged in through an identity provider, named {@code <provider>:<name>}: a local account
 * name cannot contain a colon, so a provider's "wang" is never taken for the console's "wang" (in
 * the audit log, in claims, in case histories).
 */
final class OidcAccount extends DefaultOidcUser {
    private static final long serialVersionUID = 1L;
    private final String provider;

    OidcAccount(String provider, OidcUser user, Collection<? extends GrantedAuthority> authorities, String nameAttribute) {
        super(authorities, user.getIdToken(), user.getUserInfo(), nameAttribute);
        this.provider = provider;
    }

    @Override
    public String getName() {
        return provider + ":" + super.getName();
    }
}
