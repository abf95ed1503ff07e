package org.nce.gateway;

import javax.net.SocketFactory;
import org.nce.gateway.mqtt.tls.BrokerTls;

/** The socket factory for an {@code ssl://} broker from the config's TLS files. */
public final class Tls {
    private Tls() {
    }

    public static SocketFactory socketFactory(GatewayConfig.Tls tls) throws Exception {
        BrokerTls t = BrokerTls.trusting(tls.caFile());
        if (tls.certFile() != null) {
            t = t.withClientCertificate(tls.certFile(), tls.keyFile());
        }
        return t.socketFactory();
    }
}
