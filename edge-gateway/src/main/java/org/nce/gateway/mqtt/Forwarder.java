package org.nce.gateway.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.nce.gateway.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one lane of the outbox over one broker connection, oldest first, at QoS 1, with at most
 * {@code window} messages unacknowledged; deletes an entry once the broker has acknowledged it.
 * After every (re)connect it starts again from the oldest entry still in the outbox, so whatever
 * was in flight when the connection or the gateway died is sent again: at least once, in order
 * per lane, duplicates recognised downstream by message id.
 */
public final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    private final Outbox outbox;
    private final Outbox.Lane lane;
    private final BrokerConnection connection;
    private final int window;
    private final Thread thread;
    private final Semaphore credits;
    private final ConcurrentLinkedQueue<Outbox.Acked> acked = new ConcurrentLinkedQueue<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong refusedByBroker = new AtomicLong();
    private final AtomicLong poisonDropped = new AtomicLong();
    private long headId = -1;
    private int headStrikes;
    /** Set when the broker refused a message (PUBACK reason >= 0x80): start again from the oldest after a pause. */
    private volatile long retryRefusedAt;
    private volatile long lastRefusalLog;
    private volatile boolean running = true;

    public Forwarder(Outbox outbox, Outbox.Lane lane, BrokerConnection connection, int window) {
        this.outbox = outbox;
        this.lane = lane;
        this.connection = connection;
        this.window = window;
        this.credits = new Semaphore(window);
        this.thread = new Thread(this::run, "forward-" + lane.name().toLowerCase(java.util.Locale.ROOT));
        thread.setDaemon(true);
    }

    public Forwarder start() {
        thread.start();
        return this;
    }

    private void run() {
        long epoch = -1;
        long cursor = 0;
        long highest = 0;
        long lastDelete = System.nanoTime();
        while (running) {
            try {
                if (!connection.connected()) {
                    connection.awaitConnected(500);
                    continue;
                }
                long refusedAt = retryRefusedAt;
                if (refusedAt != 0) {
                    // The broker refused an entry (ACL, quota, size): nothing is deleted; wait, then
                    // send again from the oldest entry, which is still there.
                    long wait = refusedAt - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(Math.min(wait, 500));
                        continue;
                    }
                    retryRefusedAt = 0;
                    deleteAcked();
                    cursor = 0;
                    credits.drainPermits();
                    credits.release(window);
                    epoch = connection.epoch();
                }
                long now = connection.epoch();
                if (now != epoch) {
                    // New connection: what the old one had in flight is lost with it; start over from
                    // the oldest entry not yet acknowledged (acknowledged ones are deleted first).
                    deleteAcked();
                    dropPoisonHead();
                    epoch = now;
                    if (highest > 0) {
                        resent.addAndGet(Math.max(0, window - credits.availablePermits()));
                    }
                    cursor = 0;
                    credits.drainPermits();
                    credits.release(window);
                }
                if (!credits.tryAcquire(20, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                int free = 1 + credits.drainPermits();
                long committed = outbox.maxId(lane); // read before the query: every id up to it is visible to it
                List<Outbox.Entry> batch = outbox.after(lane, cursor, free);
                if (batch.size() < free) {
                    credits.release(free - batch.size());
                }
                if (batch.isEmpty()) {
                    // Nothing after the cursor up to what is committed: move it there, or an emptied lane
                    // (cursor reset to 0 after a reconnect) would query in a loop without waiting.
                    cursor = Math.max(cursor, committed);
                    deleteAcked();
                    lastDelete = System.nanoTime();
                    outbox.awaitAfter(lane, cursor, 200);
                    continue;
                }
                for (int i = 0; i < batch.size(); i++) {
                    Outbox.Entry e = batch.get(i);
                    if (!send(e, epoch)) {
                        credits.release(batch.size() - i);
                        break;
                    }
                    cursor = e.id();
                    highest = Math.max(highest, e.id());
                }
                if (acked.size() >= 512 || System.nanoTime() - lastDelete > 50_000_000L) {
                    deleteAcked();
                    lastDelete = System.nanoTime();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.warn("forwarder {}: {}", lane, e.toString());
                sleepQuietly(500);
            }
        }
        deleteAcked();
    }

    /**
     * A frame the broker never takes (larger than its maximum packet size: the broker or Paho drops
     * the connection) would block the frames lane for good, being first after every reconnect. When
     * the same oldest frame has outlived five connections, it is deleted and counted, with an ERROR.
     * Readings are never deleted this way (an ERROR only): they are small, and losing one is worse.
     */
    private void dropPoisonHead() throws java.sql.SQLException {
        List<Outbox.Entry> head = outbox.after(lane, 0, 1);
        long id = head.isEmpty() ? -1 : head.get(0).id();
        if (id != headId) {
            headId = id;
            headStrikes = 0;
            return;
        }
        if (id < 0 || ++headStrikes < 5) {
            return;
        }
        if (lane == Outbox.Lane.FRAMES) {
            outbox.delete(lane, List.of(new Outbox.Acked(id, head.get(0).payload().length)));
            poisonDropped.incrementAndGet();
            LOG.error("forwarder {}: entry {} on {} ({} bytes) outlived 5 connections without an ack (larger than the broker accepts?); "
                    + "dropped", lane, id, head.get(0).topic(), head.get(0).payload().length);
        } else {
            LOG.error("forwarder {}: entry {} on {} outlived {} connections without an ack; kept", lane, id, head.get(0).topic(), headStrikes);
        }
        headStrikes = 0;
    }

    /** False when the client would not take it now (disconnected, its own window full): retried later. */
    private boolean send(Outbox.Entry e, long epoch) {
        try {
            connection.publish(e.topic(), e.payload(), 1, false, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] codes = token.getReasonCodes();
                    if (codes != null && codes.length > 0 && (codes[0] == 0x90 || codes[0] == 0x95)) {
                        // Topic name invalid, packet too large: this entry can never be taken. Kept, it
                        // would hold the lane back for good; dropped, counted, said at ERROR.
                        unsendable(e, codes[0]);
                        acked.add(new Outbox.Acked(e.id(), e.payload().length));
                    } else if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                        refused(e, codes[0]);
                    } else {
                        acked.add(new Outbox.Acked(e.id(), e.payload().length));
                        published.incrementAndGet();
                    }
                    if (connection.epoch() == epoch) {
                        credits.release();
                    }
                }

                @Override
                public void onFailure(IMqttToken token, Throwable ex) {
                    // Lost with its connection; the next connection sends it again.
                    if (connection.epoch() == epoch) {
                        credits.release();
                    }
                }
            });
            return true;
        } catch (MqttException | RuntimeException ex) {
            if (!(ex instanceof MqttException me) || me.getReasonCode() != org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                LOG.debug("forwarder {}: {}", lane, ex.toString());
            }
            sleepQuietly(5);
            return false;
        }
    }

    private void unsendable(Outbox.Entry e, int code) {
        poisonDropped.incrementAndGet();
        LOG.error("forwarder {}: the broker can never take entry {} on {} ({} bytes; PUBACK reason 0x{}: {}); dropped",
                lane, e.id(), e.topic(), e.payload().length, Integer.toHexString(code), code == 0x95 ? "packet too large" : "topic name invalid");
    }

    /**
     * A PUBACK with a reason code of 0x80 or more: the broker did not take the message (0x87 not
     * authorized: the ACL; 0x97 quota exceeded; 0x95 too large). Paho completes such a token as a
     * success, so without this check the entry would be deleted and lost. It stays; the lane pauses
     * 5 s and sends again from the oldest entry; an ERROR says why (once per 10 s).
     */
    private void refused(Outbox.Entry e, int code) {
        refusedByBroker.incrementAndGet();
        retryRefusedAt = System.currentTimeMillis() + 5_000;
        long now = System.currentTimeMillis();
        if (now - lastRefusalLog > 10_000) {
            lastRefusalLog = now;
            LOG.error("forwarder {}: the broker refused {} (PUBACK reason 0x{}{}); kept in the outbox, sending again in 5 s ({} refusals so far)",
                    lane, e.topic(), Integer.toHexString(code), code == 0x87 ? ": not authorized, check the broker's ACL for this gateway's user" : "",
                    refusedByBroker.get());
        }
    }

    private void deleteAcked() {
        if (acked.isEmpty()) {
            return;
        }
        List<Outbox.Acked> done = new ArrayList<>();
        for (Outbox.Acked a; (a = acked.poll()) != null; ) {
            done.add(a);
        }
        outbox.delete(lane, done);
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Messages the broker has acknowledged. */
    public long published() {
        return published.get();
    }

    /** Entries dropped because the broker can never take them (too large, invalid topic, or a frame outliving five connections). */
    public long poisonDropped() {
        return poisonDropped.get();
    }

    /** Messages the broker refused (kept and sent again). */
    public long refusedByBroker() {
        return refusedByBroker.get();
    }

    public long resent() {
        return resent.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
