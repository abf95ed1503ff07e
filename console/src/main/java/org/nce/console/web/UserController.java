package org.nce.console.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nce.console.security.Account;
import org.nce.console.security.Accounts;
import org.nce.console.security.Roles;
import org.nce.console.security.Users;
import org.nce.console.store.AccountStore;
import org.nce.console.store.AuditLog;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Accounts, kept by an admin: list, create, change roles, disable, reset a password; and every
 * user's own password. Accounts of the users file (and the demo's) are listed but changed only in
 * the file. A change ends the account's open sessions; an admin cannot take their own admin role
 * away or disable themselves (nobody would be left to undo it). Every change is in the audit log.
 */
@RestController
@Validated
@Tag(name = "users", description = "accounts and roles (admin), and one's own password")
public class UserController {
    static final int MIN_PASSWORD = 10;
    static final int MAX_PASSWORD_BYTES = 72;

    public record NewUser(@NotNull @Pattern(regexp = Users.NAME) String username, @NotBlank @Size(max = 256) String password,
                          @NotNull @Size(min = 1, max = 4) List<@NotNull @Pattern(regexp = "operator|officer|legal|admin") String> roles) {
    }

    public record UserChange(@Size(min = 1, max = 4) List<@NotNull @Pattern(regexp = "operator|officer|legal|admin") String> roles,
                             Boolean enabled, @NotNull @Pattern(regexp = "\\d+:\\d+") String version) {
    }

    public record PasswordReset(@NotBlank @Size(max = 256) String password, @NotNull @Pattern(regexp = "\\d+:\\d+") String version) {
    }

    public record PasswordChange(@NotBlank @Size(max = 256) String current, @NotBlank @Size(max = 256) String password) {
    }

    private final AccountStore store;
    private final Accounts accounts;
    private final PasswordEncoder encoder;
    private final AuditLog audit;

    public UserController(AccountStore store, Accounts accounts, PasswordEncoder encoder, AuditLog audit) {
        this.store = store;
        this.accounts = accounts;
        this.encoder = encoder;
        this.audit = audit;
    }

