package org.nce.pipeline.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandOffQueueTest {
    static final Object FIRST = new Object();
    static final Object SECOND = new Object();
    static final Object THIRD = new Object();

    /**
     * A broker overrunning Receive Maximum into a queue the task is draining: the task gets the
     * broker's order, with what was left out coming again on the next connection. A plain bounded
     * queue took message 5 into the room message 1 left and put it ahead of 4 (the TaskManager-kill
     * scenario lost whole fires and noise exceedances that way).
     */
    @Test
    void whatFollowsALeftOutMessageIsLeftOutTooUntilTheNextConnection() {
        HandOffQueue<Integer> q = new HandOffQueue<>(3);
        List<Integer> task = new ArrayList<>();
        List<Integer> leftOut = new ArrayList<>();
        for (int m = 1; m <= 8; m++) {
            if (q.offer(m, true, FIRST) != HandOffQueue.Offer.TAKEN) {
                leftOut.add(m);
            }
            if (m == 4) {
                task.add(q.poll()); // the task takes one: room again, while the broker keeps sending
            }
        }
        assertEquals(List.of(4, 5, 6, 7, 8), leftOut);
        while (!q.isEmpty()) {
            task.add(q.poll());
        }
        assertEquals(FIRST, q.needsReconnect());
        q.reconnectAsked(FIRST);
        assertNull(q.needsReconnect(), "asked for once");
        assertEquals(HandOffQueue.Offer.LEFT_OUT, q.offer(9, true, FIRST), "the old connection still delivering");
        for (int m : List.of(4, 5, 6, 7, 8, 9)) { // the broker's resend on the new connection
            assertEquals(HandOffQueue.Offer.TAKEN, q.offer(m, true, SECOND));
            task.add(q.poll());
        }
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), task);
        assertNull(q.needsReconnect());
    }

    @Test
    void theFirstLeftOutMessageIsFullTheRestLeftOut() {
        HandOffQueue<String> q = new HandOffQueue<>(1);
        assertEquals(HandOffQueue.Offer.TAKEN, q.offer("a", true, FIRST));
        assertEquals(HandOffQueue.Offer.FULL, q.offer("b", true, FIRST));
        q.poll();
        assertEquals(HandOffQueue.Offer.LEFT_OUT, q.offer("c", true, FIRST));
    }

    @Test
    void aFailedReconnectIsAskedForAgain() {
        HandOffQueue<String> q = new HandOffQueue<>(1);
        q.offer("a", true, FIRST);
        q.offer("b", true, FIRST);
        q.reconnectAsked(FIRST);
        q.reconnectFailed(FIRST);
        assertEquals(FIRST, q.needsReconnect());
    }

    /**
     * The connection overflowed, dropped by itself and came back (SECOND) before the reconnect the
     * task asked for went out, and that one's connection (THIRD) overflows again: it needs a
     * reconnect of its own. A plain "asked" flag stayed set and THIRD left messages out for ever.
     */
    @Test
    void aLaterOverflowNeedsItsOwnReconnect() {
        HandOffQueue<String> q = new HandOffQueue<>(1);
        q.offer("a", true, FIRST);
        q.offer("b", true, FIRST);
        Object asked = q.needsReconnect();
        q.poll();
        assertEquals(HandOffQueue.Offer.TAKEN, q.offer("b", true, SECOND)); // the resend on Paho's own reconnect
        q.reconnectAsked(asked);
        q.poll();
        assertEquals(HandOffQueue.Offer.TAKEN, q.offer("c", true, THIRD));
        assertEquals(HandOffQueue.Offer.FULL, q.offer("d", true, THIRD));
        assertEquals(THIRD, q.needsReconnect());
    }

    /** QoS 0 is never sent again: taken whenever it fits, and one lost on a full queue holds up nothing. */
    @Test
    void qos0IsTakenWhenItFitsAndNeverHoldsUpTheRest() {
        HandOffQueue<String> q = new HandOffQueue<>(1);
        assertEquals(HandOffQueue.Offer.TAKEN, q.offer("a", false, FIRST));
        assertEquals(HandOffQueue.Offer.FULL, q.offer("b", false, FIRST));
        assertNull(q.needsReconnect());
        q.poll();
        assertEquals(HandOffQueue.Offer.TAKEN, q.offer("c", true, FIRST));
    }
}
