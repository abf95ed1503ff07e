package org.nce.console;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The console's settings ({@code nce.*} in {@code application.yaml}, each overridable by an
 * environment variable such as {@code NCE_ES_URL}). Store keys come from the environment only.
 *
 * @param esUrl            Elasticsearch
 * @param esUsername       Elasticsearch user where its security is on ({@code NCE_ES_USERNAME}); none otherwise
 * @param esPassword       its password, from {@code NCE_ES_PASSWORD} only
 * @param s3Endpoint       the evidence store (S3 API)
 * @param s3AccessKey      from {@code NCE_S3_ACCESS_KEY}
 * @param s3SecretKey      from {@code NCE_S3_SECRET_KEY}
 * @param bucket           the evidence bucket
 * @param usersFile        the accounts (YAML: username, bcrypt password hash, roles); none when unset
 * @param demoUser         seed {@code demo}/{@code demo} with every role (only {@code ./nce demo} sets it)
 * @param allowedHosts     Host header values the console answers (DNS rebinding); {@code host} or {@code host:port}
 * @param claimFor         how long an operator holds an alert they opened before another may take it
 * @param dismissReasons   the reasons an operator can give for a dismissal, in the order of the number keys
 * @param loginAttempts    failed-or-not login attempts allowed per user name and per address per minute
 * @param rulesDir         the bureau's case rules ({@code violations.yaml}, {@code lenient.yaml}, {@code documents.yaml} and
 *                         its templates, {@code subjects.yaml}, {@code devices.yaml}; docs/rules.md); the shipped ones when unset
 * @param timezone         the bureau's time zone (document dates, the day a device review holds on); Asia/Shanghai
 * @param documentFont     a TrueType font with the Chinese characters for the PDFs; the first Debian CJK .ttf found when unset
 * @param verifyUrl        the public address of the verification page the documents' QR codes open (ending in /verify/);
 *                         documents.yaml's action_code.verify_url when unset
 * @param exportKey        the bureau's signing key for hearing packages (a PKCS#8 PEM file, Ed25519 or ECDSA P-256);
 *                         without it nothing can be exported
 */
@Validated
@ConfigurationProperties("nce")
public record ConsoleProperties(String esUrl, String esUsername, String esPassword, String s3Endpoint, String s3AccessKey, String s3SecretKey, String bucket,
                                Path usersFile, boolean demoUser, List<String> allowedHosts, Duration claimFor,
                                List<String> dismissReasons, Integer loginAttempts, Path rulesDir, String timezone,
                                Path documentFont, String verifyUrl, Path exportKey) {
    public ConsoleProperties {
        esUrl = esUrl == null || esUrl.isBlank() ? "http://127.0.0.1:9200" : esUrl;
        s3Endpoint = s3Endpoint == null || s3Endpoint.isBlank() ? "http://127.0.0.1:9000" : s3Endpoint;
        bucket = bucket == null || bucket.isBlank() ? org.nce.model.StoreLayout.BUCKET : bucket;
        allowedHosts = allowedHosts == null || allowedHosts.isEmpty() ? List.of("localhost", "127.0.0.1") : List.copyOf(allowedHosts);
        claimFor = claimFor == null ? Duration.ofMinutes(5) : claimFor;
        dismissReasons = dismissReasons == null || dismissReasons.isEmpty()
                ? List.of("false_shadow", "false_steam", "false_lights", "false_animal", "false_other", "duplicate", "out_of_jurisdiction")
                : List.copyOf(dismissReasons);
        loginAttempts = loginAttempts == null ? 10 : loginAttempts;
        rulesDir = rulesDir == null || rulesDir.toString().isBlank() ? null : rulesDir;
        timezone = timezone == null || timezone.isBlank() ? "Asia/Shanghai" : timezone;
        java.time.ZoneId.of(timezone); // refused at start, not at the first document
        documentFont = documentFont == null || documentFont.toString().isBlank() ? null : documentFont;
        verifyUrl = verifyUrl == null || verifyUrl.isBlank() ? null : verifyUrl;
        exportKey = exportKey == null || exportKey.toString().isBlank() ? null : exportKey;
        if (verifyUrl != null && !verifyUrl.matches("https?://[^\\s]+/")) {
            throw new IllegalArgumentException("nce.verify-url must be an http(s) address ending in /, got " + verifyUrl);
        }
        if (claimFor.isNegative() || claimFor.isZero()) {
            throw new IllegalArgumentException("nce.claim-for must be positive, got " + claimFor);
        }
        if (loginAttempts < 1) {
            throw new IllegalArgumentException("nce.login-attempts must be >= 1, got " + loginAttempts);
        }
        for (String r : dismissReasons) {
            if (!r.matches("[a-z0-9_]{1,64}")) {
                throw new IllegalArgumentException("nce.dismiss-reasons: '" + r + "' is not a reason code (a-z, 0-9, _)");
            }
        }
    }

    public java.time.ZoneId zone() {
        return java.time.ZoneId.of(timezone);
    }

    /** Never the secrets: a record's own toString would print them into any log that shows the settings. */
    @Override
    public String toString() {
        return "ConsoleProperties[esUrl=" + esUrl + ", esUsername=" + esUsername + ", s3Endpoint=" + s3Endpoint + ", bucket=" + bucket
                + ", usersFile=" + usersFile + ", demoUser=" + demoUser + ", allowedHosts=" + allowedHosts + ", claimFor=" + claimFor
                + ", dismissReasons=" + dismissReasons + ", loginAttempts=" + loginAttempts + ", rulesDir=" + rulesDir + ", timezone=" + timezone
                + ", documentFont=" + documentFont + ", verifyUrl=" + verifyUrl + "]";
    }
}
