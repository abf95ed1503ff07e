package org.nce.gateway.mqtt.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/**
 * TLS from a gateway to its broker, from PEM files as Mosquitto uses them: the broker is trusted
 * only if its certificate chains to the given CA (not to the JVM's public CAs) and names the host
 * the gateway dialled (subjectAltName DNS or IP, checked as HTTPS does), and the gateway may
 * present a client certificate for brokers that require one.
 * <pre>{@code
 * MqttConnectionOptions o = new MqttConnectionOptions();
 * BrokerTls.trusting(Path.of("/etc/nce/tls/ca.crt")).applyTo(o);   // server URI ssl://broker.example:8883
 * }</pre>
 * The host name check is made by every socket the factory creates (endpoint identification
 * "HTTPS"), so it holds also where a caller forgets Paho's
 * {@link MqttConnectionOptions#setHttpsHostnameVerificationEnabled}. JDK only: a private key must
 * be an unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}, what {@code openssl genpkey}
 * writes); other forms are refused with the command that converts them. Protect the key file by
 * its permissions, as Mosquitto's own keyfile is.
 */
public final class BrokerTls {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    /** Key algorithms a PKCS#8 key may be for, tried in turn (the encoding names its algorithm by OID only). */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

    private final KeyStore trusted;
    private final KeyStore identity;
    private final String source;

    private BrokerTls(KeyStore trusted, KeyStore identity, String source) {
        this.trusted = trusted;
        this.identity = identity;
        this.source = source;
    }

    /** Trusts only the CA certificate(s) in {@code caPem} (one or more PEM certificates). */
    public static BrokerTls trusting(Path caPem) throws IOException, GeneralSecurityException {
        List<X509Certificate> cas = certificates(caPem);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            ks.setCertificateEntry("ca-" + i, cas.get(i));
        }
        return new BrokerTls(ks, null, "CA " + caPem);
    }

    /**
     * The same, presenting a client certificate: {@code certificatePem} holds the gateway's certificate
     * (then any intermediates), {@code privateKeyPem} its key as unencrypted PKCS#8.
     */
    public BrokerTls withClientCertificate(Path certificatePem, Path privateKeyPem) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = certificates(certificatePem);
        PrivateKey key = privateKey(privateKeyPem);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", key, new char[0], chain.toArray(new Certificate[0]));
        return new BrokerTls(trusted, ks, source + ", client certificate " + certificatePem);
    }

    /** A socket factory for {@link MqttConnectionOptions#setSocketFactory}; its sockets check the broker's host name. */
    public SSLSocketFactory socketFactory() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        KeyManagerFactory kmf = null;
        if (identity != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(identity, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return new HostCheckingFactory(ctx.getSocketFactory());
    }

    /** Sets {@code options}' socket factory to {@link #socketFactory()} and Paho's own host name check on; returns them. */
    public MqttConnectionOptions applyTo(MqttConnectionOptions options) throws GeneralSecurityException {
        options.setSocketFactory(socketFactory());
        options.setHttpsHostnameVerificationEnabled(true);
        return options;
    }

    @Override
    public String toString() {
        return "BrokerTls[" + source + "]";
    }

    private static List<X509Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (Block b : blocks(pem)) {
            if (b.type().equals("CERTIFICATE")) {
                out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(pem + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        List<Block> keys = new ArrayList<>();
        for (Block b : blocks(pem)) {
            if (b.type().endsWith("PRIVATE KEY")) {
                keys.add(b);
            }
        }
        if (keys.size() != 1) {
            throw new IllegalArgumentException(pem + " must hold exactly one PEM private key, found " + keys.size());
        }
        Block k = keys.get(0);
        if (!k.type().equals("PRIVATE KEY")) {
            throw new IllegalArgumentException(pem + " holds a '" + k.type() + "'; BrokerTls reads unencrypted PKCS#8 keys"
                    + " (-----BEGIN PRIVATE KEY-----): convert it with openssl pkcs8 -topk8 -nocrypt -in " + pem.getFileName()
                    + " -out client.pk8.pem");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(k.der());
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException e) {
                // not a key of this algorithm: try the next one
            }
        }
        throw new IllegalArgumentException(pem + " holds a PKCS#8 key of none of the algorithms " + KEY_ALGORITHMS);
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(Path pem) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        List<Block> out = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s", ""))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(pem + ": a PEM block (" + m.group(1) + ") is not valid base64", e);
            }
        }
        return out;
    }

    /** Sets endpoint identification "HTTPS" on every socket, so the handshake fails unless the certificate names the host. */
    private static final class HostCheckingFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        HostCheckingFactory(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private static Socket checked(Socket s) {
            if (s instanceof SSLSocket ssl) {
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(p);
            }
            return s;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return checked(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return checked(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return checked(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return checked(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return checked(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return checked(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
