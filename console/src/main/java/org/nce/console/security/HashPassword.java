package org.nce.console.security;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/** {@code ./nce console hash-password}: reads a password (not echoed) and prints its hash for the users file. */
public final class HashPassword {
    private HashPassword() {
    }

    public static void main(String[] args) throws Exception {
        Console console = System.console();
        String pw;
        if (console != null) {
            char[] c = console.readPassword("password: ");
            pw = c == null ? "" : new String(c);
        } else {
            pw = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        if (pw == null || pw.length() < 8) {
            System.err.println("a password of at least 8 characters, please");
            System.exit(2);
        }
        System.out.println(PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(pw));
    }
}
