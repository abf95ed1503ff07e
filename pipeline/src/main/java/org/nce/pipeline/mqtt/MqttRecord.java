package org.nce.pipeline.mqtt;

/** One MQTT message as the source emits it. {@code duplicate} is the broker's DUP flag (a redelivery). */
public record MqttRecord(String topic, byte[] payload, int qos, boolean duplicate, long receivedAt) {
}
