package org.nce.gateway.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.gateway.mqtt.tls.BrokerTls;

/** What BrokerTls accepts and refuses, without a network. */
class BrokerTlsTest {
    @TempDir
    Path dir;

    @Test
    void itsSocketsCheckTheHostName() throws Exception {
        TestPki.Issued ca = TestPki.ca(dir, "ca");
        try (SSLSocket s = (SSLSocket) BrokerTls.trusting(ca.certificatePem()).socketFactory().createSocket()) {
            assertEquals("HTTPS", s.getSSLParameters().getEndpointIdentificationAlgorithm());
        }
    }

    @Test
    void aClientKeyInPkcs8IsRead() throws Exception {
        TestPki.Issued ca = TestPki.ca(dir, "ca");
        TestPki.Issued client = TestPki.client(dir, ca, "client", "site-a");
        BrokerTls tls = BrokerTls.trusting(ca.certificatePem()).withClientCertificate(client.certificatePem(), client.keyPem());
        assertTrue(tls.toString().contains("client.crt"), tls.toString());
        tls.socketFactory();
    }

    @Test
    void aFileWithoutCertificateIsRefusedByName() throws Exception {
        Path empty = Files.writeString(dir.resolve("ca.crt"), "not a certificate\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BrokerTls.trusting(empty));
        assertTrue(e.getMessage().contains("ca.crt"), e.getMessage());
    }

    @Test
    void aTraditionalOrEncryptedKeyIsRefusedWithTheConversion() throws Exception {
        TestPki.Issued ca = TestPki.ca(dir, "ca");
        TestPki.Issued client = TestPki.client(dir, ca, "client", "site-a");
        for (String type : new String[] {"EC PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"}) {
            Path key = Files.writeString(dir.resolve("legacy.key"), TestPki.pem(type, new byte[] {1, 2, 3}));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BrokerTls.trusting(ca.certificatePem()).withClientCertificate(client.certificatePem(), key));
            assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), e.getMessage());
        }
    }
}
