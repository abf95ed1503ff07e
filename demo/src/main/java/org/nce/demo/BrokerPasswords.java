package org.nce.demo;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The broker's password check. Passwords are kept only as salted PBKDF2-HMAC-SHA512 hashes (the
 * JDK's, 210,000 iterations: OWASP's 2023 figure for this hash), so a heap dump or a debugger shows no
 * password. Comparison is constant-time, and an unknown user costs the same hash as a known one, so
 * timing tells nobody which user names exist.
 */
final class BrokerPasswords {
    private static final String ALGORITHM = "PBKDF2WithHmacSHA512";
    private static final int ITERATIONS = 210_000;
    private static final int KEY_BITS = 512;

    private record Hash(byte[] salt, byte[] hash) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Hash> byUser;
    private final Hash decoy;

    /** {@code passwordsByUser}: user name to plain password; each password must be non-empty. */
    BrokerPasswords(Map<String, String> passwordsByUser) {
        Map<String, Hash> m = new HashMap<>();
        passwordsByUser.forEach((user, password) -> {
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("no password for MQTT user " + user);
            }
            char[] chars = password.toCharArray();
            m.put(user, hash(chars));
            Arrays.fill(chars, '\0');
        });
        byUser = Map.copyOf(m);
        char[] none = new char[] {'-'};
        decoy = hash(none);
    }

    /** True when {@code user} is known and {@code password} (UTF-8, as MQTT carries it) is its password. */
    boolean check(String user, ByteBuffer password) {
        Hash known = byUser.get(user);
        Hash h = known == null ? decoy : known;
        char[] chars = decode(password);
        try {
            boolean equal = MessageDigest.isEqual(h.hash(), derive(chars == null ? new char[0] : chars, h.salt()));
            return known != null && chars != null && chars.length > 0 && equal;
        } finally {
            if (chars != null) {
                Arrays.fill(chars, '\0');
            }
        }
    }

    private Hash hash(char[] password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return new Hash(salt, derive(password, salt));
    }

    private static byte[] derive(char[] password, byte[] salt) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, ITERATIONS, KEY_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every Java 17 runtime", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** The password as characters, or null when it is not valid UTF-8 (which no configured password is). */
    private static char[] decode(ByteBuffer password) {
        try {
            CharBuffer c = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(password.duplicate());
            char[] chars = new char[c.remaining()];
            c.get(chars);
            Arrays.fill(c.array(), '\0');
            return chars;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
