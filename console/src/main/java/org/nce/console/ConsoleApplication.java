package org.nce.console;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The operators' and officers' console: a JSON API over what the pipeline stored (documented at
 * {@code /api/docs}) and the pages that use it. It reads and writes only the stores, never the
 * pipeline's code: the indices of {@link org.nce.model.StoreLayout} and the evidence bucket.
 */
@SpringBootApplication
@EnableConfigurationProperties(ConsoleProperties.class)
public class ConsoleApplication {
    public static void main(String[] args) {
        SpringApplication.run(ConsoleApplication.class, args);
    }
}
