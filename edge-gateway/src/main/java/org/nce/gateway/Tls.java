package org.nce.gateway;

import javax.net.SocketFactory;

/** The socket factory for an {@code ssl://} broker from the config's TLS files. */
final class Tls {
    private Tls() {
    }

    static SocketFactory socketFactory(GatewayConfig.Tls tls) throws Exception {
        throw new UnsupportedOperationException("TLS: pending BrokerTls");
    }
}
