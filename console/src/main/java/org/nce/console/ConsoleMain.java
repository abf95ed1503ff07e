package org.nce.console;

/** Runs the operator console until killed. */
public final class ConsoleMain {
    private ConsoleMain() {
    }

    public static void main(String[] args) throws Exception {
        ConsoleServer server = new ConsoleServer(ConsoleConfig.fromArgs(args)).start();
        System.out.println("NCE console: http://localhost:" + server.port() + "/");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (java.io.IOException e) {
                System.err.println("console shutdown: " + e.getMessage());
            }
        }));
        Thread.currentThread().join();
    }
}
