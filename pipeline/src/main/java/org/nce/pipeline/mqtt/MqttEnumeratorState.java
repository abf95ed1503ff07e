package org.nce.pipeline.mqtt;

import java.util.Set;

/**
 * The enumerator's checkpoint: how many sessions (splits 0..n-1) exist, so that a restored
 * enumerator never creates a second split for a session a reader already holds in its state, and
 * the splits not assigned to any reader yet. {@code sessions} is {@link #SESSIONS_FROM_VERSION_1}
 * when read from a version-1 checkpoint, which did not record it (there it was one split per topic
 * filter; {@link MqttSource} resolves it from the configured filters).
 */
record MqttEnumeratorState(int sessions, Set<MqttSplit> unassigned) {
    static final int SESSIONS_FROM_VERSION_1 = -1;

    MqttEnumeratorState {
        unassigned = Set.copyOf(unassigned);
    }
}
