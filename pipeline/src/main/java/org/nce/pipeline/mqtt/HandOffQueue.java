package org.nce.pipeline.mqtt;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * The hand-over from Paho's callback thread to the task thread, which never makes Paho's thread
 * wait and never reorders a connection's QoS 1 messages (the only acknowledged QoS the source
 * takes: Paho 1.2.5 completes QoS 2's PUBREC/PUBCOMP itself, so a QoS 2 message left out would
 * never come again).
 *
 * <p>When the queue is full, a message is left out: unacknowledged, so the broker sends it again
 * on the next connection. From then on every later QoS 1 message of that connection is left out
 * too, even once there is room: taking one would put it ahead of those left out. The camera and
 * sensor stages follow each source's line of time and do not judge data that arrives behind newer
 * data again, so a reordered burst (a TaskManager kill's redelivery running into a full queue)
 * lost whole fires and exceedances. The first message of another connection ends it: on a new
 * connection the broker resends in its order, what was left out first.
 *
 * <p>A connection is whatever identifies it to the caller; the reader passes Paho's callback
 * thread, which Paho 1.2.5 starts afresh for every connection and which alone delivers messages,
 * so no message of an old connection can be taken after the new one began.
 */
final class HandOffQueue<T> {
    enum Offer {
        /** Queued for the task. */
        TAKEN,
        /** The queue was full: left out, and so are the rest of this connection's QoS 1 messages. */
        FULL,
        /** Left out because an earlier message of this connection was. */
        LEFT_OUT
    }

    private final ArrayBlockingQueue<T> queue;
    /** The connection that is leaving messages out, or null. Written by Paho's thread only. */
    private volatile Object leavingOutOn;
    /**
     * The connection a reconnect for the resend was asked for (task and helper threads). Tied to the
     * connection, not a flag: a later connection that overflows again needs a reconnect of its own,
     * even if the earlier request's connection ended by itself before the request went out.
     */
    private volatile Object reconnectAskedFor;

    HandOffQueue(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * Paho's thread. {@code acknowledged}: QoS 1 (a QoS 0 message is never sent again, so it is
     * taken whenever it fits and never holds up the rest).
     */
    Offer offer(T item, boolean acknowledged, Object connection) {
        Object leaving = leavingOutOn;
        if (acknowledged && leaving != null) {
            if (leaving == connection) {
                return Offer.LEFT_OUT;
            }
            leavingOutOn = null; // a new connection: the broker's resend, in order
        }
        if (queue.offer(item)) {
            return Offer.TAKEN;
        }
        if (acknowledged) {
            leavingOutOn = connection;
        }
        return Offer.FULL;
    }

    /**
     * The connection leaving messages out for which no reconnect has been asked yet, or null. Pass
     * it to {@link #reconnectAsked} and, should the reconnect fail, {@link #reconnectFailed}.
     */
    Object needsReconnect() {
        Object leaving = leavingOutOn;
        return leaving != null && leaving != reconnectAskedFor ? leaving : null;
    }

    /** Records that the reconnect ending {@code connection} is under way (so it is asked for once). */
    void reconnectAsked(Object connection) {
        reconnectAskedFor = connection;
    }

    /** The reconnect ending {@code connection} failed: it may be asked for again. */
    void reconnectFailed(Object connection) {
        if (reconnectAskedFor == connection) {
            reconnectAskedFor = null;
        }
    }

    T poll() {
        return queue.poll();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }
}
