package org.nce.demo;

import java.nio.charset.StandardCharsets;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * Publishes bytes as they are, QoS 1, waiting for each ack: for feeding a pipeline what no gateway
 * would send (malformed readings, truncated frames) in the demo and the tests. Not a gateway.
 */
public final class RawPublisher implements AutoCloseable {
    private final MqttClient client;

    public RawPublisher(String serverUri, String clientId, String username, String password) throws MqttException {
        client = new MqttClient(serverUri, clientId, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setUserName(username);
        o.setPassword(password == null ? null : password.getBytes(StandardCharsets.UTF_8));
        client.connect(o);
    }

    public void publish(String topic, byte[] payload) throws MqttException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        client.publish(topic, m);
    }

    @Override
    public void close() throws MqttException {
        client.disconnect();
        client.close();
    }
}
