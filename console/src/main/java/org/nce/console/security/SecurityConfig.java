package org.nce.console.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nce.console.ConsoleProperties;
import org.nce.console.store.AccountStore;
import org.nce.console.store.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.logout.HttpStatusReturningLogoutSuccessHandler;
import org.springframework.security.web.authentication.session.ChangeSessionIdAuthenticationStrategy;
import org.springframework.security.web.authentication.session.CompositeSessionAuthenticationStrategy;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfAuthenticationStrategy;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.context.SecurityContextHolderFilter;

/**
 * Who may do what. Sessions are Spring Security's (cookie {@code NCE_SESSION}, id changed at login);
 * passwords are checked against their stored hashes by Spring's delegating encoder; CSRF tokens
 * travel in the {@code XSRF-TOKEN} cookie and come back in the {@code X-XSRF-TOKEN} header on every
 * state-changing request (the cookie convention scripts and the page share). API calls without a
 * session get 401, pages a redirect to the login page. Every endpoint names its roles here;
 * finer rules (who may move a case where) are checked where the rule lives.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityConfig.class);
    static final String CSP = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; "
            + "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    Accounts users(ConsoleProperties props, PasswordEncoder encoder, AccountStore store) throws IOException {
        List<UserDetails> file = new ArrayList<>();
        if (props.usersFile() != null) {
            file.addAll(Users.load(props.usersFile()));
        }
        UserDetails demo = null;
        if (props.demoUser()) {
            demo = Users.demo(encoder);
            LOG.warn("demo account: user 'demo', password 'demo', every role (nce.demo-user=true; never in production)");
        }
        if (file.isEmpty() && demo == null) {
            LOG.warn("no accounts in a users file: set nce.users-file (NCE_USERS_FILE) for the first admin;"
                    + " only accounts an admin created in the console (nce-users) can log in");
        }
        return new Accounts(Accounts.fixed(file, demo), store);
    }

    @Bean
    AuthenticationManager authenticationManager(UserDetailsService users, PasswordEncoder encoder) {
        DaoAuthenticationProvider p = new DaoAuthenticationProvider(users);
        p.setPasswordEncoder(encoder);
        return new ProviderManager(p);
    }

    @Bean
    CookieCsrfTokenRepository csrfTokens() {
        CookieCsrfTokenRepository r = CookieCsrfTokenRepository.withHttpOnlyFalse();
        r.setCookieCustomizer(c -> c.sameSite("Strict").path("/"));
        return r;
    }

    @Bean
    SecurityContextRepository securityContextRepository() {
        return new HttpSessionSecurityContextRepository();
    }

    /** What a login does besides checking the password: a new session id, a new CSRF token. */
    @Bean
    SessionAuthenticationStrategy loginSessionStrategy(CookieCsrfTokenRepository csrf) {
        return new CompositeSessionAuthenticationStrategy(List.of(new ChangeSessionIdAuthenticationStrategy(),
                new CsrfAuthenticationStrategy(csrf)));
    }

    @Bean
    SecurityFilterChain filterChain(HttpSecurity http, ConsoleProperties props, CookieCsrfTokenRepository csrf,
                                    SecurityContextRepository contexts, ObjectProvider<ClientRegistrationRepository> oidc,
                                    Accounts accounts, AuditLog audit) throws Exception {
        ObjectMapper json = new ObjectMapper();
        CsrfTokenRequestAttributeHandler csrfHandler = new CsrfTokenRequestAttributeHandler();
        // null: the token is loaded on every request, so the XSRF-TOKEN cookie is always there for the page's
        // next POST (a deferred token would only be rendered where something asks for it).
        csrfHandler.setCsrfRequestAttributeName(null);
        var api = PathPatternRequestMatcher.withDefaults().matcher("/api/**");
        http.addFilterBefore(new AllowedHostsFilter(props.allowedHosts()), SecurityContextHolderFilter.class)
                .addFilterBefore(new CrossSiteRequestFilter(), SecurityContextHolderFilter.class)
                .addFilterAfter(new AccountSessionFilter(accounts), SecurityContextHolderFilter.class)
                .securityContext(s -> s.securityContextRepository(contexts))
                // No saved-request sessions for strangers: a refused call creates no session.
                .requestCache(c -> c.disable())
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/login.html", "/login.js", "/console.css", "/favicon.svg", "/i18n.js", "/verify.css").permitAll()
                        // The 行政行为码 page a document's QR code opens: public, and it shows nothing personal.
                        .requestMatchers(HttpMethod.GET, "/verify/*").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/login").permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/csrf", "/api/i18n/*", "/api/login/providers", "/actuator/health").permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/alerts", "/api/alerts/*").hasAnyRole(Roles.OPERATOR, Roles.OFFICER, Roles.LEGAL)
                        .requestMatchers(HttpMethod.POST, "/api/alerts/*/claim", "/api/alerts/*/review").hasRole(Roles.OPERATOR)
                        .requestMatchers(HttpMethod.GET, "/api/cases", "/api/cases/*").hasAnyRole(Roles.OFFICER, Roles.LEGAL)
                        .requestMatchers(HttpMethod.POST, "/api/cases/*/status", "/api/cases/*/notes").hasAnyRole(Roles.OFFICER, Roles.LEGAL)
                        .requestMatchers(HttpMethod.POST, "/api/cases/*/export").hasRole(Roles.LEGAL)
                        .requestMatchers(HttpMethod.GET, "/api/export/public-key").authenticated()
                        .requestMatchers(HttpMethod.POST, "/api/cases/*/decision", "/api/cases/*/documents", "/api/cases/*/action-code",
                                "/api/cases/*/credit-repair/decision").hasRole(Roles.LEGAL)
                        .requestMatchers(HttpMethod.POST, "/api/cases/*/credit-repair").hasAnyRole(Roles.OFFICER, Roles.LEGAL)
                        .requestMatchers(HttpMethod.GET, "/api/cases/*/documents", "/api/cases/*/documents/*").hasAnyRole(Roles.OFFICER, Roles.LEGAL)
                        .requestMatchers(HttpMethod.GET, "/api/evidence").hasAnyRole(Roles.OPERATOR, Roles.OFFICER, Roles.LEGAL)
                        .requestMatchers(HttpMethod.GET, "/api/devices").hasAnyRole(Roles.OPERATOR, Roles.OFFICER, Roles.ADMIN)
                        .requestMatchers(HttpMethod.GET, "/api/devices/*/coverage").hasAnyRole(Roles.OPERATOR, Roles.OFFICER, Roles.LEGAL, Roles.ADMIN)
                        .requestMatchers(HttpMethod.GET, "/api/stats", "/api/me", "/api/reasons").authenticated()
                        .requestMatchers(HttpMethod.POST, "/api/logout", "/api/me/password").authenticated()
                        .requestMatchers(HttpMethod.GET, "/api/users").hasRole(Roles.ADMIN)
                        .requestMatchers(HttpMethod.GET, "/api/registry").hasAnyRole(Roles.OFFICER, Roles.LEGAL, Roles.ADMIN)
                        .requestMatchers(HttpMethod.POST, "/api/registry/*/*").hasRole(Roles.ADMIN)
                        .requestMatchers(HttpMethod.POST, "/api/users", "/api/users/*", "/api/users/*/password").hasRole(Roles.ADMIN)
                        .requestMatchers("/api/docs", "/api/docs/**", "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui/**").authenticated()
                        .requestMatchers(HttpMethod.GET, "/actuator/metrics", "/actuator/metrics/**").hasRole(Roles.ADMIN)
                        .requestMatchers(HttpMethod.GET, "/", "/index.html", "/console.js", "/webjars/**").authenticated()
                        .anyRequest().denyAll())
                .csrf(c -> c.csrfTokenRepository(csrf).csrfTokenRequestHandler(csrfHandler))
                .formLogin(f -> f.disable())
                .httpBasic(b -> b.disable())
                .logout(l -> l.logoutUrl("/api/logout").logoutSuccessHandler(new HttpStatusReturningLogoutSuccessHandler(HttpStatus.NO_CONTENT)))
                .exceptionHandling(e -> e
                        .defaultAuthenticationEntryPointFor((req, res, ex) ->
                                problem(res, json, 401, "login_required", "log in first (POST /api/login)"), api)
                        .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login.html"),
                                r -> !api.matches(r))
                        .accessDeniedHandler((req, res, ex) -> {
                            boolean csrfProblem = ex instanceof org.springframework.security.web.csrf.CsrfException;
                            problem(res, json, 403, csrfProblem ? "csrf" : "role", csrfProblem
                                    ? "the request lacks the CSRF token: send the XSRF-TOKEN cookie's value in the X-XSRF-TOKEN header"
                                    : "your account does not have the role this needs");
                        }))
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(CSP))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
                        .frameOptions(f -> f.deny()));
        if (oidc.getIfAvailable() != null) {
            // OIDC where configured (spring.security.oauth2.client.registration.*): the provider's
            // login page instead of a password, roles from the token's "roles" claim.
            OidcUserService oidcUsers = new OidcUserService();
            http.oauth2Login(o -> o.loginPage("/login.html")
                    .failureHandler((req, res, ex) -> {
                        // Logged (its error code only: the text may be the caller's), not audited: anyone can call the
                        // callback address, and the provider keeps its own record of logins.
                        LOG.info("OIDC login from {} failed: {}", req.getRemoteAddr(), ex instanceof
                                org.springframework.security.oauth2.core.OAuth2AuthenticationException oe ? oe.getError().getErrorCode()
                                : ex.getClass().getSimpleName());
                        res.sendRedirect("/login.html?oidc-failed");
                    })
                    .userInfoEndpoint(u -> u.oidcUserService(request -> {
                        OidcUser user = oidcUsers.loadUser(request);
                        String nameAttribute = request.getClientRegistration().getProviderDetails().getUserInfoEndpoint()
                                .getUserNameAttributeName();
                        return new OidcAccount(request.getClientRegistration().getRegistrationId(), user,
                                OidcRoles.map(user.getAuthorities()), nameAttribute == null || nameAttribute.isBlank() ? "sub" : nameAttribute);
                    }))
                    .successHandler((req, res, a) -> {
                        audit.record(a.getName(), "login", a.getName(), "ok", req.getRemoteAddr() + " (OIDC)", null);
                        res.sendRedirect("/");
                    }));
            LOG.info("OIDC login enabled");
        }
        return http.build();
    }

    static void problem(HttpServletResponse res, ObjectMapper json, int status, String code, String message) throws IOException {
        res.setStatus(status);
        res.setContentType("application/json;charset=UTF-8");
        res.getWriter().write(json.writeValueAsString(Map.of("code", code, "message", message)));
    }
}
