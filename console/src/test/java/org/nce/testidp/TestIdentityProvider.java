package org.nce.testidp;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Locale;
import java.util.UUID;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;

/**
 * A real OpenID provider on loopback for the console's OIDC test: Spring Authorization Server with
 * one registered client (the console) and two users, {@code oidc-officer} (roles claim [officer]) and
 * {@code oidc-guest} (no console role). Its ID tokens carry the {@code roles} claim the console maps.
 * Outside org.nce.console, so the console's component scan never picks it up.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestIdentityProvider {
    public static final String CLIENT_ID = "nce-console";
    public static final String CLIENT_SECRET = "idp-test-secret";
    public static final String PASSWORD = "idp-password";

    /** Starts the provider on a free loopback port, for a console that will listen on {@code consolePort}. */
    public static ConfigurableApplicationContext start(int consolePort) {
        // As arguments: they outrank the console's application.yaml on the shared class path (its session
        // cookie name, port, address and same-site would otherwise apply to the provider too).
        return new SpringApplicationBuilder(TestIdentityProvider.class)
                .run("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
                        "--server.servlet.session.cookie.name=IDP_SESSION", "--server.servlet.session.cookie.same-site=lax",
                        "--nce.test-idp.console-port=" + consolePort, "--management.endpoints.access.default=none",
                        "--springdoc.api-docs.enabled=false");
    }

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
        http.oauth2AuthorizationServer(as -> {
                    http.securityMatcher(as.getEndpointsMatcher());
                    as.oidc(Customizer.withDefaults());
                })
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .exceptionHandling(e -> e.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login")));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain login(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.anyRequest().authenticated()).formLogin(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    UserDetailsService idpUsers() {
        return new InMemoryUserDetailsManager(
                User.withUsername("oidc-officer").password("{noop}" + PASSWORD).roles("OFFICER").build(),
                User.withUsername("oidc-guest").password("{noop}" + PASSWORD).roles("GUEST").build());
    }

    @Bean
    RegisteredClientRepository clients(Environment env) {
        String redirect = "http://127.0.0.1:" + env.getRequiredProperty("nce.test-idp.console-port") + "/login/oauth2/code/idp";
        return new InMemoryRegisteredClientRepository(RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(CLIENT_ID).clientSecret("{noop}" + CLIENT_SECRET)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(redirect).scope(OidcScopes.OPENID).scope(OidcScopes.PROFILE)
                .clientSettings(ClientSettings.builder().requireAuthorizationConsent(false).build())
                .build());
    }

    /** The user's roles as the {@code roles} claim of the ID token (lower case, as the console reads them). */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> rolesClaim() {
        return ctx -> {
            if (OidcParameterNames.ID_TOKEN.equals(ctx.getTokenType().getValue())) {
                ctx.getClaims().claim("roles", ctx.getPrincipal().getAuthorities().stream().map(GrantedAuthority::getAuthority)
                        .filter(r -> r.startsWith("ROLE_")).map(r -> r.substring(5).toLowerCase(Locale.ROOT)).toList());
            }
        };
    }

    @Bean
    JWKSource<SecurityContext> keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        RSAKey key = new RSAKey.Builder((RSAPublicKey) kp.getPublic()).privateKey((RSAPrivateKey) kp.getPrivate())
                .keyID(UUID.randomUUID().toString()).build();
        return new ImmutableJWKSet<>(new JWKSet(key));
    }

    /** For the provider's own userinfo endpoint, which checks the access tokens it issued. */
    @Bean
    JwtDecoder jwtDecoder(JWKSource<SecurityContext> keys) {
        return OAuth2AuthorizationServerConfiguration.jwtDecoder(keys);
    }

    @Bean
    AuthorizationServerSettings settings() {
        return AuthorizationServerSettings.builder().build();
    }
}
