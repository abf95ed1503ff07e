package org.nce.gateway.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A connected Paho v5 client for tests: QoS 1 publishes that return the broker's PUBACK reason code,
 * subscriptions whose messages land in {@link #received()} as "topic payload" (through the client's
 * callback: Paho 1.2.5 matches a per-subscription listener's filter literally, so one on $share/...
 * never fires).
 */
public final class MqttTestClient implements AutoCloseable {
    private final MqttClient mqtt;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    private MqttTestClient(MqttClient mqtt) {
        this.mqtt = mqtt;
    }

    /** Connects as {@code user} (null: no user name); {@code options} may carry TLS settings. */
    static MqttTestClient connect(String serverUri, String user, String password, MqttConnectionOptions options) throws MqttException {
        MqttClient c = new MqttClient(serverUri, "it-" + (user == null ? "anonymous" : user) + "-" + System.nanoTime(), new MemoryPersistence());
        options.setCleanStart(true);
        options.setConnectionTimeout(10);
        options.setAutomaticReconnect(false);
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        MqttTestClient t = new MqttTestClient(c);
        c.setCallback(t.new Callback());
        try {
            c.connect(options);
        } catch (MqttException e) {
            c.close(true);
            throw e;
        }
        return t;
    }

    public static MqttTestClient connect(String serverUri, String user, String password) throws MqttException {
        return connect(serverUri, user, password, new MqttConnectionOptions());
    }

    /** The PUBACK's reason code (0 success, 0x87 not authorized, 0x10 no matching subscribers). */
    int publish(String topic, String payload) throws MqttException {
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        IMqttToken t = mqtt.getTopic(topic).publish(m);
        t.waitForCompletion(10_000);
        int[] codes = t.getReasonCodes();
        return codes == null || codes.length == 0 ? 0 : codes[0];
    }

    /** The SUBACK's reason code for {@code filter} at QoS 1 (1 granted, 0x80 or above refused). */
    public int subscribe(String filter) throws MqttException {
        IMqttToken t = mqtt.subscribe(new MqttSubscription[] {new MqttSubscription(filter, 1)});
        t.waitForCompletion(10_000);
        return t.getReasonCodes()[0];
    }

    /** Each message as {@code <topic> <payload>}. */
    public BlockingQueue<String> received() {
        return received;
    }

    boolean isConnected() {
        return mqtt.isConnected();
    }

    @Override
    public void close() throws MqttException {
        try {
            if (mqtt.isConnected()) {
                mqtt.disconnect(5_000);
            }
        } catch (MqttException e) {
            // the broker is already closing the connection
        }
        mqtt.close(true);
    }

    private final class Callback implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage m) {
            received.add(topic + " " + new String(m.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
