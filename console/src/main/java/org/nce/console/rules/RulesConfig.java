package org.nce.console.rules;

import org.nce.console.ConsoleProperties;
import org.nce.console.documents.PdfRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Loads the case rules, the document rules and the registry once at start; a broken file stops the console with every problem named. */
@Configuration(proxyBeanMethods = false)
class RulesConfig {
    private static final Logger LOG = LoggerFactory.getLogger(RulesConfig.class);

    @Bean
    CaseRules caseRules(ConsoleProperties p) {
        CaseRules rules = CaseRules.load(p.rulesDir());
        LOG.info("case rules from {}: {} violation types, {} lenient rules, catalogue {}", where(p), rules.violations().size(),
                rules.lenient().size(), rules.catalogueReview());
        return rules;
    }

    @Bean
    DocumentRules documentRules(ConsoleProperties p) {
        DocumentRules rules = DocumentRules.load(p.rulesDir());
        LOG.info("document rules from {}: issued by {}, {}", where(p), rules.organ().name(), rules.review());
        return rules;
    }

    /** The registry files as read: the console's registry index is seeded from them (RegistryStore). */
    @Bean
    Registry.Files registryFiles(ConsoleProperties p) {
        return Registry.read(p.rulesDir());
    }

    /** The files' registry, validated whole: the console stops on a broken file with every problem named. */
    @Bean
    Registry registry(ConsoleProperties p, Registry.Files files) {
        Registry r = Registry.of(files);
        if (r.sample()) {
            LOG.warn("subject and device registry from {}: the shipped SAMPLE ({} subjects, {} devices) — a deployment sets NCE_RULES_DIR "
                    + "to its own subjects.yaml and devices.yaml", where(p), r.subjects().size(), r.devices().size());
        } else {
            LOG.info("subject and device registry from {}: {} subjects, {} devices", where(p), r.subjects().size(), r.devices().size());
        }
        return r;
    }

    @Bean
    PdfRenderer pdfRenderer(ConsoleProperties p) {
        PdfRenderer r = new PdfRenderer(p.rulesDir(), p.documentFont());
        if (r.font() == null) {
            LOG.warn("no CJK TrueType font found: documents cannot be generated until fonts-arphic-gbsn00lp is installed or "
                    + "NCE_DOCUMENT_FONT names a .ttf");
        } else {
            LOG.info("documents rendered with the font {}", r.font());
        }
        return r;
    }

    private static Object where(ConsoleProperties p) {
        return p.rulesDir() == null ? "the console jar (rules/)" : p.rulesDir();
    }
}
