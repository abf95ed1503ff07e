package org.nce.pipeline.mqtt;

import java.io.Serializable;
import java.util.List;

/**
 * Validated settings of an {@link MqttSource}; built by {@link MqttSource.Builder}. The shared
 * subscription group is the client id prefix: every session of this source is one member of it.
 * The options travel inside the job graph, so a deployment gives the password as the name of the
 * environment variable that holds it ({@code passwordEnv}), read where the reader connects; a
 * literal {@code password} (tests, tools) is never printed by {@link #toString()}.
 */
record MqttSourceOptions(String serverUri, String username, String password, String passwordEnv, String clientIdPrefix,
                         List<String> topicFilters, int qos, long sessionExpirySeconds, int receiveMaximum,
                         int queueCapacity, int keepAliveSeconds, long idleWarningMs, boolean sharedSubscriptions)
        implements Serializable {
    String shareGroup() {
        return clientIdPrefix;
    }

    /** The password to connect with: the literal one, else the environment variable's (or system property's) value. */
    String resolvePassword() {
        if (password != null || passwordEnv == null) {
            return password;
        }
        String v = System.getenv(passwordEnv);
        if (v == null || v.isEmpty()) {
            v = System.getProperty(passwordEnv);
        }
        if (v == null || v.isEmpty()) {
            throw new IllegalStateException("environment variable " + passwordEnv + " (the MQTT password of " + username
                    + ") is not set where the job runs");
        }
        return v;
    }

    @Override
    public String toString() {
        return "MqttSourceOptions[serverUri=" + serverUri + ", username=" + username + ", password="
                + (password == null ? "none" : "***") + ", passwordEnv=" + passwordEnv + ", clientIdPrefix=" + clientIdPrefix
                + ", topicFilters=" + topicFilters + ", qos=" + qos + ", sessionExpirySeconds=" + sessionExpirySeconds
                + ", receiveMaximum=" + receiveMaximum + ", queueCapacity=" + queueCapacity + ", keepAliveSeconds="
                + keepAliveSeconds + ", idleWarningMs=" + idleWarningMs + "]";
    }
}
