package org.nce.console.hearing;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.web.util.HtmlUtils;

/** The package's README.html: what it holds and how anyone checks it, Chinese first. */
final class Report {
    private Report() {
    }

    static String html(Map<String, Object> caseInfo, List<HearingPackage.Item> items, String algorithm, String exportedBy, Instant at) {
        StringBuilder rows = new StringBuilder();
        for (HearingPackage.Item i : items) {
            rows.append("<tr><td>").append(e(i.path())).append("</td><td>").append(e(i.kind())).append("</td><td>")
                    .append(i.bytes().length).append("</td><td><code>").append(Canonical.sha256(i.bytes())).append("</code></td></tr>\n");
        }
        return """
                <!doctype html>
                <html lang="zh-CN"><head><meta charset="utf-8"><title>证据包 %1$s</title>
                <style>body{font-family:sans-serif;margin:2em;max-width:60em} td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}
                table{border-collapse:collapse} code{font-size:12px}</style></head><body>
                <h1>听证证据包 · Evidence package</h1>
                <p>案件 Case <b>%1$s</b> %2$s · 导出 Exported %3$s · 导出人 by %4$s · 签名算法 Signature %5$s</p>
                <h2>如何核验 How to verify</h2>
                <ol>
                <li>取得执法机关公布的公钥（不要只信任包内的 signer-public-key.pem）。Get the bureau's published public key
                (do not rely on the signer-public-key.pem inside the package alone).</li>
                <li>验签 Check the signature: <code>openssl pkeyutl -verify -pubin -inkey bureau.pem -rawin -in manifest.json -sigfile manifest.sig</code>
                (Ed25519; for ECDSA: <code>openssl dgst -sha256 -verify bureau.pem -signature manifest.sig manifest.json</code>).</li>
                <li>核对每个文件 Check every file: <code>sha256sum -c SHA256SUMS</code>; manifest.json lists each file's SHA-256 and SM3
                (GB/T 32905) and, for evidence, the hash recorded when the object was first written.</li>
                <li>保管链 The custody log (custody.json): each entry's <code>hash</code> is the SHA-256 of the entry without it, keys sorted,
                no spaces (<code>jq -cS 'del(.hash)'</code>); its <code>prev</code> is the hash of the entry before (zeros for the first); seq has
                no gaps.</li>
                <li>或一步完成 Or all at once: <code>./nce verify-package FILE.zip --public-key bureau.pem</code>.</li>
                </ol>
                <h2>内容 Contents</h2>
                <table><tr><th>文件 file</th><th>类别 kind</th><th>字节 bytes</th><th>SHA-256</th></tr>
                %6$s</table>
                <p>设备审核记录（行政处罚法第四十一条）见 devices.json；案件见 case.json。Device audit records (art. 41) in devices.json;
                the case in case.json.</p>
                </body></html>
                """.formatted(e(String.valueOf(caseInfo.get("case_id"))), e(String.valueOf(caseInfo.getOrDefault("case_number", ""))),
                e(at.toString()), e(exportedBy), e(algorithm), rows);
    }

    private static String e(String s) {
        return s == null ? "" : HtmlUtils.htmlEscape(s);
    }
}
