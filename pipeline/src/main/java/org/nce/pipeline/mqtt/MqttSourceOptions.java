package org.nce.pipeline.mqtt;

import java.io.Serializable;
import java.util.List;

/** Validated settings of an {@link MqttSource}; built by {@link MqttSource.Builder}. */
record MqttSourceOptions(String serverUri, String username, String password, String clientIdPrefix,
                         List<String> topicFilters, int qos, long sessionExpirySeconds, int receiveMaximum,
                         int queueCapacity, int keepAliveSeconds) implements Serializable {
}
