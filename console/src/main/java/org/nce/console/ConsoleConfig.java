package org.nce.console;

/**
 * Where the console reads from and listens. Defaults are the loopback servers of a developer
 * machine; each can be overridden by a flag or an environment variable. Keys come from the
 * environment only.
 */
public record ConsoleConfig(String bindAddress, int port, String elasticsearchUrl, String s3Endpoint, String bucket,
                            String s3AccessKey, String s3SecretKey) {

    public static ConsoleConfig fromArgs(String[] args) {
        String bind = env("NCE_CONSOLE_BIND", "127.0.0.1");
        int port = Integer.parseInt(env("NCE_CONSOLE_PORT", "8080"));
        String es = env("NCE_ES_URL", "http://127.0.0.1:9200");
        String s3 = env("NCE_S3_ENDPOINT", "http://127.0.0.1:9000");
        String bucket = env("NCE_S3_BUCKET", org.nce.model.StoreLayout.BUCKET);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bind" -> bind = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--es" -> es = args[++i];
                case "--s3" -> s3 = args[++i];
                case "--bucket" -> bucket = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: ConsoleMain [--bind ADDR] [--port N] [--es URL] [--s3 URL] [--bucket NAME]");
            }
        }
        return new ConsoleConfig(bind, port, es, s3, bucket, required("NCE_S3_ACCESS_KEY"), required("NCE_S3_SECRET_KEY"));
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? dflt : v;
    }

    private static String required(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            v = System.getProperty(name);
        }
        if (v == null || v.isEmpty()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return v;
    }
}
