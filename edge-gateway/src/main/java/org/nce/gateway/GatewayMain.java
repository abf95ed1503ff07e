package org.nce.gateway;

import java.nio.file.Path;
import java.util.List;

/** {@code GatewayMain --config FILE [--validate-config]}: runs one edge gateway until killed. */
public final class GatewayMain {
    private GatewayMain() {
    }

    public static void main(String[] args) throws Exception {
        Path file = null;
        boolean validate = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> file = Path.of(args[++i]);
                case "--validate-config" -> validate = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (file == null) {
            System.err.println("usage: GatewayMain --config FILE [--validate-config]");
            System.exit(2);
        }
        GatewayConfig config = GatewayConfig.load(file);
        List<String> problems = config.problems();
        if (validate || !problems.isEmpty()) {
            problems.forEach(p -> System.err.println("config: " + p));
            System.err.println(problems.isEmpty() ? "config OK" : problems.size() + " problem(s)");
            System.exit(problems.isEmpty() ? 0 : 2);
        }
        String password = System.getenv(config.mqtt().passwordEnv());
        Gateway gw = new Gateway(config, password).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                gw.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        while (true) {
            Thread.sleep(10_000);
            System.out.printf("gateway %s: frames %d, readings %d, dropped %d%n", config.site(),
                    gw.framesPublished(), gw.readingsPublished(), gw.dropped());
        }
    }
}
