package org.nce.pipeline.mqtt;

import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One persistent MQTT session: {@code index} is the source reader it belongs to and
 * {@code clientId} (prefix + "-" + index) the id the broker keys the session and its
 * unacknowledged messages by. The session subscribes to every topic filter through a shared
 * subscription, so the broker spreads the messages over all sessions. A restarted subtask gets its
 * own split back (from its state or the enumerator) and so resumes its own session.
 */
public record MqttSplit(int index, String clientId) implements SourceSplit {
    static MqttSplit forReader(String clientIdPrefix, int index) {
        return new MqttSplit(index, clientIdPrefix + "-" + index);
    }

    @Override
    public String splitId() {
        return "session-" + index;
    }
}
