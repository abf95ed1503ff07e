package org.nce.pipeline.mqtt;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/**
 * Hands the fixed set of subscriptions to readers: split {@code i} goes to reader
 * {@code i % parallelism}, so a restarted job gives each session to the same subtask. Splits of a
 * failed reader come back through {@link #addSplitsBack} and are handed out again when it returns.
 */
final class MqttSplitEnumerator implements SplitEnumerator<MqttSplit, Set<MqttSplit>> {
    private final SplitEnumeratorContext<MqttSplit> context;
    private final Set<MqttSplit> unassigned;
    private final List<MqttSplit> all;

    MqttSplitEnumerator(SplitEnumeratorContext<MqttSplit> context, Set<MqttSplit> unassigned, List<MqttSplit> all) {
        this.context = context;
        this.unassigned = new LinkedHashSet<>(unassigned);
        this.all = List.copyOf(all);
    }

    @Override
    public void start() {
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Splits are pushed on registration; MQTT subscriptions never end, so nothing to pull.
    }

    @Override
    public void addSplitsBack(List<MqttSplit> splits, int subtaskId) {
        unassigned.addAll(splits);
        if (context.registeredReaders().containsKey(subtaskId)) {
            assignTo(subtaskId);
        }
    }

    @Override
    public void addReader(int subtaskId) {
        assignTo(subtaskId);
    }

    private void assignTo(int subtaskId) {
        int parallelism = context.currentParallelism();
        List<MqttSplit> mine = new ArrayList<>();
        for (MqttSplit s : unassigned) {
            if (all.indexOf(s) % parallelism == subtaskId) {
                mine.add(s);
            }
        }
        for (MqttSplit s : mine) {
            unassigned.remove(s);
            context.assignSplit(s, subtaskId);
        }
    }

    @Override
    public Set<MqttSplit> snapshotState(long checkpointId) {
        return new LinkedHashSet<>(unassigned);
    }

    @Override
    public void close() {
    }
}
