package org.nce.console.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who a case is against and which devices may give its evidence, as data the deployment owns:
 * {@code subjects.yaml} (parties: a unit with its 统一社会信用代码, legal representative and address,
 * or an individual; each bound to sites and devices) and {@code devices.yaml} (each camera and
 * sensor with its location, the subject it watches and its 行政处罚法 第四十一条 audit record).
 * Validated whole at start with every problem named.
 */
public record Registry(boolean sample, Map<String, Subject> subjects, Map<String, Device> devices) {
    /** A 统一社会信用代码 (GB 32100-2015): 18 characters, no I, O, S, V, Z. */
    public static final String USCC = "[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}";

    public record Subject(String id, String kind, String name, String uscc, String idNumber, String legalRepresentative,
                          String address, List<String> sites) {
    }

    /** 第四十一条: 法制审核 and 技术审核, standards, calibration (sensors), placement, sign, published location. */
    public record Review(String legalReviewId, LocalDate legalReviewDate, String technicalReviewId, LocalDate technicalReviewDate,
                         LocalDate validUntil, List<String> standards, String calibrationCertificate, LocalDate calibrationValidUntil,
                         String placement, boolean signPosted, String locationPublished) {
    }

    public record Device(String id, String site, String kind, String subject, String location, Review review) {
    }

    /** Whether a device's records may be evidence at a time, and if not, why not. */
    public record Standing(boolean usable, List<String> reasons) {
    }

    public Registry {
        subjects = Map.copyOf(subjects);
        devices = Map.copyOf(devices);
    }

    /** The two files as read, before validation: what the console's index is seeded from. */
    public record Files(JsonNode subjects, JsonNode devices) {
        public boolean sample() {
            return subjects.path("sample").asBoolean(false) || devices.path("sample").asBoolean(false);
        }
    }

    public static Registry load(Path dir) {
        return of(read(dir));
    }

    /** Reads both files (refused with every problem when one cannot be read). */
    public static Files read(Path dir) {
        List<String> problems = new ArrayList<>();
        JsonNode s = CaseRules.read(dir, "subjects.yaml", problems);
        JsonNode d = CaseRules.read(dir, "devices.yaml", problems);
        if (!problems.isEmpty()) {
            throw new CaseRules.Refused(problems);
        }
        return new Files(s, d);
    }

    /** Validates {@code files} whole: the registry, or refused with every problem named. */
    public static Registry of(Files files) {
        List<String> problems = new ArrayList<>();
        Registry r = parse(files.subjects(), files.devices(), problems);
        if (!problems.isEmpty()) {
            throw new CaseRules.Refused(problems);
        }
        return r;
    }

    /** The registry of these entries (each as its file entry), validated as the files are; refused with every problem. */
    public static Registry of(boolean sample, List<JsonNode> subjects, List<JsonNode> devices) {
        var f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        var s = f.objectNode();
        s.put("sample", sample);
        s.putArray("subjects").addAll(subjects);
        var d = f.objectNode();
        d.putArray("devices").addAll(devices);
        return of(new Files(s, d));
    }

