package org.nce.pipeline.mqtt;

import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One MQTT subscription with its own persistent session: the topic filter and the client id the
 * broker keys the session (and its unacknowledged messages) by. Reassigning the split after a
 * failure reconnects with the same client id, so the broker redelivers what was not acknowledged.
 */
public record MqttSplit(String splitId, String topicFilter, String clientId) implements SourceSplit {
}
