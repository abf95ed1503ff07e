package org.nce.console.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentRulesTest {
    private static final ZoneId SH = ZoneId.of("Asia/Shanghai");

    @Test
    void theShippedDocumentRulesLoadWithTheStatutesDeadlinesAndTheirBundles() {
        DocumentRules r = DocumentRules.load(null);
        assertEquals(60, r.remedies().reviewDays(), "行政复议法 第二十条");
        assertEquals(6, r.remedies().suitMonths(), "行政诉讼法 第四十六条");
        assertEquals(15, r.performance().payDays(), "行政处罚法 第六十七条");
        assertEquals(List.of("penalty_decision", "credit_repair_notice", "compliance_advice"), r.bundle("penalty", "unit", false), "三书同达");
        assertEquals(List.of("penalty_decision"), r.bundle("penalty", "unit", true), "a simple-procedure fine is not published in Zhejiang");
        assertEquals(List.of("penalty_decision"), r.bundle("penalty", "individual", false));
        assertEquals(List.of("no_penalty_decision", "correction_notice"), r.bundle("no_penalty", "individual", false));
        assertEquals(List.of("penalty_decision", "correction_notice"), r.bundle("warning", "individual", true));
        assertEquals("海曙综执罚决〔2026〕12号", r.number("penalty_decision", 2026, 12));
        assertTrue(!r.advice("no_such_type").isEmpty(), "a type without its own advice gets the default");
    }

    @Test
    void aLocalActionCodeCarriesAnIso7064CheckCharacterThatCatchesAChangedDigit() {
        // ISO 7064 MOD 11-2 as in the resident ID number: the published example 11010519491231002X.
        assertEquals('X', DocumentRules.mod11x2("11010519491231002"));
        DocumentRules r = DocumentRules.load(null);
        String code = r.localActionCode(2026, 123);
        assertEquals("33020307" + "26" + "000123", code.substring(0, 16));
        assertEquals(17, code.length());
        String changed = code.substring(0, 15) + (code.charAt(15) == '3' ? '4' : '3');
        assertTrue(DocumentRules.mod11x2(changed) != code.charAt(16), "one changed digit changes the check character");
    }

    @Test
    void aBrokenDocumentsFileIsRefusedWithEveryProblemNamed(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("templates"));
        Files.writeString(dir.resolve("templates/penalty_decision.html"), "<html/>");
        Files.writeString(dir.resolve("documents.yaml"), """
                review: needs_legal_review
                organ: {name: 某局, short: 某, seal: 某局印章, area_code: "33"}
                numbering: {case: "{short}立{year}", penalty_decision: "a{seq}", no_penalty_decision: "b{seq}",
                            correction_notice: "c{seq}", credit_repair_notice: "d{seq}", compliance_advice: "e{seq}"}
                remedies: {review_body: 某政府, review_days: 15, court: 某法院, suit_months: 3, source: x}
                performance: {pay_days: 15, channel: 银行, surcharge_percent_per_day: 3, source: x}
                correction: {days: 7, source: x, what: {open_burning: 熄灭}}
                credit: {general_min_months: 12, general_max_months: 3, light_max_months: 3, channel: x, conditions: [a], materials: [b], source: x}
                bundles: {penalty_unit: [credit_repair_notice, fax], penalty_unit_simple: [penalty_decision],
                          penalty_individual: [penalty_decision], warning: [correction_notice], no_penalty: [no_penalty_decision], extra: []}
                action_code: {organ_code: "7", verify_url: "ftp://x"}
                compliance_advice: {open_burning: [a]}
                """);
        CaseRules.Refused e = assertThrows(CaseRules.Refused.class, () -> DocumentRules.load(dir));
        String all = String.join("\n", e.problems());
        for (String expected : List.of("organ.area_code", "numbering.case", "remedies.review_days: 15", "remedies.suit_months: 3",
                "general_min_months 12 is above", "bundles.penalty_unit: 'fax'", "bundles.extra", "bundles.penalty_unit: has no penalty_decision",
                "bundles.warning: has no penalty_decision", "organ_code", "verify_url", "compliance_advice.default", "correction.what.default",
                "templates/no_penalty_decision.html")) {
            assertTrue(all.contains(expected), "names " + expected + " in:\n" + all);
        }
    }

    @Test
    void aDeviceRecordCountsOnlyWhileItsReviewHolds() {
        Registry reg = Registry.load(null);
        long reviewed = ZonedDateTime.of(2026, 6, 1, 12, 0, 0, 0, SH).toInstant().toEpochMilli();
        assertTrue(reg.standing("cam-yard-1", reviewed, SH).usable());
        long before = ZonedDateTime.of(2026, 1, 4, 23, 59, 0, 0, SH).toInstant().toEpochMilli();
        Registry.Standing early = reg.standing("cam-yard-1", before, SH);
        assertTrue(!early.usable() && early.reasons().get(0).contains("尚未完成"), early.toString());
        long lapsed = ZonedDateTime.of(2100, 1, 1, 0, 0, 0, 0, SH).toInstant().toEpochMilli();
        assertTrue(reg.standing("cam-yard-1", lapsed, SH).reasons().get(0).contains("失效"));
        assertTrue(reg.standing("noise-boundary-1", lapsed, SH).reasons().stream().anyMatch(r -> r.contains("校准证书已于 2099-12-31 到期")),
                "a sensor's calibration lapses too");
        assertTrue(reg.standing("cam-gate-2", reviewed, SH).reasons().get(0).contains("未经法制和技术审核"));
        assertTrue(reg.standing("cam-nowhere", reviewed, SH).reasons().get(0).contains("未在设备登记"));
        assertEquals("demo-restaurant", reg.subjectOf("site-demo", List.of("fume-kitchen-1")).id(), "the device's subject");
        assertEquals("demo-builder", reg.subjectOf("site-demo", List.of("cam-unregistered")).id(), "else the site's one subject");
        assertEquals(null, reg.subjectOf("site-demo", List.of("fume-kitchen-1", "cam-yard-1")), "two subjects: not guessed");
    }

    @Test
    void aDeviceWithoutItsSignItsPublishedLocationOrACalibrationGivesNoEvidence(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("subjects.yaml"), "subjects: []\n");
        String review = "legal_review_id: L, legal_review_date: 2026-01-01, technical_review_id: T, technical_review_date: 2026-01-01, "
                + "valid_until: 2099-01-01, placement: p";
        Files.writeString(dir.resolve("devices.yaml"), "devices:\n"
                + "  - {id: no-sign, site: s, kind: camera, review: {" + review + ", sign_posted: false, location_published: https://x}}\n"
                + "  - {id: unpublished, site: s, kind: camera, review: {" + review + ", sign_posted: true}}\n"
                + "  - {id: meter, site: s, kind: noise, review: {" + review + ", sign_posted: true, location_published: https://x}}\n"
                + "  - {id: ok, site: s, kind: camera, review: {" + review + ", sign_posted: true, location_published: https://x}}\n");
        Registry reg = Registry.load(dir);
        long at = ZonedDateTime.of(2026, 6, 1, 0, 0, 0, 0, SH).toInstant().toEpochMilli();
        assertTrue(reg.standing("no-sign", at, SH).reasons().get(0).contains("未设置明显标志"));
        assertTrue(reg.standing("unpublished", at, SH).reasons().get(0).contains("设置地点未向社会公布"));
        assertTrue(reg.standing("meter", at, SH).reasons().get(0).contains("校准证书未登记"), "a sensor needs its calibration");
        assertTrue(reg.standing("ok", at, SH).usable());
    }

    @Test
    void aBrokenRegistryIsRefusedWithEveryProblemNamed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("subjects.yaml"), """
                subjects:
                  - {id: a, kind: unit, name: 甲公司, uscc: 123, address: x, sites: [s1]}
                  - {id: a, kind: company, name: 乙, address: y}
                """);
        Files.writeString(dir.resolve("devices.yaml"), """
                devices:
                  - {id: d1, site: s1, kind: camera, subject: nobody}
                  - id: d2
                    site: s1
                    kind: radar
                    review: {legal_review_id: x, legal_review_date: 2026-13-01, technical_review_id: y, placement: p}
                """);
        CaseRules.Refused e = assertThrows(CaseRules.Refused.class, () -> Registry.load(dir));
        String all = String.join("\n", e.problems());
        for (String expected : List.of("uscc", "legal_representative", "'a' is used twice", "kind: 'company'", "'nobody' is not in subjects.yaml",
                "kind: 'radar'", "2026-13-01", "technical_review_date: missing", "valid_until: missing", "sign_posted")) {
            assertTrue(all.contains(expected), "names " + expected + " in:\n" + all);
        }
    }
}