    static Registry parse(JsonNode sFile, JsonNode dFile, List<String> problems) {
        CaseRules.Problems p = new CaseRules.Problems(problems);
        Map<String, Subject> subjects = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode n : sFile.path("subjects")) {
            String where = "subjects.yaml: subjects[" + i++ + "]" + (n.hasNonNull("id") ? " (" + n.get("id").asText() + ")" : "");
            String id = id(p, n, where);
            String kind = p.text(n, where, "kind", CaseRules.PARTIES);
            String uscc = n.path("uscc").asText(null);
            if ("unit".equals(kind) && (uscc == null || !uscc.matches(USCC))) {
                p.add(where + ".uscc: a unit needs its 统一社会信用代码 (18 characters, GB 32100-2015), got " + uscc);
            }
            if ("unit".equals(kind) && n.path("legal_representative").asText("").isBlank()) {
                p.add(where + ".legal_representative: a unit names its legal representative (第五十九条 决定书)");
            }
            List<String> sites = new ArrayList<>();
            n.path("sites").forEach(x -> sites.add(x.asText()));
            if (id != null && subjects.containsKey(id)) {
                p.add(where + ".id: '" + id + "' is used twice");
            }
            Subject subject = new Subject(id, kind, p.text(n, where, "name", null), uscc, n.path("id_number").asText(null),
                    n.path("legal_representative").asText(null), p.text(n, where, "address", null), List.copyOf(sites));
            if (id != null) {
                subjects.put(id, subject);
            }
        }
        if (!sFile.path("subjects").isArray()) {
            p.add("subjects.yaml: subjects: missing (a list of parties)");
        }
        Map<String, Device> devices = new LinkedHashMap<>();
        i = 0;
        for (JsonNode n : dFile.path("devices")) {
            String where = "devices.yaml: devices[" + i++ + "]" + (n.hasNonNull("id") ? " (" + n.get("id").asText() + ")" : "");
            String id = id(p, n, where);
            String kind = p.text(n, where, "kind", Set.of("camera", "noise", "lampblack"));
            String subject = n.path("subject").asText(null);
            if (subject != null && !subjects.containsKey(subject)) {
                p.add(where + ".subject: '" + subject + "' is not in subjects.yaml");
            }
            Review review = null;
            JsonNode rv = n.path("review");
            if (!rv.isMissingNode()) {
                String rw = where + ".review";
                review = new Review(p.text(rv, rw, "legal_review_id", null), date(p, rv, rw, "legal_review_date", true),
                        p.text(rv, rw, "technical_review_id", null), date(p, rv, rw, "technical_review_date", true),
                        date(p, rv, rw, "valid_until", true), strings(rv.path("standards")), rv.path("calibration_certificate").asText(null),
                        date(p, rv, rw, "calibration_valid_until", false), p.text(rv, rw, "placement", null),
                        rv.path("sign_posted").asBoolean(false), rv.path("location_published").asText(null));
                if (!rv.path("sign_posted").isBoolean()) {
                    p.add(rw + ".sign_posted: missing or not true/false (第四十一条: 标志明显)");
                }
            }
            if (id != null && devices.containsKey(id)) {
                p.add(where + ".id: '" + id + "' is used twice");
            }
            if (id != null) {
                devices.put(id, new Device(id, p.text(n, where, "site", null), kind, subject, n.path("location").asText(""), review));
            }
        }
        if (!dFile.path("devices").isArray()) {
            p.add("devices.yaml: devices: missing (a list of devices)");
        }
        return problems.isEmpty() ? new Registry(sFile.path("sample").asBoolean(false) || dFile.path("sample").asBoolean(false),
                subjects, devices) : null;
    }

    /**
     * The party a case on {@code site} is against: the subject of the devices that raised it, else
     * the one subject bound to the site. Null when neither names exactly one.
     */
    public Subject subjectOf(String site, List<String> deviceIds) {
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        for (String d : deviceIds) {
            Device dev = devices.get(d);
            if (dev != null && dev.subject() != null) {
                ids.add(dev.subject());
            }
        }
        if (ids.isEmpty()) {
            subjects.values().stream().filter(s -> s.sites().contains(site)).forEach(s -> ids.add(s.id()));
        }
        return ids.size() == 1 ? subjects.get(ids.iterator().next()) : null;
    }

    /** Whether a record of {@code deviceId} made at {@code atMs} may be evidence (第四十一条), with every reason it may not. */
    public Standing standing(String deviceId, long atMs, ZoneId zone) {
        Device d = devices.get(deviceId);
        if (d == null) {
            return new Standing(false, List.of("设备 " + deviceId + " 未在设备登记中（devices.yaml）"));
        }
        Review r = d.review();
        if (r == null) {
            return new Standing(false, List.of("设备 " + deviceId + " 未经法制和技术审核（行政处罚法 第四十一条）"));
        }
        LocalDate day = java.time.Instant.ofEpochMilli(atMs).atZone(zone).toLocalDate();
        List<String> why = new ArrayList<>();
        if (r.legalReviewDate() != null && r.legalReviewDate().isAfter(day)) {
            why.add("记录时法制审核（" + r.legalReviewId() + "，" + r.legalReviewDate() + "）尚未完成");
        }
        if (r.technicalReviewDate() != null && r.technicalReviewDate().isAfter(day)) {
            why.add("记录时技术审核（" + r.technicalReviewId() + "，" + r.technicalReviewDate() + "）尚未完成");
        }
        if (r.validUntil() != null && r.validUntil().isBefore(day)) {
            why.add("审核已于 " + r.validUntil() + " 失效");
        }
        if (!"camera".equals(d.kind()) && (r.calibrationValidUntil() == null || r.calibrationValidUntil().isBefore(day))) {
            why.add("计量检定/校准证书" + (r.calibrationValidUntil() == null ? "未登记" : "已于 " + r.calibrationValidUntil() + " 到期"));
        }
        if (!r.signPosted()) {
            why.add("未设置明显标志");
        }
        if (r.locationPublished() == null || r.locationPublished().isBlank()) {
            why.add("设置地点未向社会公布");
        }
        return new Standing(why.isEmpty(), why.stream().map(w -> "设备 " + deviceId + "：" + w).toList());
    }

    /** An id as the console's addresses and the index take it (letters, digits, : . _ @ -; at most 256). */
    private static String id(CaseRules.Problems p, JsonNode n, String where) {
        String id = p.text(n, where, "id", null);
        if (id != null && !id.matches("[A-Za-z0-9][A-Za-z0-9:._@-]{0,255}")) {
            p.add(where + ".id: '" + id + "' is not an id (letters, digits, : . _ @ -, beginning with a letter or digit, at most 256)");
            return null;
        }
        return id;
    }

    private static LocalDate date(CaseRules.Problems p, JsonNode n, String where, String key, boolean required) {
        JsonNode v = n.path(key);
        if (v.isMissingNode() || v.isNull()) {
            if (required) {
                p.add(where + "." + key + ": missing (a date, yyyy-mm-dd)");
            }
            return null;
        }
        try {
            return LocalDate.parse(v.asText());
        } catch (java.time.format.DateTimeParseException e) {
            p.add(where + "." + key + ": '" + v.asText() + "' is not a date (yyyy-mm-dd)");
            return null;
        }
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return List.copyOf(out);
    }
}
