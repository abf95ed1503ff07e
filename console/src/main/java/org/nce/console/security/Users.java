package org.nce.console.security;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The console's accounts, from a file the deployment owns ({@code nce.users-file}):
 *
 * <pre>
 * users:
 *   - username: wang.li
 *     password: "{bcrypt}$2a$10$..."     # ./nce console hash-password prints one
 *     roles: [operator]
 * </pre>
 *
 * Passwords are stored only as hashes (Spring Security's delegating encoder: the {@code {id}}
 * prefix names the algorithm). Every problem in the file is named at start-up, not one at a time.
 */
public final class Users {
    record Entry(@JsonProperty("username") String username, @JsonProperty("password") String password,
                 @JsonProperty("roles") List<String> roles) {
    }

    record File(@JsonProperty("users") List<Entry> users) {
    }

    /** What a user name may be, in the file and in the console alike. */
    public static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    private Users() {
    }

    public static List<UserDetails> load(Path file) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        File f = yaml.readValue(Files.readAllBytes(file), File.class);
        List<String> problems = new ArrayList<>();
        List<UserDetails> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<Entry> entries = f == null || f.users() == null ? List.of() : f.users();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            String where = file + ": users[" + i + "]";
            if (e.username() == null || !e.username().matches(NAME)) {
                problems.add(where + ".username: 1-64 characters of A-Z a-z 0-9 . _ -, beginning with a letter or digit");
                continue;
            }
            if (!seen.add(e.username())) {
                problems.add(where + ": user " + e.username() + " appears twice");
            }
            if (e.password() == null || !e.password().matches("\\{(bcrypt|argon2@SpringSecurity_v5_8|pbkdf2@SpringSecurity_v5_8|scrypt@SpringSecurity_v5_8)}.+")) {
                problems.add(where + ".password: a hash with its {algorithm} prefix, e.g. {bcrypt}$2a$10$… (./nce console hash-password)");
            }
            List<String> roles = new ArrayList<>();
            for (String r : e.roles() == null ? List.<String>of() : e.roles()) {
                String role = r.toUpperCase(Locale.ROOT);
                if (!Roles.ALL.contains(role)) {
                    problems.add(where + ".roles: unknown role " + r + " (operator, officer, legal, admin)");
                }
                roles.add(role);
            }
            if (roles.isEmpty()) {
                problems.add(where + ".roles: at least one of operator, officer, legal, admin");
            }
            if (e.password() != null) {
                out.add(User.withUsername(e.username()).password(e.password()).roles(roles.toArray(String[]::new)).build());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("users file has problems:\n  " + String.join("\n  ", problems));
        }
        return out;
    }

    /** The demo's one account, {@code demo}/{@code demo} with every role. */
    public static UserDetails demo(PasswordEncoder encoder) {
        return User.withUsername("demo").password(encoder.encode("demo")).roles(Roles.ALL.toArray(String[]::new)).build();
    }
}
