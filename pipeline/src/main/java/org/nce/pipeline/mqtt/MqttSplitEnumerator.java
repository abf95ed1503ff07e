package org.nce.pipeline.mqtt;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/**
 * One session (split) per reader: on start it creates sessions up to the current parallelism, and
 * session {@code i} goes to reader {@code i % parallelism}, so a restarted subtask gets its own
 * session back and resumes it. Sessions are never destroyed: after a scale-down a reader holds
 * more than one (from the redistributed reader state), and its unacknowledged messages are still
 * delivered. Splits of a failed reader come back through {@link #addSplitsBack} and are handed out
 * again when it returns.
 */
final class MqttSplitEnumerator implements SplitEnumerator<MqttSplit, MqttEnumeratorState> {
    private final SplitEnumeratorContext<MqttSplit> context;
    private final String clientIdPrefix;
    private final Set<MqttSplit> unassigned;
    private int sessions;

    MqttSplitEnumerator(SplitEnumeratorContext<MqttSplit> context, String clientIdPrefix, MqttEnumeratorState state) {
        this.context = context;
        this.clientIdPrefix = clientIdPrefix;
        this.unassigned = new LinkedHashSet<>(state.unassigned());
        this.sessions = state.sessions();
    }

    @Override
    public void start() {
        // Sessions below `sessions` exist already: assigned to (and held in the state of) a reader,
        // or in `unassigned`. Only the missing ones are created.
        for (int i = sessions; i < context.currentParallelism(); i++) {
            unassigned.add(MqttSplit.forReader(clientIdPrefix, i));
        }
        sessions = Math.max(sessions, context.currentParallelism());
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
            if (s.index() % parallelism == subtaskId) {
                mine.add(s);
            }
        }
        for (MqttSplit s : mine) {
            unassigned.remove(s);
            context.assignSplit(s, subtaskId);
        }
    }

    @Override
    public MqttEnumeratorState snapshotState(long checkpointId) {
        return new MqttEnumeratorState(sessions, unassigned);
    }

    @Override
    public void close() {
    }
}
