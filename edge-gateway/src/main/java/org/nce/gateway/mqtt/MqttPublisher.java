package org.nce.gateway.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes over MQTT v5 (Paho) at QoS 1 and never blocks its caller: when the in-flight window or
 * the offline buffer is full, the message is dropped and counted. While disconnected, messages wait
 * in Paho's bounded offline buffer and go out on reconnect.
 */
public final class MqttPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttPublisher.class);

    private final MqttAsyncClient client;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public MqttPublisher(String serverUri, String clientId, String username, String password) throws MqttException {
        client = new MqttAsyncClient(serverUri, clientId, new MemoryPersistence());
        DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
        buffer.setBufferEnabled(true);
        buffer.setBufferSize(5_000);
        buffer.setDeleteOldestMessages(false);
        client.setBufferOpts(buffer);
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setAutomaticReconnect(true);
        o.setCleanStart(true);
        o.setKeepAliveInterval(30);
        if (username != null) {
            o.setUserName(username);
            o.setPassword(password == null ? null : password.getBytes(StandardCharsets.UTF_8));
        }
        client.connect(o).waitForCompletion(30_000);
        LOG.info("gateway {} connected to {}", clientId, serverUri);
    }

    /** Returns false (and counts a drop) when the message could not be queued. */
    public boolean publish(String topic, byte[] payload) {
        try {
            MqttMessage m = new MqttMessage(payload);
            m.setQos(1);
            client.publish(topic, m);
            published.incrementAndGet();
            return true;
        } catch (MqttException e) {
            dropped.incrementAndGet();
            LOG.debug("dropped message on {}: {}", topic, e.getMessage());
            return false;
        }
    }

    public long published() {
        return published.get();
    }

    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(5_000).waitForCompletion(5_000);
            }
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("disconnect: {}", e.getMessage());
        }
    }
}