    @Operation(summary = "Every account (admin)", description = "source: file (the users file, read-only here), demo, or console "
            + "(kept here; version is what a change sends back). Never a password or its hash.")
    @GetMapping("/api/users")
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Account a : accounts.fixedAccounts().values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("username", a.getUsername());
            m.put("roles", Roles.names(a.getAuthorities()));
            m.put("enabled", true);
            m.put("source", a.source().name().toLowerCase(Locale.ROOT));
            out.add(m);
        }
        for (AccountStore.Stored s : store.list()) {
            if (accounts.fixedAccounts().containsKey(s.username())) {
                continue; // shadowed by the file, which wins at login
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("username", s.username());
            m.put("roles", s.roles());
            m.put("enabled", s.enabled());
            m.put("source", "console");
            m.put("created_at", s.createdAt());
            m.put("created_by", s.createdBy());
            m.put("updated_at", s.updatedAt());
            m.put("updated_by", s.updatedBy());
            m.put("version", s.version());
            out.add(m);
        }
        out.sort((x, y) -> ((String) x.get("username")).compareTo((String) y.get("username")));
        return out;
    }

    @Operation(summary = "Create an account (admin)", description = "Password at least 10 characters, not the user name. 409 when "
            + "the name is taken (also by the users file).")
    @PostMapping("/api/users")
    @ResponseStatus(HttpStatus.CREATED)
    public Map<String, Object> create(@Valid @RequestBody NewUser req, Authentication who) {
        List<String> roles = normalised(req.roles());
        String taken = accounts.fixedAccounts().keySet().stream().filter(n -> n.equalsIgnoreCase(req.username())).findFirst()
                .or(() -> store.list().stream().map(AccountStore.Stored::username).filter(n -> n.equalsIgnoreCase(req.username())).findFirst())
                .orElse(null);
        String refusal = taken != null ? "user_exists" : passwordProblem(req.username(), req.password());
        if (refusal != null) {
            audit.record(who.getName(), "user_create", req.username(), "refused", refusal, null);
            throw refusal.equals("user_exists") ? ApiException.conflict("user_exists", "a user named " + taken + " already exists"
                    + (accounts.fixedAccounts().containsKey(taken) ? " in the users file" : "") + " (names are told apart regardless of case)")
                    : weak(refusal);
        }
        // Recorded first: a change the audit log cannot take is not made (the store's own refusal is recorded after).
        audit.record(who.getName(), "user_create", req.username(), "ok", "roles " + roles, null);
        done(who, "user_create", req.username(), () -> store.create(req.username(), encoder.encode(req.password()), roles, who.getName()));
        return Map.of("username", req.username(), "roles", roles, "enabled", true);
    }

    @Operation(summary = "Change an account's roles or enable/disable it (admin)", description = "Sends back the version it "
            + "read; 409 when someone changed the account since. Ends the account's open sessions.")
    @PostMapping("/api/users/{username}")
    public Map<String, Object> change(@PathVariable @Pattern(regexp = Users.NAME) String username, @Valid @RequestBody UserChange req,
                                      Authentication who) {
        AccountStore.Stored s = kept(who, "user_change", username, req.version());
        List<String> roles = req.roles() == null ? s.roles() : normalised(req.roles());
        boolean enabled = req.enabled() == null ? s.enabled() : req.enabled();
        if (username.equals(who.getName()) && (!enabled || !roles.contains("admin"))) {
            audit.record(who.getName(), "user_change", username, "refused", "own_account", null);
            throw ApiException.conflict("own_account", "you cannot disable your own account or take away your own admin role;"
                    + " another admin can");
        }
        audit.record(who.getName(), "user_change", username, "ok", "roles " + s.roles() + " -> " + roles
                + (enabled == s.enabled() ? "" : enabled ? ", enabled" : ", disabled"), null);
        done(who, "user_change", username, () -> store.update(s.with(s.passwordHash(), roles, enabled), who.getName()));
        return Map.of("username", username, "roles", roles, "enabled", enabled);
    }

    @Operation(summary = "Set an account's password (admin)", description = "Ends the account's open sessions.")
    @PostMapping("/api/users/{username}/password")
    public Map<String, Object> reset(@PathVariable @Pattern(regexp = Users.NAME) String username, @Valid @RequestBody PasswordReset req,
                                     Authentication who) {
        AccountStore.Stored s = kept(who, "user_password", username, req.version());
        String weak = passwordProblem(username, req.password());
        if (weak != null) {
            audit.record(who.getName(), "user_password", username, "refused", weak, null);
            throw weak(weak);
        }
        audit.record(who.getName(), "user_password", username, "ok", "set by an admin", null);
        done(who, "user_password", username, () -> store.update(s.with(encoder.encode(req.password()), s.roles(), s.enabled()), who.getName()));
        return Map.of("username", username);
    }

    @Operation(summary = "Change one's own password", description = "With the current one. Accounts of the users file change it "
            + "there. The session ends: log in again with the new password.")
    @PostMapping("/api/me/password")
    public Map<String, Object> own(@Valid @RequestBody PasswordChange req, Authentication who) {
        if (!(who.getPrincipal() instanceof Account a) || a.source() != Account.Source.CONSOLE) {
            throw ApiException.conflict("not_console_account", "your account is kept in the users file or by the identity provider;"
                    + " its password is changed there");
        }
        AccountStore.Stored s = store.find(a.getUsername()).orElseThrow(() -> ApiException.notFound("no account " + a.getUsername()));
        if (s.passwordHash() == null || !matches(req.current(), s.passwordHash())) {
            audit.record(who.getName(), "user_password", who.getName(), "refused", "wrong current password", null);
            throw ApiException.badRequest("bad_current_password", "the current password is wrong");
        }
        String weak = passwordProblem(s.username(), req.password());
        if (weak != null) {
            audit.record(who.getName(), "user_password", who.getName(), "refused", weak, null);
            throw weak(weak);
        }
        audit.record(who.getName(), "user_password", who.getName(), "ok", "changed by the user", null);
        done(who, "user_password", s.username(), () -> store.update(s.with(encoder.encode(req.password()), s.roles(), s.enabled()), who.getName()));
        return Map.of("username", s.username());
    }

    /** The console-kept account at the version the admin saw (409 if it moved on, 404 if none). */
    private AccountStore.Stored kept(Authentication who, String action, String username, String version) {
        if (accounts.fixedAccounts().containsKey(username)) {
            audit.record(who.getName(), action, username, "refused", "file_account", null);
            throw ApiException.conflict("file_account", "user " + username + " is in the users file; change it there");
        }
        AccountStore.Stored s = store.find(username).orElseThrow(() -> ApiException.notFound("no user " + username));
        if (!s.version().equals(version)) {
            audit.record(who.getName(), action, username, "refused", "version_conflict", null);
            throw ApiException.conflict("version_conflict", "someone changed user " + username + " since you loaded it; reload and try again");
        }
        return s;
    }

    /** Runs the store write; a refusal by the store (another admin's change, an outage) is recorded beside the "ok" above. */
    private void done(Authentication who, String action, String username, Runnable write) {
        try {
            write.run();
        } catch (ApiException e) {
            try {
                audit.record(who.getName(), action, username, "failed", e.code(), null);
            } catch (ApiException ignored) {
                // the audit log is down as well: the entry above said "ok" for a change not made; the log shows this
            }
            throw e;
        } finally {
            accounts.changed(username);
        }
    }

    /** What is wrong with a new password, or null. bcrypt reads at most 72 bytes: a longer one is refused, not cut. */
    static String passwordProblem(String username, String password) {
        if (password.length() < MIN_PASSWORD) {
            return "a password needs at least " + MIN_PASSWORD + " characters";
        }
        if (password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            return "a password may have at most " + MAX_PASSWORD_BYTES + " bytes (about 24 Chinese characters)";
        }
        if (password.toLowerCase(Locale.ROOT).contains(username.toLowerCase(Locale.ROOT))) {
            return "a password must not contain the user name";
        }
        return null;
    }

    private static ApiException weak(String problem) {
        return ApiException.badRequest("weak_password", problem);
    }

    /** A current password longer than bcrypt reads cannot be the stored one (bcrypt throws rather than say no). */
    private boolean matches(String raw, String hash) {
        try {
            return encoder.matches(raw, hash);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static List<String> normalised(List<String> roles) {
        return Roles.ALL.stream().map(r -> r.toLowerCase(Locale.ROOT)).filter(roles::contains).toList();
    }
}
