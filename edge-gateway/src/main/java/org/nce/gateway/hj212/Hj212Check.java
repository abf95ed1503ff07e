package org.nce.gateway.hj212;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nce.model.Json;

/**
 * {@code ./nce hj212 check [FILE|-]}: one packet a line (a monitor's captured output), and for each
 * {@code ok <JSON>} or {@code refused <reason>}; exits 1 if any was refused, 2 on a usage error.
 * The field engineer's tool: the same parser and checks as the listener.
 */
public final class Hj212Check {
    private Hj212Check() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 1 || (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help")))) {
            System.err.println("usage: nce hj212 check [FILE|-]   (one packet a line; - or nothing reads standard input)");
            System.exit(args.length > 1 ? 2 : 0);
        }
        Reader in;
        if (args.length == 0 || args[0].equals("-")) {
            in = new InputStreamReader(System.in, StandardCharsets.ISO_8859_1);
        } else {
            Path p = Path.of(args[0]);
            if (!Files.isRegularFile(p)) {
                System.err.println("no such file: " + p);
                System.exit(2);
            }
            in = Files.newBufferedReader(p, StandardCharsets.ISO_8859_1);
        }
        int refused = check(new BufferedReader(in), System.out);
        System.exit(refused > 0 ? 1 : 0);
    }

    /** Checks every non-empty line; returns how many were refused. */
    public static int check(BufferedReader in, PrintStream out) throws IOException {
        int refused = 0;
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) {
                continue;
            }
            try {
                out.println("ok " + new String(Json.write(describe(Hj212Parser.parse(line.strip()))), StandardCharsets.UTF_8));
            } catch (Hj212Exception e) {
                refused++;
                out.println("refused " + e.getMessage());
            }
        }
        out.flush();
        return refused;
    }

    static Map<String, Object> describe(Hj212Packet p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", p.version().title());
        m.put("qn", p.qn());
        m.put("st", p.st());
        m.put("cn", p.cn());
        m.put("mn", p.mn());
        m.put("flag", p.flag());
        m.put("ack_requested", p.ackRequested());
        if (p.split()) {
            m.put("pnum", p.pnum());
            m.put("pno", p.pno());
        }
        m.put("data_time", p.dataTime());
        m.put("crc", p.crcKind());
        Map<String, String> cp = new LinkedHashMap<>(p.cp());
        cp.remove("DataTime");
        if (!cp.isEmpty()) {
            m.put("cp", cp);
        }
        m.put("factors", p.factors());
        return m;
    }
}
