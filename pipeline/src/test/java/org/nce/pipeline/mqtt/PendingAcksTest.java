package org.nce.pipeline.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PendingAcksTest {
    @Test
    void acksAreReleasedOnlyWhenTheCoveringCheckpointCompletes() {
        PendingAcks p = new PendingAcks();
        p.emitted(1, 10, 1);
        p.snapshot(1);
        p.emitted(1, 11, 1);
        assertEquals(new PendingAcks.Released(List.of(), 0), p.complete(0, 1), "no checkpoint covers them yet");
        assertEquals(new PendingAcks.Released(List.of(new PendingAcks.Ack(1, 10, 1)), 0), p.complete(1, 1));
        assertEquals(1, p.size(), "11 was emitted after checkpoint 1");
        p.snapshot(2);
        assertEquals(List.of(new PendingAcks.Ack(1, 11, 1)), p.complete(2, 1).toSend());
        assertEquals(0, p.size());
    }

    @Test
    void aLaterCheckpointReleasesWhatAnAbortedEarlierOneCovered() {
        PendingAcks p = new PendingAcks();
        p.emitted(1, 1, 1);
        p.snapshot(1); // checkpoint 1 is aborted: never completes
        p.emitted(1, 2, 1);
        p.snapshot(2);
        assertEquals(List.of(new PendingAcks.Ack(1, 1, 1), new PendingAcks.Ack(1, 2, 1)), p.complete(2, 1).toSend());
    }

    /**
     * Message 7 arrives on connection 1 and is emitted; the connection drops; on connection 2 the
     * broker reuses id 7 for a newer message. Acking "7" when checkpoint 1 completes would
     * acknowledge the newer message, which no completed checkpoint covers: on a crash it would be
     * lost. The stale ack is dropped instead (the broker redelivers the old message anyway).
     */
    @Test
    void acksFromAnEarlierConnectionAreDroppedSoAReusedPacketIdIsNotAcknowledged() {
        PendingAcks p = new PendingAcks();
        p.emitted(1, 7, 1);
        p.snapshot(1);
        // reconnect: generation 2; the newer message with id 7 is emitted after the snapshot
        p.emitted(2, 7, 1);
        PendingAcks.Released r = p.complete(1, 2);
        assertEquals(List.of(), r.toSend(), "the ack of the old id 7 must not go out on the new connection");
        assertEquals(1, r.dropped());
        p.snapshot(2);
        assertEquals(new PendingAcks.Released(List.of(new PendingAcks.Ack(2, 7, 1)), 0), p.complete(2, 2),
                "the newer message is acknowledged once its own checkpoint completes");
    }

    @Test
    void onlyTheStaleAcksOfAMixedCheckpointAreDropped() {
        PendingAcks p = new PendingAcks();
        p.emitted(3, 1, 1);
        p.emitted(4, 2, 2);
        p.snapshot(5);
        PendingAcks.Released r = p.complete(5, 4);
        assertEquals(List.of(new PendingAcks.Ack(4, 2, 2)), r.toSend());
        assertEquals(1, r.dropped());
    }
}
