package org.nce.gateway;

import java.nio.file.Path;
import java.util.List;
import org.nce.model.Json;

/**
 * {@code GatewayMain --config FILE [--validate-config]}: runs one edge gateway until stopped
 * (SIGTERM: it publishes {@code offline}, commits the outbox and closes; SIGKILL: the outbox keeps
 * what was stored, and the next start sends it).
 */
public final class GatewayMain {
    private GatewayMain() {
    }

    public static void main(String[] args) throws Exception {
        Path file = null;
        boolean validate = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        usage("--config needs a file");
                    }
                    file = Path.of(args[++i]);
                }
                case "--validate-config" -> validate = true;
                case "-h", "--help" -> usage(null);
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (file == null) {
            usage("--config FILE is required");
        }
        GatewayConfig config;
        try {
            config = GatewayConfig.load(file);
        } catch (Exception e) {
            // Jackson names the key and the line; that is the message a user needs.
            System.err.println("config: " + file + ": " + e.getMessage().lines().findFirst().orElse(e.toString()));
            System.exit(2);
            return;
        }
        List<String> problems = new java.util.ArrayList<>(config.problems());
        problems.addAll(config.missingSecrets(System::getenv));
        if (validate || !problems.isEmpty()) {
            problems.forEach(p -> System.err.println("config: " + p));
            System.err.println(problems.isEmpty() ? "config OK: " + file : problems.size() + " problem(s) in " + file);
            System.exit(problems.isEmpty() ? 0 : 2);
        }
        javax.net.SocketFactory tls = config.mqtt().serverUri().startsWith("ssl://") ? Tls.socketFactory(config.mqtt().tls()) : null;
        Gateway gw = new Gateway(config, System::getenv, tls);
        // A gateway that cannot store must not look alive: end, and let the supervisor start it again
        // (what was committed is in the outbox). halt, not exit: the shutdown hook would wait on the outbox.
        gw.onOutboxFailure(t -> {
            System.err.println("gateway: the outbox can no longer store (" + t + "); stopping");
            Runtime.getRuntime().halt(70);
        });
        try {
            gw.start();
        } catch (Exception e) {
            // A half-started gateway (broker connected, listener not bound) must not linger looking alive.
            System.err.println("gateway: cannot start: " + e.getMessage());
            gw.close();
            System.exit(1);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                gw.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gateway-shutdown"));
        while (true) {
            Thread.sleep(30_000);
            System.out.println(new String(Json.write(gw.health()), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static void usage(String problem) {
        if (problem != null) {
            System.err.println(problem);
        }
        System.err.println("usage: GatewayMain --config FILE [--validate-config]");
        System.exit(problem == null ? 0 : 2);
    }
}
