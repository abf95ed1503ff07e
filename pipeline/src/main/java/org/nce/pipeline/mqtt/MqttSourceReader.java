package org.nce.pipeline.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.Counter;
import org.eclipse.paho.mqttv5.client.IMqttToken;
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
 * Reads MQTT messages with manual acknowledgement. A message is acknowledged to the broker only
 * when the checkpoint taken after it was emitted completes; until then the broker holds it in the
 * persistent session and redelivers it if this reader dies. Paho's callback thread hands messages
 * to the task thread through a bounded queue, so a slow job pushes back on the broker instead of
 * buffering without limit.
 */
final class MqttSourceReader implements SourceReader<MqttRecord, MqttSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(MqttSourceReader.class);

    private record Delivery(MqttSplit split, MqttRecord record, int messageId) {
    }

    private record Ack(String splitId, int messageId, int qos) {
    }

    private final MqttSourceOptions options;
    private final SourceReaderContext context;
    private final BlockingQueue<Delivery> queue;
    private final Map<String, MqttSplit> splits = new LinkedHashMap<>();
    private final Map<String, MqttAsyncClient> clients = new LinkedHashMap<>();
    private final TreeMap<Long, List<Ack>> acksByCheckpoint = new TreeMap<>();
    private List<Ack> emittedSinceSnapshot = new ArrayList<>();
    private volatile CompletableFuture<Void> available = new CompletableFuture<>();
    private Counter received;
    private Counter redelivered;
    private Counter acked;

    MqttSourceReader(MqttSourceOptions options, SourceReaderContext context) {
        this.options = options;
        this.context = context;
        this.queue = new LinkedBlockingQueue<>(options.queueCapacity());
    }

    @Override
    public void start() {
        received = context.metricGroup().counter("mqttMessagesReceived");
        redelivered = context.metricGroup().counter("mqttMessagesRedelivered");
        acked = context.metricGroup().counter("mqttMessagesAcked");
    }

    @Override
    public InputStatus pollNext(ReaderOutput<MqttRecord> output) {
        Delivery d = queue.poll();
        if (d == null) {
            available = new CompletableFuture<>();
            // A message may have arrived between poll() and the new future: re-check before sleeping.
            if (!queue.isEmpty()) {
                available.complete(null);
            }
            return InputStatus.NOTHING_AVAILABLE;
        }
        output.collect(d.record(), d.record().receivedAt());
        received.inc();
        if (d.record().duplicate()) {
            redelivered.inc();
        }
        if (d.record().qos() > 0) {
            emittedSinceSnapshot.add(new Ack(d.split().splitId(), d.messageId(), d.record().qos()));
        }
        return queue.isEmpty() ? InputStatus.NOTHING_AVAILABLE : InputStatus.MORE_AVAILABLE;
    }

    @Override
    public List<MqttSplit> snapshotState(long checkpointId) {
        acksByCheckpoint.put(checkpointId, emittedSinceSnapshot);
        emittedSinceSnapshot = new ArrayList<>();
        return new ArrayList<>(splits.values());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        Map<Long, List<Ack>> done = acksByCheckpoint.headMap(checkpointId, true);
        for (List<Ack> acks : done.values()) {
            for (Ack a : acks) {
                MqttAsyncClient c = clients.get(a.splitId());
                try {
                    if (c != null && c.isConnected()) {
                        c.messageArrivedComplete(a.messageId(), a.qos());
                        acked.inc();
                    }
                } catch (MqttException e) {
                    // Not acknowledged means redelivered later: at-least-once still holds.
                    LOG.warn("could not acknowledge MQTT message {} on {}: {}", a.messageId(), a.splitId(), e.getMessage());
                }
            }
        }
        done.clear();
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return available;
    }

    @Override
    public void addSplits(List<MqttSplit> newSplits) {
        for (MqttSplit s : newSplits) {
            splits.put(s.splitId(), s);
            try {
                clients.put(s.splitId(), connect(s));
            } catch (MqttException e) {
                throw new IllegalStateException("cannot subscribe to " + s.topicFilter() + " at "
                        + options.serverUri() + ": " + e.getMessage(), e);
            }
        }
    }

    private MqttAsyncClient connect(MqttSplit split) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(options.serverUri(), split.clientId(), new MemoryPersistence());
        client.setManualAcks(true);
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
                LOG.warn("MQTT {} disconnected: {}", split.clientId(), r.getReasonString());
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
                LOG.warn("MQTT {} error: {}", split.clientId(), e.getMessage());
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) throws InterruptedException {
                MqttRecord r = new MqttRecord(topic, m.getPayload(), m.getQos(), m.isDuplicate(), System.currentTimeMillis());
                // Blocks Paho's thread when the job is behind: the broker then stops sending (flow control).
                while (!queue.offer(new Delivery(split, r, m.getId()), 1, TimeUnit.SECONDS)) {
                    LOG.debug("MQTT queue full, holding delivery on {}", topic);
                }
                available.complete(null);
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                LOG.info("MQTT {} connected to {} (reconnect={})", split.clientId(), serverUri, reconnect);
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(options.sessionExpirySeconds());
        o.setAutomaticReconnect(true);
        o.setReceiveMaximum(options.receiveMaximum());
        o.setKeepAliveInterval(options.keepAliveSeconds());
        if (options.username() != null) {
            o.setUserName(options.username());
            o.setPassword(options.password() == null ? null : options.password().getBytes(StandardCharsets.UTF_8));
        }
        client.connect(o).waitForCompletion(30_000);
        IMqttToken sub = client.subscribe(split.topicFilter(), options.qos());
        sub.waitForCompletion(30_000);
        int[] granted = sub.getReasonCodes();
        if (granted != null && granted.length > 0 && granted[0] >= 0x80) {
            throw new IllegalStateException("broker refused subscription to " + split.topicFilter() + " for "
                    + options.username() + " (reason code 0x" + Integer.toHexString(granted[0]) + ": check the ACL)");
        }
        LOG.info("MQTT {} subscribed to {} (qos {}, persistent session)", split.clientId(), split.topicFilter(), options.qos());
        return client;
    }

    @Override
    public void notifyNoMoreSplits() {
    }

    @Override
    public void close() throws Exception {
        for (MqttAsyncClient c : clients.values()) {
            try {
                if (c.isConnected()) {
                    c.disconnect(5_000).waitForCompletion(5_000);
                }
            } catch (MqttException e) {
                LOG.debug("MQTT disconnect: {}", e.getMessage());
            } finally {
                c.close(true);
            }
        }
        clients.clear();
    }
}
