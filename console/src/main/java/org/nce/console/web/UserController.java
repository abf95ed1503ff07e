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
import org.springframework.security.core.GrantedAuthority;
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

    public record NewUser(@NotNull @Pattern(regexp = Users.NAME) String username, @NotBlank @Size(max = 256) String password,
                          @NotNull @Size(min = 1, max = 4) List<@Pattern(regexp = "operator|officer|legal|admin") String> roles) {
    }

    public record UserChange(@Size(min = 1, max = 4) List<@Pattern(regexp = "operator|officer|legal|admin") String> roles,
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
            m.put("roles", roles(a.getAuthorities()));
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
        if (accounts.fixedAccounts().containsKey(req.username())) {
            throw ApiException.conflict("user_exists", "user " + req.username() + " is in the users file; change it there");
        }
        checkPassword(req.username(), req.password());
        List<String> roles = normalised(req.roles());
        store.create(req.username(), encoder.encode(req.password()), roles, who.getName());
        accounts.changed(req.username());
        audit.record(who.getName(), "user_create", req.username(), "ok", "roles " + roles, null);
        return Map.of("username", req.username(), "roles", roles, "enabled", true);
    }

    @Operation(summary = "Change an account's roles or enable/disable it (admin)", description = "Sends back the version it "
            + "read; 409 when someone changed the account since. Ends the account's open sessions.")
    @PostMapping("/api/users/{username}")
    public Map<String, Object> change(@PathVariable @Pattern(regexp = Users.NAME) String username, @Valid @RequestBody UserChange req,
                                      Authentication who) {
        AccountStore.Stored s = kept(username, req.version());
        List<String> roles = req.roles() == null ? s.roles() : normalised(req.roles());
        boolean enabled = req.enabled() == null ? s.enabled() : req.enabled();
        if (username.equals(who.getName()) && (!enabled || !roles.contains("admin"))) {
            throw ApiException.conflict("own_account", "you cannot disable your own account or take away your own admin role;"
                    + " another admin can");
        }
        store.update(s.with(s.passwordHash(), roles, enabled), who.getName());
        accounts.changed(username);
        audit.record(who.getName(), "user_change", username, "ok", "roles " + s.roles() + " -> " + roles
                + (enabled == s.enabled() ? "" : enabled ? ", enabled" : ", disabled"), null);
        return Map.of("username", username, "roles", roles, "enabled", enabled);
    }

    @Operation(summary = "Set an account's password (admin)", description = "Ends the account's open sessions.")
    @PostMapping("/api/users/{username}/password")
    public Map<String, Object> reset(@PathVariable @Pattern(regexp = Users.NAME) String username, @Valid @RequestBody PasswordReset req,
                                     Authentication who) {
        AccountStore.Stored s = kept(username, req.version());
        checkPassword(username, req.password());
        store.update(s.with(encoder.encode(req.password()), s.roles(), s.enabled()), who.getName());
        accounts.changed(username);
        audit.record(who.getName(), "user_password", username, "ok", "set by an admin", null);
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
        if (s.passwordHash() == null || !encoder.matches(req.current(), s.passwordHash())) {
            audit.record(who.getName(), "user_password", who.getName(), "refused", "wrong current password", null);
            throw ApiException.badRequest("bad_current_password", "the current password is wrong");
        }
        checkPassword(s.username(), req.password());
        store.update(s.with(encoder.encode(req.password()), s.roles(), s.enabled()), who.getName());
        accounts.changed(s.username());
        audit.record(who.getName(), "user_password", who.getName(), "ok", "changed by the user", null);
        return Map.of("username", s.username());
    }

    /** The console-kept account at the version the admin saw (409 if it moved on, 404 if none). */
    private AccountStore.Stored kept(String username, String version) {
        if (accounts.fixedAccounts().containsKey(username)) {
            throw ApiException.conflict("file_account", "user " + username + " is in the users file; change it there");
        }
        AccountStore.Stored s = store.find(username).orElseThrow(() -> ApiException.notFound("no user " + username));
        if (!s.version().equals(version)) {
            throw ApiException.conflict("version_conflict", "someone changed user " + username + " since you loaded it; reload and try again");
        }
        return s;
    }

    static void checkPassword(String username, String password) {
        if (password.length() < MIN_PASSWORD) {
            throw ApiException.badRequest("weak_password", "a password needs at least " + MIN_PASSWORD + " characters");
        }
        if (password.toLowerCase(Locale.ROOT).contains(username.toLowerCase(Locale.ROOT))) {
            throw ApiException.badRequest("weak_password", "a password must not contain the user name");
        }
    }

    private static List<String> normalised(List<String> roles) {
        return Roles.ALL.stream().map(r -> r.toLowerCase(Locale.ROOT)).filter(roles::contains).toList();
    }

    private static List<String> roles(java.util.Collection<? extends GrantedAuthority> authorities) {
        return authorities.stream().map(GrantedAuthority::getAuthority).filter(r -> r.startsWith("ROLE_"))
                .map(r -> r.substring(5).toLowerCase(Locale.ROOT)).sorted().toList();
    }
}
