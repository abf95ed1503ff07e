package org.nce.pipeline.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MqttSourceTest {
    @Test
    void splitSerializerRoundTrips() throws Exception {
        MqttSplitSerializer s = new MqttSplitSerializer();
        MqttSplit split = new MqttSplit("sub-0", "nce/+/camera/+/frame", "nce-pipeline-0");
        assertEquals(split, s.deserialize(s.getVersion(), s.serialize(split)));
        assertThrows(java.io.IOException.class, () -> s.deserialize(99, s.serialize(split)));
    }

    @Test
    void enumeratorStateRoundTrips() throws Exception {
        MqttSplitSerializer.EnumeratorStateSerializer s = new MqttSplitSerializer.EnumeratorStateSerializer();
        Set<MqttSplit> state = new LinkedHashSet<>(List.of(new MqttSplit("sub-0", "a/#", "c-0"), new MqttSplit("sub-1", "b/+", "c-1")));
        assertEquals(state, s.deserialize(s.getVersion(), s.serialize(state)));
        assertEquals(Set.of(), s.deserialize(s.getVersion(), s.serialize(Set.of())));
    }

    @Test
    void builderMakesOneSplitPerTopicWithStableClientIds() {
        MqttSource src = MqttSource.builder().serverUri("tcp://127.0.0.1:1883").clientIdPrefix("p")
                .topics("nce/+/camera/+/frame", "nce/+/sensor/+/reading").build();
        assertEquals(List.of("p-0", "p-1"), src.splits().stream().map(MqttSplit::clientId).toList());
    }

    @Test
    void builderRejectsBadSettingsNamingThem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MqttSource.builder().serverUri("localhost")
                .clientIdPrefix("p").topics("a").build()).getMessage().contains("serverUri"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MqttSource.builder().serverUri("tcp://h:1")
                .topics("a").build()).getMessage().contains("clientIdPrefix"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MqttSource.builder().serverUri("tcp://h:1")
                .clientIdPrefix("p").build()).getMessage().contains("topic"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MqttSource.builder().serverUri("tcp://h:1")
                .clientIdPrefix("p").topics("a/#/b").build()).getMessage().contains("topic filter"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MqttSource.builder().serverUri("tcp://h:1")
                .clientIdPrefix("p").topics("a").qos(3).build()).getMessage().contains("qos"));
    }
}
