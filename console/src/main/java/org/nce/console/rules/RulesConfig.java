package org.nce.console.rules;

import org.nce.console.ConsoleProperties;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Loads the case rules once at start; a broken file stops the console with every problem named. */
@Configuration(proxyBeanMethods = false)
class RulesConfig {
    @Bean
    CaseRules caseRules(ConsoleProperties p) {
        CaseRules rules = CaseRules.load(p.rulesDir());
        LoggerFactory.getLogger(RulesConfig.class).info("case rules from {}: {} violation types, {} lenient rules, catalogue {}",
                p.rulesDir() == null ? "the console jar (rules/)" : p.rulesDir(), rules.violations().size(), rules.lenient().size(),
                rules.catalogueReview());
        return rules;
    }
}
