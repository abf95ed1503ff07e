package org.nce.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A rules directory for a test console: the shipped rules and templates (this module's
 * src/main/resources/rules) with the test's own subject and device registry, as a deployment's
 * NCE_RULES_DIR would be.
 */
final class TestRules {
    private TestRules() {
    }

    static Path withRegistry(String subjectsYaml, String devicesYaml) throws IOException {
        Path shipped = Path.of("src/main/resources/rules");
        Path dir = Files.createTempDirectory("nce-rules");
        try (Stream<Path> files = Files.walk(shipped)) {
            for (Path p : files.toList()) {
                Path to = dir.resolve(shipped.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Files.writeString(dir.resolve("subjects.yaml"), subjectsYaml);
        Files.writeString(dir.resolve("devices.yaml"), devicesYaml);
        return dir;
    }

    /** A device whose 第四十一条 review holds today. */
    static String reviewed(String id, String site, String kind, String subject) {
        return "  - id: " + id + "\n    site: " + site + "\n    kind: " + kind + "\n" + (subject == null ? "" : "    subject: " + subject + "\n")
                + "    location: 测试点位 " + id + "\n"
                + "    review: {legal_review_id: 测法审" + id + ", legal_review_date: 2020-01-01, technical_review_id: 测技审" + id
                + ", technical_review_date: 2020-01-01, valid_until: 2099-12-31, standards: [GB 3096-2008], calibration_certificate: 测检定"
                + id + ", calibration_valid_until: 2099-12-31, placement: 场界, sign_posted: true, location_published: https://example.invalid/n}\n";
    }
}
