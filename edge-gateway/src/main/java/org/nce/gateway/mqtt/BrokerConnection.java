package org.nce.gateway.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT v5 connection of the gateway (Paho), reconnecting by itself. Every successful connect
 * starts a new {@link #epoch()}: what was in flight on an older connection is sent again from the
 * outbox, so the connection needs no session of its own (clean start; the outbox is the session).
 */
public final class BrokerConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerConnection.class);

    /** Where and how to connect; {@code will} (topic, payload) is the Last Will, retained, or null. */
    public record Settings(String serverUri, String clientId, String username, String password, SocketFactory socketFactory,
                           String willTopic, String willPayload, int keepAliveSeconds) {
    }

    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final String name;
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final Object changed = new Object();
    private volatile boolean connected;
    private volatile Runnable onConnect = () -> { };

    public BrokerConnection(Settings s) throws MqttException {
        this.name = s.clientId();
        client = new MqttAsyncClient(s.serverUri(), s.clientId(), new MemoryPersistence());
        options = new MqttConnectionOptions();
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 30);
        options.setCleanStart(true);
        options.setKeepAliveInterval(s.keepAliveSeconds());
        options.setConnectionTimeout(10);
        if (s.username() != null) {
            options.setUserName(s.username());
            options.setPassword(s.password() == null ? null : s.password().getBytes(StandardCharsets.UTF_8));
        }
        if (s.socketFactory() != null) {
            options.setSocketFactory(s.socketFactory());
        }
        if (s.willTopic() != null) {
            MqttMessage will = new MqttMessage(s.willPayload().getBytes(StandardCharsets.UTF_8));
            will.setQos(1);
            will.setRetained(true);
            options.setWill(s.willTopic(), will);
        }
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
                LOG.warn("{}: disconnected: {}", name, r.getReasonString() != null ? r.getReasonString() : r.getException());
                setConnected(false);
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
                LOG.warn("{}: {}", name, e.toString());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // publishes only
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
                // completion is seen through each publish's listener
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                if (reconnect) {
                    reconnects.incrementAndGet();
                }
                LOG.info("{}: connected to {}{}", name, serverURI, reconnect ? " again" : "");
                epoch.incrementAndGet();
                setConnected(true);
                onConnect.run();
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
                // no enhanced authentication
            }
        });
    }

    /**
     * Starts connecting and returns at once; a broker that is down now is retried in the background
     * (the outbox holds what is published meanwhile). A refused login is retried as well, and logged.
     */
    public BrokerConnection start() {
        connectInBackground();
        return this;
    }

    private void connectInBackground() {
        try {
            client.connect(options, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    // connectComplete does the work
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    // The first connect is not covered by automatic reconnect: retry it ourselves, backing off.
                    long delay = firstConnectDelayMs;
                    firstConnectDelayMs = Math.min(delay * 2, 60_000);
                    LOG.warn("{}: cannot connect ({}); trying again in {} s", name, e.toString(), delay / 1000);
                    Thread t = new Thread(() -> {
                        try {
                            Thread.sleep(delay);
                            if (!closed) {
                                connectInBackground();
                            }
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                        }
                    }, name + "-connect");
                    t.setDaemon(true);
                    t.start();
                }
            });
        } catch (MqttException e) {
            LOG.warn("{}: connect: {}", name, e.toString());
        }
    }

    private volatile boolean closed;
    private volatile long firstConnectDelayMs = 2_000;

    private void setConnected(boolean c) {
        synchronized (changed) {
            connected = c;
            changed.notifyAll();
        }
    }

    /** Runs on every connect, on Paho's thread (keep it short). */
    public void onConnect(Runnable r) {
        this.onConnect = r;
    }

    public boolean connected() {
        return connected && client.isConnected();
    }

    /** Waits up to {@code millis} for the connection to come up. */
    public boolean awaitConnected(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        synchronized (changed) {
            while (!connected() && !closed) {
                long left = end - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                changed.wait(Math.min(left, 200));
            }
        }
        return connected();
    }

    public long epoch() {
        return epoch.get();
    }

    public long reconnects() {
        return reconnects.get();
    }

    public void publish(String topic, byte[] payload, int qos, boolean retained, MqttActionListener listener) throws MqttException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(qos);
        m.setRetained(retained);
        client.publish(topic, m, null, listener);
    }

    /**
     * Publishes {@code payload} retained on {@code topic} and waits for the broker's ack; when the
     * client's in-flight window is full (a backlog being forwarded), waits for room rather than
     * giving up, within {@code timeoutMs}.
     */
    public void publishRetained(String topic, String payload, long timeoutMs) throws MqttException {
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        m.setRetained(true);
        long end = System.currentTimeMillis() + timeoutMs;
        while (true) {
            try {
                client.publish(topic, m).waitForCompletion(Math.max(1, end - System.currentTimeMillis()));
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT
                        || System.currentTimeMillis() > end) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (client.isConnected()) {
                client.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            LOG.debug("{}: disconnect: {}", name, e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("{}: close: {}", name, e.getMessage());
        }
        setConnected(false);
    }
}
