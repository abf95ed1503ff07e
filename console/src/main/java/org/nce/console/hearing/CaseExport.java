package org.nce.console.hearing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.nce.console.ConsoleProperties;
import org.nce.console.documents.CaseDocuments;
import org.nce.console.store.AlertStore;
import org.nce.console.store.AuditLog;
import org.nce.console.store.CaseStore;
import org.nce.console.store.Docs;
import org.nce.console.store.EvidenceStore;
import org.nce.console.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * Builds a case's hearing package ({@link HearingPackage}) from the stores: every evidence object
 * its alerts cite, read and checked against the hash recorded at first write (a mismatch refuses
 * the export and is recorded as an integrity incident), sensor readings also as CSV, its documents
 * (checked against their recorded hashes), the case, its custody chain and the registry records
 * of its devices; signed with the bureau's key ({@code nce.export-key}). The export is recorded in
 * the custody chain with the package's SHA-256.
 */
@Component
public class CaseExport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CaseStore cases;
    private final AlertStore alerts;
    private final EvidenceStore evidence;
    private final CaseDocuments documents;
    private final AuditLog audit;
    private final org.nce.console.store.RegistryStore registry;
    private final ConsoleProperties props;
    private volatile HearingPackage.Signer signer;

    public CaseExport(CaseStore cases, AlertStore alerts, EvidenceStore evidence, CaseDocuments documents, AuditLog audit,
                      org.nce.console.store.RegistryStore registry, ConsoleProperties props) {
        this.cases = cases;
        this.alerts = alerts;
        this.evidence = evidence;
        this.documents = documents;
        this.audit = audit;
        this.registry = registry;
        this.props = props;
    }

    /** The package (zip bytes) and its file name. */
    public record Export(String fileName, byte[] zip, String sha256) {
    }

    @SuppressWarnings("unchecked")
    public Export export(String caseId, String user) {
        HearingPackage.Signer s = signer();
        Docs c = cases.get(caseId).orElseThrow(() -> ApiException.notFound("no case " + caseId));
        Map<String, Object> doc = c.source();
        List<HearingPackage.Item> items = new ArrayList<>();
        Set<String> paths = new java.util.HashSet<>();
        Set<String> devices = new LinkedHashSet<>();
        for (Map<String, Object> a : alerts.getAll(CaseStore.alertIds(doc))) {
            String alertId = String.valueOf(a.get("alert_id"));
            devices.add(String.valueOf(a.get("source_id")));
            if (!(a.get("evidence") instanceof List<?> refs)) {
                continue;
            }
            for (Object o : refs) {
                if (!(o instanceof Map<?, ?> ref) || !(ref.get("key") instanceof String key)) {
                    continue;
                }
                EvidenceStore.Cited cited = evidence.cited(key)
                        .orElseThrow(() -> ApiException.conflict("evidence_unrecorded", "evidence " + key + " has no first-write record"));
                EvidenceStore.Verified v = evidence.read(cited);
                if (!v.matches()) {
                    audit.record(user, "integrity_failure", key, "mismatch", "export refused: recorded " + cited.recordedSha256()
                            + ", read " + v.sha256(), caseId);
                    throw ApiException.conflict("evidence_mismatch", "evidence " + key + " does not match the hash recorded when it was "
                            + "first written: no package is made (recorded as an integrity incident)");
                }
                String name = safe(key.substring(key.lastIndexOf('/') + 1));
                items.add(new HearingPackage.Item(unique(paths, "evidence/" + safe(alertId) + "/" + name), v.bytes(), cited.kind(), key,
                        cited.recordedSha256()));
                if ("readings".equals(cited.kind())) {
                    items.add(new HearingPackage.Item(unique(paths, "sensor/" + safe(alertId) + ".csv"), csv(v.bytes()), "sensor-csv", key, null));
                }
            }
        }
        for (Map<String, Object> d : CaseDocuments.listed(caseId, doc)) {
            String kind = String.valueOf(d.get("kind"));
            items.add(new HearingPackage.Item(unique(paths, "documents/" + safe(kind) + ".pdf"), documents.read(caseId, kind, user), "document",
                    null, String.valueOf(d.get("sha256"))));
        }
        Map<String, Object> caseFile = new LinkedHashMap<>(doc);
        caseFile.put("case_id", caseId);
        items.add(json("case.json", caseFile, "case"));
        items.add(json("custody.json", audit.chainOf(caseId), "custody"));
        // Each device's registry entry as kept (the 第四十一条 record exactly as entered), with who last changed it.
        Map<String, org.nce.console.store.RegistryStore.Entry> entries = new LinkedHashMap<>();
        registry.list().stream().filter(e -> e.type().equals("device")).forEach(e -> entries.put(e.id(), e));
        List<Object> records = new ArrayList<>();
        for (String d : devices) {
            var e = entries.get(d);
            if (e == null) {
                records.add(Map.of("id", d, "registered", false));
            } else {
                Map<String, Object> r = e.describe();
                r.put("registered", true);
                records.add(r);
            }
        }
        items.add(json("devices.json", records, "device-records"));

        Map<String, Object> info = new LinkedHashMap<>();
        info.put("case_id", caseId);
        info.put("case_number", doc.get("case_number"));
        info.put("action_code", doc.get("action_code"));
        info.put("status", doc.get("status"));
        info.put("site_id", doc.get("site_id"));
        byte[] zip;
        try {
            zip = HearingPackage.write(info, items, s, user, Instant.now());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("the package could not be written: " + e.getMessage(), e);
        }
        String sha = Canonical.sha256(zip);
        audit.record(user, "export", caseId, "ok", "hearing package sha256 " + sha + ", " + items.size() + " files", caseId);
        return new Export(safe(caseId) + "-evidence.zip", zip, sha);
    }

    /** The signer's public key as PEM, for the bureau to publish. */
    public byte[] publicKeyPem() {
        try {
            return HearingPackage.pem(signer().publicKey());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HearingPackage.Signer signer() {
        HearingPackage.Signer s = signer;
        if (s != null) {
            return s;
        }
        if (props.exportKey() == null) {
            throw ApiException.unavailable("no signing key: the bureau sets nce.export-key (NCE_EXPORT_KEY) to its PKCS#8 PEM key"
                    + " (Ed25519 or ECDSA P-256) before packages can be exported");
        }
        try (PEMParser p = new PEMParser(new InputStreamReader(Files.newInputStream(props.exportKey()), StandardCharsets.US_ASCII))) {
            Object o = p.readObject();
            if (!(o instanceof PrivateKeyInfo info)) {
                throw new IllegalStateException(props.exportKey() + " is not a PKCS#8 private key (-----BEGIN PRIVATE KEY-----)");
            }
            PrivateKey priv = new JcaPEMKeyConverter().getPrivateKey(info);
            s = new HearingPackage.Signer(priv, publicOf(priv));
            HearingPackage.algorithmFor(s.publicKey());
            signer = s;
            return s;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("nce.export-key " + props.exportKey() + " cannot be used: " + e.getMessage(), e);
        }
    }

    /** The public half of a PKCS#8 key (Ed25519 or EC), via BouncyCastle's key info. */
    static PublicKey publicOf(PrivateKey priv) throws GeneralSecurityException, IOException {
        var pub = derive(org.bouncycastle.crypto.util.PrivateKeyFactory.createKey(priv.getEncoded()));
        var spki = org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub);
        return KeyFactory.getInstance(priv.getAlgorithm().equals("EC") ? "EC" : "Ed25519")
                .generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
    }

    private static org.bouncycastle.crypto.params.AsymmetricKeyParameter derive(org.bouncycastle.crypto.params.AsymmetricKeyParameter k) {
        if (k instanceof org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters ed) {
            return ed.generatePublicKey();
        }
        if (k instanceof org.bouncycastle.crypto.params.ECPrivateKeyParameters ec) {
            var params = ec.getParameters();
            return new org.bouncycastle.crypto.params.ECPublicKeyParameters(params.getG().multiply(ec.getD()).normalize(), params);
        }
        throw new IllegalArgumentException("a signing key is Ed25519 or ECDSA");
    }

    private static HearingPackage.Item json(String path, Object value, String kind) {
        try {
            return new HearingPackage.Item(path, HearingPackage.JSON.writeValueAsBytes(value), kind, null, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Readings evidence (a JSON array of readings) as CSV: time (UTC ISO), timestamp_ms, sensor, value, flag, fan and purifier, message id. */
    static byte[] csv(byte[] readingsJson) {
        StringBuilder out = new StringBuilder("time_utc,timestamp_ms,sensor_id,kind,value,flag,fan_on,purifier_on,message_id\n");
        try {
            for (JsonNode r : JSON.readTree(readingsJson)) {
                long t = r.path("timestamp_ms").asLong();
                out.append(Instant.ofEpochMilli(t)).append(',').append(t).append(',').append(cell(r.path("sensor_id").asText()))
                        .append(',').append(cell(r.path("kind").asText())).append(',').append(r.path("value").asText()).append(',')
                        .append(cell(r.path("flag").asText(""))).append(',').append(r.path("fan_on").asText(""))
                        .append(',').append(r.path("purifier_on").asText("")).append(',').append(cell(r.path("message_id").asText("")))
                        .append('\n');
            }
        } catch (IOException e) {
            out.append("# the readings evidence is not JSON: ").append(e.getMessage()).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String cell(String s) {
        return s.matches("[A-Za-z0-9._:-]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** {@code path}, or path-2, path-3 … before its extension when taken (two objects of one name, two ids made alike by safe()). */
    private static String unique(Set<String> taken, String path) {
        String p = path;
        int dot = path.lastIndexOf('.') > path.lastIndexOf('/') ? path.lastIndexOf('.') : path.length();
        for (int n = 2; !taken.add(p); n++) {
            p = path.substring(0, dot) + "-" + n + path.substring(dot);
        }
        return p;
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._@-]", "_");
    }
}
