package org.nce.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nce.model.Hashes;
import org.nce.model.StoreLayout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A decided case served with its documents (三书同达), against the loopback Elasticsearch and S3
 * server: the registry names the party, only a reviewed device's record carries a decision, the
 * PDFs hold every field 第五十九条 requires in Chinese text (read back with pdftotext), their QR code
 * decodes to the public verification page, which shows nothing personal; documents are generated
 * once, numbered without duplicates, and a changed PDF is refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleDocumentsIT {
    static final String PW = "correct horse battery";
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String SITE = "site-d" + RUN;
    static final String FUME = "fume-" + RUN;
    static final String UNREVIEWED = "cam-u" + RUN;
    static final String YARD = "cam-y" + RUN;
    static final String FUME_UNREVIEWED = "fume-u" + RUN;
    static final String SUBJECT = "rest-" + RUN;
    static final String PARTY = "测试餐饮管理有限公司" + RUN;
    static final String USCC = "91330203MA2ABC001X";
    static final String SITE2 = "site-p" + RUN;
    static final String CAM2 = "cam-p" + RUN;
    static final String PERSON = "钱测试" + RUN;

    @LocalServerPort
    int port;
    static Path usersFile;
    static Path rulesDir;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        var enc = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        StringBuilder y = new StringBuilder("users:\n");
        for (String role : List.of("operator", "officer", "legal")) {
            y.append("  - {username: ").append(role).append(", password: \"").append(enc.encode(PW)).append("\", roles: [").append(role).append("]}\n");
        }
        Path users = Files.createTempFile("nce-users", ".yaml");
        Files.writeString(users, y);
        Path rules = TestRules.withRegistry("subjects:\n  - {id: " + SUBJECT + ", kind: unit, name: " + PARTY + ", uscc: " + USCC
                        + ", legal_representative: 王测试, address: 宁波市海曙区测试路 8 号, sites: [" + SITE + "]}\n"
                        + "  - {id: person-" + RUN + ", kind: individual, name: " + PERSON + ", id_number: 330203199001011234, address: 宁波市海曙区某小区, sites: ["
                        + SITE2 + "]}\n",
                "devices:\n" + TestRules.reviewed(FUME, SITE, "lampblack", SUBJECT) + TestRules.reviewed(CAM2, SITE2, "camera", null)
                        + TestRules.reviewed(YARD, SITE, "camera", SUBJECT)
                        + "  - {id: " + FUME_UNREVIEWED + ", site: " + SITE + ", kind: lampblack, subject: " + SUBJECT + "}\n"
                        + "  - {id: " + UNREVIEWED + ", site: " + SITE + ", kind: camera, subject: " + SUBJECT + "}\n");
        usersFile = users;
        rulesDir = rules;
        r.add("nce.users-file", users::toString);
        r.add("nce.rules-dir", rules::toString);
        Stores.props(r);
    }

    @BeforeAll
    void seed() throws Exception {
        Stores.ensureIndices();
    }

    Client as(String role) throws Exception {
        return Client.loggedIn(port, role, PW);
    }

    /** A lampblack case from the reviewed monitor, confirmed, reviewed and decided as a fine of 5,000 yuan. */
    private String decidedFumeCase(String n) throws Exception {
        String alert = FUME + ":lampblack_exceedance:" + n;
        String caseId = "case-fume-" + RUN + "-" + n;
        long t = System.currentTimeMillis() - 120_000;
        var readings = Stores.evidence(alert, "readings/" + SITE + "/" + FUME + "/" + n + ".json", "readings",
                Stores.bytes("{\"mg_m3\": 3.1} " + RUN, 600), "application/json");
        var chart = Stores.evidence(alert, "charts/" + SITE + "/" + FUME + "/" + n + ".png", "chart", Stores.bytes("png " + RUN, 900), "image/png");
        Stores.alert(alert, "lampblack_exceedance", SITE, FUME, t, List.of(readings, chart));
        Stores.caseDoc(caseId, "lampblack_exceedance", SITE, t, List.of(alert), List.of(readings, chart));
        assertEquals(200, as("operator").post("/api/alerts/" + ConsoleApiIT.q(alert) + "/review", Map.of("decision", "confirm")).status());
        assertEquals(200, as("officer").post("/api/cases/" + caseId + "/status", Map.of("status", "reviewed")).status());
        Client.Reply d = as("legal").post("/api/cases/" + caseId + "/decision", Map.of("kind", "penalty", "amount_yuan", 5000));
        assertEquals(200, d.status(), d.body());
        return caseId;
    }

    @Test
    void aDecidedCaseIsServedWithItsThreeDocumentsAndAWorkingActionCode() throws Exception {
        Client legal = as("legal");
        Client officer = as("officer");
        String id = decidedFumeCase("1");
        JsonNode violation = legal.get("/api/cases/" + id).json().path("violations").get(0);
        assertEquals(PARTY, violation.path("subject").path("name").asText(), "the party comes from the registry: " + violation);
        assertEquals("unit", violation.path("party").asText());
        assertTrue(violation.path("evidence_standing").path("usable").asBoolean(), violation.toString());

        Client.Reply early = officer.post("/api/cases/" + id + "/status", Map.of("status", "served"));
        assertEquals(409, early.status(), "served with its documents, not before");
        assertEquals("documents_needed", early.json().path("code").asText());
        assertEquals(403, officer.post("/api/cases/" + id + "/documents", Map.of()).status(), "documents are the legal role's");

        Client.Reply gen = legal.post("/api/cases/" + id + "/documents", Map.of());
        assertEquals(200, gen.status(), gen.body());
        JsonNode docs = gen.json().path("documents");
        List<String> kinds = new ArrayList<>();
        docs.forEach(d -> kinds.add(d.path("kind").asText()));
        assertEquals(List.of("penalty_decision", "credit_repair_notice", "compliance_advice"), kinds, "三书同达 for a unit fined: " + docs);
        String code = gen.json().path("action_code").asText();
        assertTrue(code.matches("330203072\\d{7}[0-9X]"), "a local action code: " + code);
        String caseNumber = gen.json().path("case_number").asText();
        assertTrue(caseNumber.startsWith("海曙综执立〔"), caseNumber);
        Set<String> numbers = new HashSet<>();
        docs.forEach(d -> numbers.add(d.path("number").asText()));
        assertEquals(3, numbers.size(), "each document its own 文号");

        Client.Reply again = legal.post("/api/cases/" + id + "/documents", Map.of());
        assertEquals(gen.json().path("documents"), again.json().path("documents"), "generated once: the same numbers and hashes");

        String verifyUrl = null;
        for (JsonNode d : docs) {
            Client.Reply pdf = officer.get(d.path("url").asText());
            assertEquals(200, pdf.status(), pdf.body());
            assertEquals("application/pdf", pdf.raw().headers().firstValue("Content-Type").orElse(""));
            byte[] bytes = pdf.raw().body();
            assertEquals(d.path("sha256").asText(), Hashes.sha256(bytes), "the bytes served are the bytes issued");
            String text = PdfText.of(bytes);
            assertFalse(text.contains("legal-and-hearing") || text.contains("VERIFY"), "no internal note on served paper:\n" + text);
            for (String field : List.of(PARTY, "宁波市海曙区综合行政执法局", d.path("number").asText(), code)) {
                assertTrue(text.contains(field), d.path("kind") + " shows " + field + ":\n" + text);
            }
            if (d.path("kind").asText().equals("penalty_decision")) {
                // 第五十九条: party and address, facts and evidence, 违则 and 罚则, the penalty, how and by when to pay,
                // remedies with the right bodies and deadlines, organ and date (and where the seal goes).
                for (String field : List.of(USCC, "王测试", "宁波市海曙区测试路8号", "经查", "测试点位" + FUME, "监测数据", "第八十一条",
                        "第一百一十八条", "罚款人民币5000元", "伍仟元整", "15日内", "百分之3加处罚款", "60日内", "宁波市海曙区人民政府",
                        "6个月内", "宁波市海曙区人民法院", decidedOn(id), "（印章）")) {
                    assertTrue(text.contains(field), "the decision states " + field + ":\n" + text);
                }
                assertFalse(text.contains("15日内向") || text.contains("三个月内"), "no deadline from the wrong templates in circulation");
                assertFalse(text.contains("应当先"), "an ordinary-procedure decision may go to court directly (no 复议 first)");
                verifyUrl = PdfText.qr(bytes);
            }
            if (d.path("kind").asText().equals("credit_repair_notice")) {
                assertTrue(text.contains("最短公示期限为3个月") && text.contains("creditchina"), text);
            }
            if (d.path("kind").asText().equals("compliance_advice")) {
                assertTrue(text.contains("第四十九条") && text.contains("行政指导"), text);
            }
        }
        assertEquals("http://localhost:8080/verify/" + code, verifyUrl, "the QR code opens the verification page of this case");

        // The public page: no session, nothing personal.
        HttpClient anonymous = HttpClient.newHttpClient();
        HttpResponse<String> json = anonymous.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/verify/" + code))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, json.statusCode(), json.body());
        JsonNode page = Stores.JSON.readTree(json.body());
        assertEquals(caseNumber, page.path("case_number").asText());
        assertEquals("宁波市海曙区综合行政执法局", page.path("issued_by").asText());
        assertEquals(3, page.path("documents").size());
        assertEquals(docs.get(0).path("sha256").asText(), page.path("documents").get(0).path("sha256").asText());
        HttpResponse<String> html = anonymous.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/verify/" + code)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, html.statusCode());
        assertTrue(html.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(html.body().contains(caseNumber) && html.body().contains(docs.get(0).path("sha256").asText()), html.body());
        for (String personal : List.of(PARTY, USCC, "王测试", "测试路", SITE, FUME, "罚款", "行政处罚决定书", id)) {
            assertFalse(json.body().contains(personal) || html.body().contains(personal), "the public page shows nothing personal: " + personal);
        }
        assertEquals(404, anonymous.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/verify/330203072699999990")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());

        Client.Reply served = officer.post("/api/cases/" + id + "/status", Map.of("status", "served", "note", "直接送达，当事人签收"));
        assertEquals(200, served.status(), served.body());
        assertEquals("已送达", Stores.JSON.readTree(anonymous.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/verify/" + code))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString()).body()).path("status_cn").asText());
        assertEquals(3, Stores.auditOfCase(id).stream().filter(e -> e.path("action").asText().equals("document_generated")).count());

        // 信用修复: not before the minimum publicity period (3 months for 一般) has run.
        Client.Reply early2 = officer.post("/api/cases/" + id + "/credit-repair", Map.of("materials", List.of("罚款缴纳凭证")));
        assertEquals(409, early2.status(), early2.body());
        assertEquals("publicity_period_running", early2.json().path("code").asText());
        long monthsAgo = System.currentTimeMillis() - 100L * 86_400_000L;
        Stores.send("POST", "/" + StoreLayout.CASES + "/_update/" + id + "?refresh=true", Map.of("doc", Map.of("decision", Map.of("at", monthsAgo))));
        Client.Reply asked = officer.post("/api/cases/" + id + "/credit-repair",
                Map.of("materials", List.of("罚款缴纳凭证", "信用修复承诺书"), "note", "当事人通过信用中国提交"));
        assertEquals(200, asked.status(), asked.body());
        assertEquals(409, officer.post("/api/cases/" + id + "/credit-repair", Map.of("materials", List.of("again"))).status(), "one open at a time");
        assertEquals(403, officer.post("/api/cases/" + id + "/credit-repair/decision", Map.of("result", "approved")).status());
        assertEquals(400, legal.post("/api/cases/" + id + "/credit-repair/decision", Map.of("result", "refused")).status(), "a refusal says why");
        Client.Reply approved = legal.post("/api/cases/" + id + "/credit-repair/decision", Map.of("result", "approved"));
        assertEquals(200, approved.status(), approved.body());
        assertEquals("approved", legal.get("/api/cases/" + id + "/documents").json().path("credit_repair").path("status").asText(),
                "the case's documents show the result");
        String after = anonymous.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/verify/" + code))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString()).body();
        assertFalse(after.contains("credit") || after.contains("罚款缴纳凭证") || after.contains("信用"),
                "the public page says nothing about the outcome: " + after);
        Client.Reply again2 = officer.post("/api/cases/" + id + "/credit-repair", Map.of("materials", List.of("再次申请")));
        assertEquals(409, again2.status(), "repaired once: a new request cannot put the record back under review");
        assertEquals("already_repaired", again2.json().path("code").asText());
        JsonNode repairs = Stores.get(StoreLayout.CASES, id).path("credit_repairs");
        assertEquals(1, repairs.size());
        assertEquals("legal", repairs.get(0).path("decided_by").asText());
        assertEquals(List.of("罚款缴纳凭证", "信用修复承诺书"), Stores.JSON.convertValue(repairs.get(0).path("materials"), List.class));
    }

    @Test
    void aLenientCaseIsServedWithItsNoPenaltyDecisionOrWarningAndTheOrderToCorrect() throws Exception {
        Client legal = as("legal");
        String first = reviewedDogCase("1");
        Client.Reply d = legal.post("/api/cases/" + first + "/decision",
                Map.of("kind", "no_penalty", "lenient_rule", "dog-first-violation", "harm", "slight", "corrected", true));
        assertEquals(200, d.status(), d.body());
        JsonNode docs = legal.post("/api/cases/" + first + "/documents", Map.of()).json().path("documents");
        assertEquals(List.of("no_penalty_decision", "correction_notice"), kinds(docs), "首违不罚: no penalty, with the order to correct");
        String noPenalty = PdfText.of(legal.get(docs.get(0).path("url").asText()).raw().body());
        for (String field : List.of(PERSON, "330203199001011234", "不予行政处罚决定书", "初次违法且危害后果轻微并及时改正", "dog-first-violation",
                "第三十三条", "进行了教育", "60日内", "6个月内")) {
            assertTrue(noPenalty.contains(field), "the no-penalty decision states " + field + ":\n" + noPenalty);
        }
        assertFalse(noPenalty.contains("罚款人民币"), noPenalty);
        String order = PdfText.of(legal.get(docs.get(1).path("url").asText()).raw().body());
        assertTrue(order.contains("责令限期改正通知书") && order.contains("自收到本通知书之日起7日内改正上述违法行为")
                && order.contains("以犬链有效管控犬只"), order);

        String second = reviewedDogCase("2");
        Client.Reply w = legal.post("/api/cases/" + second + "/decision",
                Map.of("kind", "warning", "lenient_rule", "dog-second-warning", "harm", "slight", "corrected", true, "procedure", "simple"));
        assertEquals(200, w.status(), w.body());
        JsonNode wdocs = legal.post("/api/cases/" + second + "/documents", Map.of()).json().path("documents");
        assertEquals(List.of("penalty_decision", "correction_notice"), kinds(wdocs), "a warning is a penalty (第九条), served with the order");
        String warning = PdfText.of(legal.get(wdocs.get(0).path("url").asText()).raw().body());
        assertTrue(warning.contains("给予如下行政处罚：警告") && !warning.contains("加处罚款"), warning);
        // 复议法 第二十三条: against a decision made on the spot, 复议 comes first, and the decision says so.
        assertTrue(warning.contains("应当先自知道或者应当知道本决定之日起60日内向宁波市海曙区人民政府申请行政复议"), warning);
    }

    /** 综合查一次: the fire the yard camera saw and the fume alarm at the same restaurant, one case with two violations. */
    @Test
    void aFireAndAFumeAlarmAtOneRestaurantAreOneCaseDecidedPerViolationAndServedAsOne() throws Exception {
        long t = System.currentTimeMillis() - 300_000;
        String fire = YARD + ":open_burning:b-" + RUN;
        String fume = FUME + ":lampblack_exceedance:m-" + RUN;
        String caseId = "case-multi-" + RUN;
        var key = Stores.evidence(fire, "keyframes/" + SITE + "/" + YARD + "/m.jpg", "keyframe", Stores.bytes("fire " + RUN, 900), "image/jpeg");
        var chart = Stores.evidence(fume, "charts/" + SITE + "/" + FUME + "/m.png", "chart", Stores.bytes("chart " + RUN, 900), "image/png");
        Stores.alert(fire, "open_burning", SITE, YARD, t, List.of(key));
        Stores.alert(fume, "lampblack_exceedance", SITE, FUME, t + 60_000, List.of(chart));
        // As the pipeline writes it under 综合查一次: one case of the subject, opened by its first alert.
        Stores.caseDoc(caseId, "open_burning", SITE, t, List.of(fire, fume), List.of(key, chart));
        for (String a : List.of(fire, fume)) {
            assertEquals(200, as("operator").post("/api/alerts/" + ConsoleApiIT.q(a) + "/review", Map.of("decision", "confirm")).status());
        }
        assertEquals(200, as("officer").post("/api/cases/" + caseId + "/status", Map.of("status", "reviewed")).status());
        Client legal = as("legal");
        JsonNode violations = legal.get("/api/cases/" + caseId).json().path("violations");
        assertEquals(2, violations.size(), violations.toString());
        assertEquals("open_burning", violations.get(0).path("type").asText());
        assertEquals("lampblack_exceedance", violations.get(1).path("type").asText());
        assertTrue(violations.get(1).path("legal_basis").path("penalty").asText().contains("第一百一十八条"), "each its own legal basis");
        Client.Reply flat = legal.post("/api/cases/" + caseId + "/decision", Map.of("kind", "penalty", "amount_yuan", 5000));
        assertEquals(400, flat.status(), "two violations are decided one by one");
        assertEquals("violations_needed", flat.json().path("code").asText());
        Client.Reply tooLow = legal.post("/api/cases/" + caseId + "/decision", Map.of("violations", List.of(
                Map.of("type", "open_burning", "kind", "penalty", "amount_yuan", 500),
                Map.of("type", "lampblack_exceedance", "kind", "penalty", "amount_yuan", 500))));
        assertEquals(400, tooLow.status(), "each fine within its own range: lampblack 5000–50000");
        assertEquals("amount_out_of_range", tooLow.json().path("code").asText());
        Client.Reply d = legal.post("/api/cases/" + caseId + "/decision", Map.of("violations", List.of(
                Map.of("type", "lampblack_exceedance", "kind", "penalty", "amount_yuan", 6000),
                Map.of("type", "open_burning", "kind", "penalty", "amount_yuan", 500))));
        assertEquals(200, d.status(), d.body());
        JsonNode decision = d.json().path("decision");
        assertEquals(6500, decision.path("amount_yuan").asLong(), "合并执行: the amounts added");
        assertEquals(2, decision.path("violations").size());
        assertEquals("open_burning", decision.path("violations").get(0).path("type").asText(), "kept in the case's order");
        JsonNode docs = legal.post("/api/cases/" + caseId + "/documents", Map.of()).json().path("documents");
        assertEquals(List.of("penalty_decision", "credit_repair_notice", "compliance_advice"), kinds(docs));
        String text = PdfText.of(legal.get(docs.get(0).path("url").asText()).raw().body());
        for (String field : List.of("（一）露天焚烧", "（二）餐饮油烟超标排放", "第六十一条", "第一百一十八条", "罚款人民币500元", "罚款人民币6000元",
                "以上分别裁量，合并执行", "罚款人民币6500元", "陆仟伍佰元整")) {
            assertTrue(text.contains(field), "the decision states " + field + ":\n" + text);
        }
        String advice = PdfText.of(legal.get(docs.get(2).path("url").asText()).raw().body());
        assertTrue(advice.contains("露天焚烧") && advice.contains("油烟净化设施"), "advice for both:\n" + advice);
    }

    /**
     * 第二十九条: the fume over the limit and the purifier off are one act (大气法 第一百一十八条第一款), one violation
     * fined once; a violation resting only on an unreviewed device cannot be decided; each violation is decided once;
     * a lenient violation inside the case cites its own rule.
     */
    @Test
    void oneActIsOneViolationEachIsDecidedOnceOnItsOwnEvidenceAndALenientOneCitesItsRule() throws Exception {
        long t = System.currentTimeMillis() - 400_000;
        String over = FUME + ":lampblack_exceedance:x-" + RUN;
        String off = FUME + ":purifier_not_running:x-" + RUN;
        String fire = YARD + ":open_burning:x-" + RUN;
        String dump = UNREVIEWED + ":muck_dumping:x-" + RUN;
        Stores.alert(over, "lampblack_exceedance", SITE, FUME, t, List.of());
        Stores.alert(off, "purifier_not_running", SITE, FUME, t + 1000, List.of());
        Stores.alert(fire, "open_burning", SITE, YARD, t + 2000, List.of());
        Stores.alert(dump, "muck_dumping", SITE, UNREVIEWED, t + 3000, List.of());
        String withDump = "case-act-" + RUN;
        Stores.caseDoc(withDump, "lampblack_exceedance", SITE, t, List.of(over, off, fire, dump), List.of());
        for (String a : List.of(over, off, fire, dump)) {
            assertEquals(200, as("operator").post("/api/alerts/" + ConsoleApiIT.q(a) + "/review", Map.of("decision", "confirm")).status());
        }
        assertEquals(200, as("officer").post("/api/cases/" + withDump + "/status", Map.of("status", "reviewed")).status());
        Client legal = as("legal");
        List<String> types = new ArrayList<>();
        legal.get("/api/cases/" + withDump).json().path("violations").forEach(v -> types.add(v.path("type").asText()));
        assertEquals(List.of("lampblack_exceedance", "open_burning", "muck_dumping"), types, "the fume's two alerts are one act");
        Map<String, Object> fumeFine = Map.of("type", "lampblack_exceedance", "kind", "penalty", "amount_yuan", 5000);
        Map<String, Object> fireSpared = Map.of("type", "open_burning", "kind", "no_penalty", "lenient_rule", "burning-minor", "harm", "none",
                "corrected", true);
        Client.Reply twice = legal.post("/api/cases/" + withDump + "/decision", Map.of("violations", List.of(fumeFine, fumeFine, fireSpared)));
        assertEquals(400, twice.status(), "each violation once");
        assertEquals("violations_mismatch", twice.json().path("code").asText());
        Client.Reply unreviewed = legal.post("/api/cases/" + withDump + "/decision", Map.of("violations", List.of(fumeFine, fireSpared,
                Map.of("type", "muck_dumping", "kind", "penalty", "amount_yuan", 100000))));
        assertEquals(409, unreviewed.status(), "the dumping rests only on the unreviewed gate camera");
        assertEquals("evidence_not_usable", unreviewed.json().path("code").asText());
        assertTrue(unreviewed.json().path("message").asText().contains("muck_dumping"), unreviewed.body());

        // Without the dumping: one fine for the fume act, the fire spared under the lenient list.
        String fumeAndFire = "case-act2-" + RUN;
        String over2 = over + "-2";
        String off2 = off + "-2";
        String fire2 = fire + "-2";
        Stores.alert(over2, "lampblack_exceedance", SITE, FUME, t, List.of());
        Stores.alert(off2, "purifier_not_running", SITE, FUME, t + 1000, List.of());
        Stores.alert(fire2, "open_burning", SITE, YARD, t + 2000, List.of());
        Stores.caseDoc(fumeAndFire, "lampblack_exceedance", SITE, t, List.of(over2, off2, fire2), List.of());
        // A subject of its own, so no other test's decided fire counts as an earlier one for the lenient list.
        Stores.send("POST", "/" + StoreLayout.CASES + "/_update/" + fumeAndFire + "?refresh=true", Map.of("doc", Map.of("subject", "act-" + RUN)));
        for (String a : List.of(over2, off2, fire2)) {
            assertEquals(200, as("operator").post("/api/alerts/" + ConsoleApiIT.q(a) + "/review", Map.of("decision", "confirm")).status());
        }
        assertEquals(200, as("officer").post("/api/cases/" + fumeAndFire + "/status", Map.of("status", "reviewed")).status());
        Client.Reply d = legal.post("/api/cases/" + fumeAndFire + "/decision", Map.of("violations", List.of(fumeFine, fireSpared)));
        assertEquals(200, d.status(), d.body());
        assertEquals(5000, d.json().path("decision").path("amount_yuan").asLong(), "one act, one fine (第二十九条)");
        JsonNode docs = legal.post("/api/cases/" + fumeAndFire + "/documents", Map.of()).json().path("documents");
        String text = PdfText.of(legal.get(docs.get(0).path("url").asText()).raw().body());
        for (String field : List.of("（一）餐饮油烟超标排放", "罚款人民币5000元", "（二）露天焚烧", "第三十三条及本机关清单（少量露天焚烧落叶当场熄灭",
                "不予行政处罚，并已对你（单位）进行教育", "油烟净化设施未正常使用")) {
            assertTrue(text.contains(field), "the decision states " + field + ":\n" + text);
        }
        assertFalse(text.contains("（三）"), "two violations, not three:\n" + text);

        // The act stated on the evidence that can count: the over-limit reading from an unreviewed monitor does not
        // make the act 超标排放 when only the purifier-off record (a reviewed monitor) can count.
        String overU = FUME_UNREVIEWED + ":lampblack_exceedance:x-" + RUN;
        String off3 = off + "-3";
        Stores.alert(overU, "lampblack_exceedance", SITE, FUME_UNREVIEWED, t, List.of());
        Stores.alert(off3, "purifier_not_running", SITE, FUME, t + 1000, List.of());
        String split = "case-act3-" + RUN;
        Stores.caseDoc(split, "lampblack_exceedance", SITE, t, List.of(overU, off3), List.of());
        for (String a : List.of(overU, off3)) {
            assertEquals(200, as("operator").post("/api/alerts/" + ConsoleApiIT.q(a) + "/review", Map.of("decision", "confirm")).status());
        }
        assertEquals(200, as("officer").post("/api/cases/" + split + "/status", Map.of("status", "reviewed")).status());
        JsonNode only = legal.get("/api/cases/" + split).json().path("violations");
        assertEquals(1, only.size());
        assertEquals("purifier_not_running", only.get(0).path("type").asText(), only.toString());
    }

    @Test
    void aDecisionMustFitTheRegisteredPartyAndTheProcedureItsAmountAllows() throws Exception {
        String alert = FUME + ":lampblack_exceedance:p";
        String caseId = "case-fume-" + RUN + "-p";
        long t = System.currentTimeMillis() - 90_000;
        Stores.alert(alert, "lampblack_exceedance", SITE, FUME, t, List.of());
        Stores.caseDoc(caseId, "lampblack_exceedance", SITE, t, List.of(alert), List.of());
        assertEquals(200, as("operator").post("/api/alerts/" + ConsoleApiIT.q(alert) + "/review", Map.of("decision", "confirm")).status());
        assertEquals(200, as("officer").post("/api/cases/" + caseId + "/status", Map.of("status", "reviewed")).status());
        Client legal = as("legal");
        Client.Reply asPerson = legal.post("/api/cases/" + caseId + "/decision",
                Map.of("kind", "penalty", "amount_yuan", 5000, "party", "individual", "note", "经营者个人"));
        assertEquals(400, asPerson.status(), "the registry says the restaurant is a unit; the documents would print it so");
        assertEquals("party_kind_differs", asPerson.json().path("code").asText());
        Client.Reply simple = legal.post("/api/cases/" + caseId + "/decision", Map.of("kind", "penalty", "amount_yuan", 5000, "procedure", "simple"));
        assertEquals(400, simple.status(), "第五十一条: 当场 only up to 3,000 yuan for a unit");
        assertEquals("simple_not_allowed", simple.json().path("code").asText());
        assertEquals("reviewed", Stores.get(StoreLayout.CASES, caseId).path("status").asText(), "nothing written by a refusal");
    }

    /** The day the case was decided, as a document dates it (第五十九条(六)). */
    private static String decidedOn(String caseId) throws Exception {
        long at = Stores.get(StoreLayout.CASES, caseId).path("decision").path("at").asLong();
        var d = java.time.Instant.ofEpochMilli(at).atZone(java.time.ZoneId.of("Asia/Shanghai"));
        return d.getYear() + "年" + d.getMonthValue() + "月" + d.getDayOfMonth() + "日";
    }

    private static List<String> kinds(JsonNode docs) {
        List<String> out = new ArrayList<>();
        docs.forEach(d -> out.add(d.path("kind").asText()));
        return out;
    }

    /** A dog case of the registered individual, confirmed and reviewed. */
    private String reviewedDogCase(String n) throws Exception {
        String alert = CAM2 + ":unleashed_dog:" + n;
        String caseId = "case-dog-" + RUN + "-" + n;
        long t = System.currentTimeMillis() - 60_000 + Long.parseLong(n);
        var key = Stores.evidence(alert, "keyframes/" + SITE2 + "/" + CAM2 + "/" + n + ".jpg", "keyframe", Stores.bytes("jpg " + n + RUN, 900), "image/jpeg");
        Stores.alert(alert, "unleashed_dog", SITE2, CAM2, t, List.of(key));
        Stores.caseDoc(caseId, "unleashed_dog", SITE2, t, List.of(alert), List.of(key));
        assertEquals(200, as("operator").post("/api/alerts/" + ConsoleApiIT.q(alert) + "/review", Map.of("decision", "confirm")).status());
        assertEquals(200, as("officer").post("/api/cases/" + caseId + "/status", Map.of("status", "reviewed")).status());
        return caseId;
    }

    /** nce-counters restored from an old copy (its numbers gone back): the reservations still never issue a 文号 or code twice. */
    @Test
    void aCounterRestoredFromAnOldCopyIssuesNoNumberTwice() throws Exception {
        Client legal = as("legal");
        JsonNode first = legal.post("/api/cases/" + decidedFumeCase("r1") + "/documents", Map.of()).json();
        String year = String.valueOf(java.time.ZonedDateTime.now(java.time.ZoneId.of("Asia/Shanghai")).getYear());
        for (String counter : List.of("case-" + year, "action-code-" + year, "penalty_decision-" + year, "credit_repair_notice-" + year,
                "compliance_advice-" + year)) {
            // One step back: the next number would be the one the first case was just given.
            long n = Stores.get("nce-counters", counter).path("n").asLong();
            Stores.send("PUT", "/nce-counters/_doc/" + counter + "?refresh=true", Map.of("n", n - 1));
        }
        JsonNode second = legal.post("/api/cases/" + decidedFumeCase("r2") + "/documents", Map.of()).json();
        assertNotEquals(first.path("action_code").asText(), second.path("action_code").asText());
        assertNotEquals(first.path("case_number").asText(), second.path("case_number").asText());
        for (int i = 0; i < 3; i++) {
            assertNotEquals(first.path("documents").get(i).path("number").asText(), second.path("documents").get(i).path("number").asText());
        }
    }

    @Test
    void aChangedDocumentIsRefusedAndRecordedAsAnIncident() throws Exception {
        String id = decidedFumeCase("2");
        Client legal = as("legal");
        JsonNode doc = legal.post("/api/cases/" + id + "/documents", Map.of()).json().path("documents").get(0);
        String key = Stores.get(StoreLayout.CASES, id).path("documents").get(0).path("key").asText();
        Stores.putObject(key, "%PDF-1.7 forged".getBytes(StandardCharsets.UTF_8), "application/pdf");
        Client.Reply r = legal.get(doc.path("url").asText());
        assertEquals(409, r.status(), r.body());
        assertEquals("document_mismatch", r.json().path("code").asText());
        assertTrue(Stores.auditOfCase(id).stream().anyMatch(e -> e.path("action").asText().equals("integrity_failure")));
    }

    @Test
    void concurrentGenerationsOnTwoConsolesNumberEveryDocumentOnceAndOverwriteNothing() throws Exception {
        List<String> ids = List.of(decidedFumeCase("3"), decidedFumeCase("4"), decidedFumeCase("5"));
        // A second console on the same stores, as a deployment with two behind a balancer has.
        try (var second = new org.springframework.boot.builder.SpringApplicationBuilder(ConsoleApplication.class).run(
                "--server.port=0", "--nce.users-file=" + usersFile, "--nce.rules-dir=" + rulesDir, "--nce.es-url=" + Stores.ES,
                "--nce.s3-endpoint=" + Stores.S3, "--nce.s3-access-key=" + Stores.S3_KEY, "--nce.s3-secret-key=" + Stores.S3_SECRET)) {
            int port2 = Integer.parseInt(second.getEnvironment().getProperty("local.server.port"));
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Future<JsonNode>> answers = new ArrayList<>();
            try {
                for (String id : ids) {
                    for (int consolePort : new int[] {port, port2}) { // the same case on both consoles at once
                        Client legal = Client.loggedIn(consolePort, "legal", PW);
                        answers.add(pool.submit((Callable<JsonNode>) () -> {
                            Client.Reply r = legal.post("/api/cases/" + id + "/documents", Map.of());
                            assertEquals(200, r.status(), r.body());
                            return r.json();
                        }));
                    }
                }
                Set<String> numbers = new HashSet<>();
                Set<String> codes = new HashSet<>();
                for (int i = 0; i < answers.size(); i += 2) {
                    JsonNode a = answers.get(i).get();
                    JsonNode b = answers.get(i + 1).get();
                    assertEquals(a, b, "both consoles answer with the one set of documents");
                    a.path("documents").forEach(d -> assertTrue(numbers.add(d.path("number").asText()), "a 文号 given twice: " + d));
                    assertTrue(codes.add(a.path("action_code").asText()));
                    // What the case records is what the store holds, read from either console.
                    for (int consolePort : new int[] {port, port2}) {
                        Client officer = Client.loggedIn(consolePort, "officer", PW);
                        for (JsonNode d : a.path("documents")) {
                            Client.Reply pdf = officer.get(d.path("url").asText());
                            assertEquals(200, pdf.status(), pdf.body());
                            assertEquals(d.path("sha256").asText(), Hashes.sha256(pdf.raw().body()));
                        }
                    }
                }
                assertEquals(9, numbers.size());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aProvinciallyIssuedCodeIsPrintedInsteadOfALocalOneAndNeverChangesOnceNumbered() throws Exception {
        String id = decidedFumeCase("6");
        Client legal = as("legal");
        String external = "ZJ-" + RUN + "-0001";
        Client.Reply set = legal.post("/api/cases/" + id + "/action-code", Map.of("code", external));
        assertEquals(200, set.status(), set.body());
        JsonNode gen = legal.post("/api/cases/" + id + "/documents", Map.of()).json();
        assertEquals(external, gen.path("action_code").asText());
        assertEquals("external", gen.path("action_code_source").asText());
        byte[] pdf = legal.get(gen.path("documents").get(0).path("url").asText()).raw().body();
        assertEquals("http://localhost:8080/verify/" + external, PdfText.qr(pdf));
        Client.Reply change = legal.post("/api/cases/" + id + "/action-code", Map.of("code", "ZJ-" + RUN + "-0002"));
        assertEquals(409, change.status(), "a code printed on served paper never changes");
        assertEquals("documents_planned", change.json().path("code").asText());
        String other = decidedFumeCase("7");
        assertEquals(409, legal.post("/api/cases/" + other + "/action-code", Map.of("code", external)).status(), "one code, one case");
    }

    @Test
    void aRecordFromADeviceWithoutItsReviewIsQueuedMarkedAndCannotCarryADecision() throws Exception {
        String alert = UNREVIEWED + ":muck_dumping:b-1";
        String caseId = "case-unreviewed-" + RUN;
        long t = System.currentTimeMillis() - 60_000;
        Stores.alert(alert, "muck_dumping", SITE, UNREVIEWED, t, List.of());
        Stores.caseDoc(caseId, "muck_dumping", SITE, t, List.of(alert), List.of());
        JsonNode queued = as("operator").get("/api/alerts/" + ConsoleApiIT.q(alert)).json();
        assertFalse(queued.path("device_standing").path("usable").asBoolean(true), "marked in the queue: " + queued);
        assertTrue(queued.path("device_standing").path("reasons").get(0).asText().contains("未经法制和技术审核"), queued.toString());
        boolean listed = false;
        for (JsonNode a : as("operator").get("/api/alerts?site=" + SITE).json().path("items")) {
            listed |= a.path("alert_id").asText().equals(alert) && !a.path("device_standing").path("usable").asBoolean(true);
        }
        assertTrue(listed, "still in the review queue, marked");
        assertEquals(200, as("operator").post("/api/alerts/" + ConsoleApiIT.q(alert) + "/review", Map.of("decision", "confirm")).status());
        assertEquals(200, as("officer").post("/api/cases/" + caseId + "/status", Map.of("status", "reviewed")).status());
        JsonNode standing = as("legal").get("/api/cases/" + caseId).json().path("violations").get(0).path("evidence_standing");
        assertFalse(standing.path("usable").asBoolean(true), standing.toString());
        assertTrue(standing.path("reasons").get(0).asText().contains("第四十一条") || standing.path("reasons").get(0).asText().contains("审核"), standing.toString());
        Client.Reply refused = as("legal").post("/api/cases/" + caseId + "/decision", Map.of("kind", "penalty", "amount_yuan", 100000));
        assertEquals(409, refused.status(), refused.body());
        assertEquals("evidence_not_usable", refused.json().path("code").asText());
        assertEquals("reviewed", Stores.get(StoreLayout.CASES, caseId).path("status").asText());
    }

    /** Text and the QR code of a PDF, read back as a reader would. */
    static final class PdfText {
        /** The text as pdftotext (poppler, independent of the PDF's writer) reads it, spaces dropped. */
        static String of(byte[] pdf) throws Exception {
            Path f = Files.createTempFile("nce-doc", ".pdf");
            Files.write(f, pdf);
            try {
                Process p = new ProcessBuilder("pdftotext", "-enc", "UTF-8", f.toString(), "-").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, p.waitFor(), out);
                return out.replaceAll("\\s+", "");
            } catch (java.io.IOException noPoppler) {
                // Read back by a reader independent of the writer, or not at all: ./nce test and .ci/run install it.
                return org.junit.jupiter.api.Assertions.fail("pdftotext is needed to read the documents back: apt-get install poppler-utils");
            } finally {
                Files.deleteIfExists(f);
            }
        }

        /** The QR code on the document's pages, rendered at 200 dpi in grey as a scanner would see it. */
        static String qr(byte[] pdf) throws Exception {
            try (PDDocument d = Loader.loadPDF(pdf)) {
                for (int page = 0; page < d.getNumberOfPages(); page++) {
                    BufferedImage img = new PDFRenderer(d).renderImageWithDPI(page, 200, org.apache.pdfbox.rendering.ImageType.GRAY);
                    try {
                        return new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(img))),
                                Map.of(com.google.zxing.DecodeHintType.TRY_HARDER, Boolean.TRUE,
                                        com.google.zxing.DecodeHintType.POSSIBLE_FORMATS, List.of(com.google.zxing.BarcodeFormat.QR_CODE))).getText();
                    } catch (com.google.zxing.NotFoundException e) {
                        // not on this page
                    }
                }
            }
            Path kept = Path.of("target", "no-qr-" + System.nanoTime() + ".pdf");
            Files.write(kept, pdf);
            return org.junit.jupiter.api.Assertions.fail("no QR code found in the document (kept at " + kept.toAbsolutePath() + ")");
        }
    }
}
