package org.nce.pipeline.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The acknowledgements one MQTT connection owes, held until the checkpoint that covers them
 * completes. A packet id names a message only on the connection it arrived on: after a reconnect
 * the broker redelivers what was unacknowledged and may give a new message an old id, so an ack
 * held from before would acknowledge a message that no checkpoint covers yet. Each ack therefore
 * carries the generation of the connection it came from, and acks of an older generation are
 * dropped (the broker redelivers those messages anyway). Used by the task thread only.
 */
final class PendingAcks {
    /** An ack owed for message {@code messageId} received on connection {@code generation}. */
    record Ack(int generation, int messageId, int qos) {
    }

    /** What a completed checkpoint releases: acks to send now, and how many were stale and dropped. */
    record Released(List<Ack> toSend, int dropped) {
    }

    private final TreeMap<Long, List<Ack>> byCheckpoint = new TreeMap<>();
    private List<Ack> sinceSnapshot = new ArrayList<>();

    /** A message was emitted downstream; its ack is owed once a checkpoint taken after this completes. */
    void emitted(int generation, int messageId, int qos) {
        sinceSnapshot.add(new Ack(generation, messageId, qos));
    }

    /** Checkpoint {@code checkpointId} covers everything emitted so far. */
    void snapshot(long checkpointId) {
        byCheckpoint.put(checkpointId, sinceSnapshot);
        sinceSnapshot = new ArrayList<>();
    }

    /**
     * Checkpoint {@code checkpointId} completed: it and every earlier one (an aborted checkpoint's
     * messages are covered by a later one) are released. Acks from a connection other than
     * {@code currentGeneration} are dropped.
     */
    Released complete(long checkpointId, int currentGeneration) {
        Map<Long, List<Ack>> done = byCheckpoint.headMap(checkpointId, true);
        List<Ack> send = new ArrayList<>();
        int dropped = 0;
        for (List<Ack> acks : done.values()) {
            for (Ack a : acks) {
                if (a.generation() == currentGeneration) {
                    send.add(a);
                } else {
                    dropped++;
                }
            }
        }
        done.clear();
        return new Released(send, dropped);
    }

    /** Acks owed (emitted, not yet released). */
    int size() {
        int n = sinceSnapshot.size();
        for (List<Ack> acks : byCheckpoint.values()) {
            n += acks.size();
        }
        return n;
    }
}
