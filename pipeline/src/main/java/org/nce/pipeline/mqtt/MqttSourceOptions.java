package org.nce.pipeline.mqtt;

import java.io.Serializable;
import java.util.List;

/**
 * Validated settings of an {@link MqttSource}; built by {@link MqttSource.Builder}. The shared
 * subscription group is the client id prefix: every session of this source is one member of it.
 */
record MqttSourceOptions(String serverUri, String username, String password, String clientIdPrefix,
                         List<String> topicFilters, int qos, long sessionExpirySeconds, int receiveMaximum,
                         int queueCapacity, int keepAliveSeconds, long idleWarningMs) implements Serializable {
    String shareGroup() {
        return clientIdPrefix;
    }
}
