package org.nce.pipeline.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
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
 * persistent session and redelivers it if this reader dies.
 *
 * <p>Normally one session (client) per reader, subscribed to every filter through a shared
 * subscription. Paho's callback thread hands messages to the task thread through a queue per
 * session that holds at least Receive Maximum messages: a broker that honours it never has more QoS 1
 * messages unacknowledged to us, so the queue never fills and Paho's thread never waits. (A waiting
 * Paho thread stops reading the socket, PINGRESP goes unread and the keepalive drops the connection.)
 * Flow control is the broker's: with the window full it stops sending until a checkpoint acks.
 * Mosquitto 2.0.11 does not honour it; {@link HandOffQueue} says what happens then.
 */
final class MqttSourceReader implements SourceReader<MqttRecord, MqttSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(MqttSourceReader.class);

    /** A received message and the connection (generation) it came on, which its ack must go back on. */
    private record Delivery(MqttRecord record, int messageId, int generation) {
    }

    private final MqttSourceOptions options;
    private final SourceReaderContext context;
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final AtomicInteger connectedSessions = new AtomicInteger();
    private final FilterActivity activity;
    private volatile CompletableFuture<Void> available = new CompletableFuture<>();
    /** Set first thing in {@link #close()}: a reconnect under way on the helper thread stops. */
    private volatile boolean closing;
    private ScheduledExecutorService helper;
    private int nextSession;
    private Counter received;
    private Counter redelivered;
    private Counter acked;
    private Counter staleAcksDropped;
    private Counter reconnects;
    private Counter connectionsLost;
    private Counter queueOverflows;
    private Counter overflowReconnects;
    private Counter subscribeFailures;

    MqttSourceReader(MqttSourceOptions options, SourceReaderContext context) {
        this.options = options;
        this.context = context;
        this.activity = new FilterActivity(options.topicFilters(), System.currentTimeMillis(), options.idleWarningMs());
    }

    @Override
    public void start() {
        var g = context.metricGroup();
        received = g.counter("mqttMessagesReceived");
        redelivered = g.counter("mqttMessagesRedelivered");
        acked = g.counter("mqttMessagesAcked");
        staleAcksDropped = g.counter("mqttAcksDroppedStale");
        // Incremented on Paho's threads.
        reconnects = g.counter("mqttReconnects", new ThreadSafeSimpleCounter());
        connectionsLost = g.counter("mqttConnectionsLost", new ThreadSafeSimpleCounter());
        queueOverflows = g.counter("mqttQueueOverflows", new ThreadSafeSimpleCounter());
        overflowReconnects = g.counter("mqttOverflowReconnects", new ThreadSafeSimpleCounter());
        subscribeFailures = g.counter("mqttSubscribeFailures", new ThreadSafeSimpleCounter());
        g.gauge("mqttConnectedSessions", (Gauge<Integer>) connectedSessions::get);
        for (String filter : options.topicFilters()) {
            g.addGroup("topic_filter", filter).gauge("mqttLastMessageAgeMs",
                    (Gauge<Long>) () -> activity.ageMs(filter, System.currentTimeMillis()));
        }
        helper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-helper-" + context.getIndexOfSubtask());
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1_000, Math.min(60_000, options.idleWarningMs() / 4));
        helper.scheduleWithFixedDelay(this::reportIdleFilters, period, period, TimeUnit.MILLISECONDS);
    }

    private void reportIdleFilters() {
        for (FilterActivity.Change c : activity.changes(System.currentTimeMillis())) {
            if (c.idle()) {
                LOG.warn("MQTT topic filter {} has had no input on subtask {} for {} s ({} of {} sessions connected):"
                                + " a lost subscription, silent gateways or a broker problem", c.filter(),
                        context.getIndexOfSubtask(), c.ageMs() / 1000, connectedSessions.get(), sessions.size());
            } else {
                LOG.info("MQTT topic filter {} receives again on subtask {}", c.filter(), context.getIndexOfSubtask());
            }
        }
    }

    @Override
    public InputStatus pollNext(ReaderOutput<MqttRecord> output) {
        List<Session> all = new ArrayList<>(sessions.values());
        Session from = null;
        Delivery d = null;
        // Round robin over sessions (more than one only after a scale-down), so none starves.
        for (int i = 0; i < all.size() && d == null; i++) {
            Session s = all.get((nextSession + i) % all.size());
            d = s.queue.poll();
            from = s;
        }
        nextSession++;
        if (d == null) {
            all.forEach(Session::recoverIfDrained);
            available = new CompletableFuture<>();
            // A message may have arrived between poll() and the new future: re-check before sleeping.
            if (all.stream().anyMatch(s -> !s.queue.isEmpty())) {
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
            from.acks.emitted(d.generation(), d.messageId(), d.record().qos());
        }
        return all.stream().anyMatch(s -> !s.queue.isEmpty()) ? InputStatus.MORE_AVAILABLE : InputStatus.NOTHING_AVAILABLE;
    }

    @Override
    public List<MqttSplit> snapshotState(long checkpointId) {
        List<MqttSplit> out = new ArrayList<>();
        for (Session s : sessions.values()) {
            s.acks.snapshot(checkpointId);
            s.markDrainedAt(checkpointId);
            out.add(s.split);
        }
        return out;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        for (Session s : sessions.values()) {
            s.ackUpTo(checkpointId);
            s.recoverIfCovered(checkpointId);
            s.recoverIfDrained();
        }
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return available;
    }

    @Override
    public void addSplits(List<MqttSplit> newSplits) {
        for (MqttSplit split : newSplits) {
            if (sessions.containsKey(split.splitId())) {
                continue; // two clients with one id would take the session from each other in turn
            }
            Session s = new Session(split);
            try {
                s.open();
            } catch (MqttException e) {
                s.close();
                throw new IllegalStateException("cannot connect " + split.clientId() + " to " + options.serverUri()
                        + " and subscribe to " + options.topicFilters() + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
            sessions.put(split.splitId(), s);
        }
    }

    @Override
    public void notifyNoMoreSplits() {
    }

    @Override
    public void close() {
        closing = true;
        if (helper != null) {
            helper.shutdownNow();
            try {
                // A reconnect for redelivery must be over before the clients close: a client still
                // connecting would come up after close() and fight the restored reader for the session.
                if (!helper.awaitTermination(40, TimeUnit.SECONDS)) {
                    LOG.warn("MQTT source: a reconnect was still under way after 40 s; closing its client anyway");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Session s : sessions.values()) {
            s.close();
        }
        sessions.clear();
    }

    /** One persistent session: its Paho client, its queue to the task thread and the acks it owes. */
    private final class Session implements MqttCallback {
        final MqttSplit split;
        final HandOffQueue<Delivery> queue = new HandOffQueue<>(options.queueCapacity());
        /** Task thread only. */
        final PendingAcks acks = new PendingAcks();
        /** The connection messages arrive on; bumped under this session's lock (see {@link #ackUpTo}). */
        private final AtomicInteger generation = new AtomicInteger();
        private final AtomicBoolean connected = new AtomicBoolean();
        /** After an overflow: the checkpoint that covers everything received before it, or -1. Task thread. */
        private long drainedAtCheckpoint = -1;
        private final AtomicBoolean recovering = new AtomicBoolean();
        private final String[] sharedFilters;
        private final int[] qos;
        private MqttAsyncClient client;
        /** Set once open() has subscribed: every later connection subscribes again. */
        private volatile boolean subscribed;

        Session(MqttSplit split) {
            this.split = split;
            this.sharedFilters = options.topicFilters().stream()
                    .map(f -> options.sharedSubscriptions() ? TopicFilters.shared(options.shareGroup(), f) : f)
                    .toArray(String[]::new);
            this.qos = new int[sharedFilters.length];
            java.util.Arrays.fill(qos, options.qos());
        }

        void open() throws MqttException {
            client = new MqttAsyncClient(options.serverUri(), split.clientId(), new MemoryPersistence());
            client.setManualAcks(true);
            client.setCallback(this);
            IMqttToken conn = client.connect(connectionOptions());
            conn.waitForCompletion(30_000);
            boolean sessionPresent = conn.getSessionPresent();
            IMqttToken sub = client.subscribe(sharedFilters, qos);
            sub.waitForCompletion(30_000);
            String refused = refusal(sub.getReasonCodes());
            if (refused != null) {
                throw new IllegalStateException("broker refused subscription " + refused + " for " + options.username()
                        + ": check the ACL (it must let the user read the filter; Mosquitto checks it without $share/<group>/)");
            }
            if (sessionPresent) {
                // A resumed session may hold the other form of our filters from an earlier config (plain
                // ones from before shared subscriptions, or shared ones from before they were switched
                // off); left in place they would deliver every message a second time. Never our own:
                // unsubscribing what was just subscribed left the reader deaf on every restart.
                String[] stale = options.topicFilters().stream()
                        .map(f -> options.sharedSubscriptions() ? f : TopicFilters.shared(options.shareGroup(), f))
                        .toArray(String[]::new);
                try {
                    client.unsubscribe(stale).waitForCompletion(30_000);
                } catch (MqttException e) {
                    LOG.debug("MQTT {}: unsubscribing stale filters: {}", split.clientId(), e.getMessage());
                }
            }
            subscribed = true;
            LOG.info("MQTT {} subscribed to {} (qos {}, persistent session{}, receive maximum {})", split.clientId(),
                    List.of(sharedFilters), options.qos(), sessionPresent ? " resumed" : " new", options.receiveMaximum());
        }

        private MqttConnectionOptions connectionOptions() {
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setCleanStart(false);
            o.setSessionExpiryInterval(options.sessionExpirySeconds());
            o.setAutomaticReconnect(true);
            // Retry after 1 s, doubling to at most 30 s: a broker back after an outage is found soon.
            o.setAutomaticReconnectDelay(1, 30);
            o.setReceiveMaximum(options.receiveMaximum());
            o.setKeepAliveInterval(options.keepAliveSeconds());
            if (options.username() != null) {
                o.setUserName(options.username());
                String password = options.resolvePassword();
                o.setPassword(password == null ? null : password.getBytes(StandardCharsets.UTF_8));
            }
            return o;
        }

        /** The first refused filter with its reason code, or null when all were granted. */
        private String refusal(int[] codes) {
            for (int i = 0; codes != null && i < codes.length; i++) {
                if (codes[i] >= 0x80) {
                    String filter = i < sharedFilters.length ? sharedFilters[i] : List.of(sharedFilters).toString();
                    return filter + " (reason code 0x" + Integer.toHexString(codes[i]) + ")";
                }
            }
            return null;
        }

        /** Sends the acks checkpoint {@code checkpointId} released, on the connection they came from only. */
        void ackUpTo(long checkpointId) {
            // The lock keeps a reconnect from bumping the generation between the check and the send.
            synchronized (this) {
                PendingAcks.Released r = acks.complete(checkpointId, generation.get());
                staleAcksDropped.inc(r.dropped());
                for (PendingAcks.Ack a : r.toSend()) {
                    try {
                        if (client.isConnected()) {
                            client.messageArrivedComplete(a.messageId(), a.qos());
                            acked.inc();
                        }
                    } catch (MqttException e) {
                        // Not acknowledged means redelivered later: at-least-once still holds.
                        LOG.warn("could not acknowledge MQTT message {} on {}: {}", a.messageId(), split.clientId(), e.getMessage());
                    }
                }
            }
        }

        /**
         * After an overflow, once everything queued has been emitted and acknowledged (a checkpoint
         * completed), reconnects so that the broker redelivers what was left unacknowledged. Waiting
         * for the acks first means each round makes progress (nothing acked is sent again).
         * Task thread; the reconnect itself runs on the helper thread.
         */
        void recoverIfDrained() {
            Object connection = queue.needsReconnect();
            if (connection != null && queue.isEmpty() && acks.size() == 0) {
                reconnectForRedelivery(connection);
            }
        }

        /**
         * The first checkpoint taken with the queue empty after an overflow: everything received
         * before it has been emitted, so once it completes all of that is acknowledged. Under steady
         * load something is always emitted after the latest checkpoint, so waiting for "no pending
         * acks at all" (recoverIfDrained) could wait for ever; this does not. Task thread.
         */
        void markDrainedAt(long checkpointId) {
            if (queue.needsReconnect() != null && drainedAtCheckpoint < 0 && queue.isEmpty()) {
                drainedAtCheckpoint = checkpointId;
            }
        }

        void recoverIfCovered(long completedCheckpointId) {
            Object connection = queue.needsReconnect();
            if (connection != null && drainedAtCheckpoint >= 0 && completedCheckpointId >= drainedAtCheckpoint) {
                reconnectForRedelivery(connection); // emitted since and not yet acked: redelivered too (duplicates, never a loss)
            }
        }

        private void reconnectForRedelivery(Object connection) {
            if (!closing && recovering.compareAndSet(false, true)) {
                drainedAtCheckpoint = -1;
                queue.reconnectAsked(connection);
                helper.execute(() -> {
                    boolean underWay = false;
                    try {
                        synchronized (this) {
                            generation.incrementAndGet(); // Paho reports no disconnected() for our own disconnect
                        }
                        overflowReconnects.inc();
                        LOG.info("MQTT {}: caught up after a full queue, reconnecting for redelivery", split.clientId());
                        try {
                            client.disconnect(0).waitForCompletion(5_000);
                        } catch (MqttException e) {
                            // Already disconnecting or disconnected (the connection dropped meanwhile), or
                            // the disconnect outlasted its 5 s: reconnect all the same (unless closing).
                            LOG.debug("MQTT {}: disconnect before the resend: {}", split.clientId(), e.getMessage());
                        }
                        if (connected.compareAndSet(true, false)) {
                            connectedSessions.decrementAndGet();
                        }
                        underWay = reconnect();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // the reader is closing
                    } finally {
                        if (!underWay) {
                            // Asked for again at the next completed checkpoint (or poll) that finds it drained.
                            queue.reconnectFailed(connection);
                        }
                        recovering.set(false);
                    }
                });
            }
        }

        /**
         * Starts the reconnect once Paho has finished the disconnect; true when a connection is under
         * way or up. Paho 1.2.5 completes a disconnect's token before its shutdown ends, and a
         * reconnect tried meanwhile fails with "currently disconnecting": once, that left a session
         * disconnected for good (no automatic reconnect after our own disconnect) and the job deaf
         * to half its input. A failed connection attempt Paho retries itself.
         */
        private boolean reconnect() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!closing) {
                try {
                    client.reconnect(); // connectComplete(true, ..) subscribes again
                    return true;
                } catch (MqttException e) {
                    int rc = e.getReasonCode();
                    if (rc == MqttClientException.REASON_CODE_CLIENT_CONNECTED || rc == MqttClientException.REASON_CODE_CONNECT_IN_PROGRESS) {
                        return true;
                    }
                    if (rc == MqttClientException.REASON_CODE_CLIENT_CLOSED) {
                        return false;
                    }
                    if (System.nanoTime() > deadline) {
                        LOG.warn("MQTT {}: reconnect after a full queue still failing after 30 s ({}); asked for again"
                                + " at the next checkpoint", split.clientId(), e.getMessage());
                        return false;
                    }
                    Thread.sleep(50);
                }
            }
            return false;
        }

        @Override
        public void messageArrived(String topic, MqttMessage m) {
            long now = System.currentTimeMillis();
            activity.received(topic, now);
            MqttRecord r = new MqttRecord(topic, m.getPayload(), m.getQos(), m.isDuplicate(), now);
            // Never wait here. A broker that honours Receive Maximum never fills the queue with QoS
            // 1 messages; Mosquitto 2.0.11 does (after an ack it sends a whole new window). What is
            // left out stays unacknowledged in the session; recoverIfDrained() reconnects once the
            // task has caught up and the broker sends it again, in order (HandOffQueue). (Throwing
            // instead would make Paho 1.2.5 stop its callback thread for good while the connection
            // stays up: a silent stall.)
            // The connection is Paho's callback thread, which it starts afresh for each (see HandOffQueue).
            switch (queue.offer(new Delivery(r, m.getId(), generation.get()), m.getQos() > 0, Thread.currentThread())) {
                case TAKEN -> available.complete(null);
                case LEFT_OUT -> queueOverflows.inc();
                case FULL -> {
                    queueOverflows.inc();
                    if (m.getQos() > 0) {
                        LOG.warn("MQTT {}: queue of {} full (broker sent more than Receive Maximum {} unacknowledged):"
                                        + " leaving this connection's messages unacknowledged, reconnecting for their"
                                        + " redelivery in order once caught up",
                                split.clientId(), options.queueCapacity(), options.receiveMaximum());
                    }
                }
            }
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            synchronized (this) {
                generation.incrementAndGet();
            }
            if (connected.compareAndSet(false, true)) {
                connectedSessions.incrementAndGet();
            }
            if (reconnect || subscribed) {
                // Every connection after the first, Paho's own reconnects and ours after a full queue
                // alike: Paho says "reconnect" only for its own (ours come as a first connect), and
                // does not tell whether the broker still had our subscriptions (an outage longer than
                // the session expiry, a broker restarted without persistence, or from a snapshot that
                // lacked one: after a Mosquitto kill -9 during our reconnect, every frame of a
                // scenario went missing while its readings came). Subscribing is idempotent, and
                // shared subscriptions get no retained messages.
                reconnects.inc();
                if (reconnect) {
                    LOG.warn("MQTT {} reconnected to {}: subscribing again to {}", split.clientId(), serverUri, List.of(sharedFilters));
                } else {
                    LOG.debug("MQTT {} connected again: subscribing again", split.clientId());
                }
                resubscribe();
            }
        }

        private void resubscribe() {
            try {
                client.subscribe(sharedFilters, qos, null, new MqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        String refused = refusal(token.getReasonCodes());
                        if (refused != null) {
                            subscribeFailures.inc();
                            LOG.error("MQTT {}: broker refused subscription {} after reconnect: no input", split.clientId(), refused);
                        }
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable e) {
                        subscribeFailures.inc();
                        LOG.error("MQTT {}: subscribing again after reconnect failed: {}", split.clientId(), e.getMessage());
                    }
                });
            } catch (MqttException e) {
                subscribeFailures.inc();
                LOG.error("MQTT {}: subscribing again after reconnect failed: {}", split.clientId(), e.getMessage());
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse r) {
            // Bumped here too, so acks sent while the reconnect is under way are dropped as well.
            synchronized (this) {
                generation.incrementAndGet();
            }
            if (connected.compareAndSet(true, false)) {
                connectedSessions.decrementAndGet();
            }
            connectionsLost.inc();
            LOG.warn("MQTT {} disconnected: {}", split.clientId(),
                    r.getException() != null ? r.getException().getMessage() : r.getReasonString());
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
            LOG.warn("MQTT {} error: {}", split.clientId(), e.getMessage());
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }

        void close() {
            if (client == null) {
                return;
            }
            try {
                if (client.isConnected()) {
                    client.disconnect(5_000).waitForCompletion(5_000);
                }
            } catch (MqttException e) {
                LOG.debug("MQTT disconnect: {}", e.getMessage());
            } finally {
                try {
                    client.close(true);
                } catch (MqttException e) {
                    LOG.debug("MQTT close: {}", e.getMessage());
                }
                if (connected.compareAndSet(true, false)) {
                    connectedSessions.decrementAndGet();
                }
            }
        }
    }
}
