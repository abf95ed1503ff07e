package org.nce.console.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import org.nce.console.ConsoleProperties;
import org.nce.console.security.LoginRateLimiter;
import org.nce.console.store.AuditLog;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Login with a JSON body (the login page posts the same): Spring Security checks the password and
 * the session is stored the way its own filters store it (the documented "storing authentication
 * manually" path), with a new session id and a new CSRF token.
 */
@RestController
@Tag(name = "session", description = "login, logout, who am I")
public class SessionController {
    public record LoginRequest(@NotBlank @Size(max = 64) String username, @NotBlank @Size(max = 256) String password) {
    }

    private final AuthenticationManager auth;
    private final SecurityContextRepository contexts;
    private final SessionAuthenticationStrategy sessionStrategy;
    private final LoginRateLimiter limiter;
    private final AuditLog audit;
    private final ConsoleProperties props;
    private final ObjectProvider<ClientRegistrationRepository> oidc;
    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();

    public SessionController(AuthenticationManager auth, SecurityContextRepository contexts, SessionAuthenticationStrategy sessionStrategy,
                             LoginRateLimiter limiter, AuditLog audit, ConsoleProperties props,
                             ObjectProvider<ClientRegistrationRepository> oidc) {
        this.oidc = oidc;
        this.auth = auth;
        this.contexts = contexts;
        this.sessionStrategy = sessionStrategy;
        this.limiter = limiter;
        this.audit = audit;
        this.props = props;
    }

    @Operation(summary = "Log in", description = "Sets the session cookie (NCE_SESSION). Needs the CSRF token like every POST: "
            + "GET /api/csrf first, then send the XSRF-TOKEN cookie's value in X-XSRF-TOKEN. 401 on a wrong name or password, "
            + "429 after too many attempts.")
    @PostMapping("/api/login")
    public Map<String, Object> login(@Valid @RequestBody LoginRequest req, HttpServletRequest request, HttpServletResponse response) {
        limiter.acquire(req.username(), request.getRemoteAddr());
        Authentication a;
        try {
            a = auth.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(req.username(), req.password()));
        } catch (AuthenticationException | IllegalArgumentException e) {
            // IllegalArgumentException: bcrypt refuses a password over 72 bytes; no stored password is that long.
            audit.record(req.username(), "login", req.username(), "refused", request.getRemoteAddr(), null);
            throw new ApiException(HttpStatus.UNAUTHORIZED, "bad_credentials", "wrong user name or password");
        }
        limiter.succeeded(req.username(), request.getRemoteAddr());
        sessionStrategy.onAuthentication(a, request, response);
        SecurityContext ctx = holder.createEmptyContext();
        ctx.setAuthentication(a);
        holder.setContext(ctx);
        contexts.saveContext(ctx, request, response);
        // The login replaced the CSRF token: render the new one now, so the next POST has it.
        if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken fresh) {
            fresh.getToken();
        }
        audit.record(a.getName(), "login", a.getName(), "ok", request.getRemoteAddr(), null);
        return me(a);
    }

    @Operation(summary = "The identity providers one can log in with (OIDC), besides a password",
            description = "Each with the address that starts its login; empty where none is configured.")
    @GetMapping("/api/login/providers")
    public List<Map<String, String>> providers() {
        List<Map<String, String>> out = new java.util.ArrayList<>();
        if (oidc.getIfAvailable() instanceof Iterable<?> registrations) {
            for (Object o : registrations) {
                if (o instanceof ClientRegistration r) {
                    out.add(Map.of("id", r.getRegistrationId(), "name", r.getClientName(),
                            "url", "/oauth2/authorization/" + r.getRegistrationId()));
                }
            }
        }
        return out;
    }

    @Operation(summary = "The CSRF token", description = "Also sets the XSRF-TOKEN cookie; send its value in X-XSRF-TOKEN on POSTs.")
    @GetMapping("/api/csrf")
    public Map<String, String> csrf(CsrfToken token) {
        return Map.of("header", token.getHeaderName(), "token", token.getToken());
    }

    @Operation(summary = "The logged-in user, their roles and the dismissal reasons (and a fresh CSRF cookie)",
            description = "reasons: as GET /api/reasons, so that the page starts with one request fewer.")
    @GetMapping("/api/me")
    public Map<String, Object> me(Authentication a, CsrfToken token) {
        token.getToken(); // renders the XSRF-TOKEN cookie after login replaced it
        Map<String, Object> out = new java.util.LinkedHashMap<>(me(a));
        out.put("reasons", props.dismissReasons());
        return out;
    }

    @Operation(summary = "The dismissal reasons, in the order of the number keys")
    @GetMapping("/api/reasons")
    public List<String> reasons() {
        return props.dismissReasons();
    }

    private static Map<String, Object> me(Authentication a) {
        return Map.of("username", a.getName(), "roles", org.nce.console.security.Roles.names(a.getAuthorities()));
    }
}
