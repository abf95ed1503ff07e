package org.nce.gateway.mqtt;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time (BouncyCastle issues them; the JDK cannot): a CA, servers and
 * clients it signs, written as PEM files the way Mosquitto and {@code BrokerTls} read them
 * (certificate; unencrypted PKCS#8 key). EC P-256 keys: quick to make, what a current CA issues.
 */
final class TestPki {
    /** A certificate, its key pair and the PEM files they are written to. */
    record Issued(X509Certificate certificate, KeyPair keys, Path certificatePem, Path keyPem) {
    }

    private TestPki() {
    }

    static Issued ca(Path dir, String name) throws Exception {
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder b = builder(subject, subject, keys);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        return write(dir, name, sign(b, keys), keys);
    }

    /** A TLS server certificate for the given DNS names and IP addresses (subjectAltName). */
    static Issued server(Path dir, Issued ca, String fileName, String... names) throws Exception {
        List<GeneralName> alt = new ArrayList<>();
        for (String n : names) {
            boolean ip = n.chars().allMatch(c -> Character.isDigit(c) || c == '.');
            alt.add(ip ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(n).getHostAddress()) : new GeneralName(GeneralName.dNSName, n));
        }
        return leaf(dir, ca, fileName, names[0], KeyPurposeId.id_kp_serverAuth, new GeneralNames(alt.toArray(new GeneralName[0])));
    }

    static Issued client(Path dir, Issued ca, String fileName, String commonName) throws Exception {
        return leaf(dir, ca, fileName, commonName, KeyPurposeId.id_kp_clientAuth, null);
    }

    private static Issued leaf(Path dir, Issued ca, String fileName, String cn, KeyPurposeId purpose, GeneralNames alt) throws Exception {
        KeyPair keys = keyPair();
        X509v3CertificateBuilder b = builder(new X500Name(ca.certificate().getSubjectX500Principal().getName()),
                new X500Name("CN=" + cn), keys);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
        if (alt != null) {
            b.addExtension(Extension.subjectAlternativeName, false, alt);
        }
        return write(dir, fileName, sign(b, ca.keys()), keys);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuerKeys) throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static Issued write(Path dir, String name, X509Certificate cert, KeyPair keys) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        Path crt = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        Files.writeString(crt, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(key, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        return new Issued(cert, keys, crt, key);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
