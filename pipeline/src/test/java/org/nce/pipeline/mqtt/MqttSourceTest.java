package org.nce.pipeline.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class MqttSourceTest {
    @Test
    void splitSerializerRoundTrips() throws Exception {
        MqttSplitSerializer s = new MqttSplitSerializer();
        MqttSplit split = MqttSplit.forReader("nce-pipeline", 3);
        assertEquals(new MqttSplit(3, "nce-pipeline-3"), split);
        assertEquals("session-3", split.splitId());
        assertEquals(2, s.getVersion());
        assertEquals(split, s.deserialize(s.getVersion(), s.serialize(split)));
        assertThrows(java.io.IOException.class, () -> s.deserialize(99, s.serialize(split)));
    }

    /** A checkpoint of the one-split-per-filter build: its sessions keep their client ids (and queued messages). */
    @Test
    void splitSerializerReadsVersion1() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeUTF("sub-1");
        out.writeUTF("nce/+/sensor/+/reading");
        out.writeUTF("nce-pipeline-1");
        assertEquals(new MqttSplit(1, "nce-pipeline-1"), new MqttSplitSerializer().deserialize(1, out.getCopyOfBuffer()));

        DataOutputSerializer state = new DataOutputSerializer(64);
        state.writeInt(1);
        state.writeUTF("sub-0");
        state.writeUTF("nce/+/camera/+/frame");
        state.writeUTF("nce-pipeline-0");
        MqttEnumeratorState restored = new MqttSplitSerializer.EnumeratorStateSerializer().deserialize(1, state.getCopyOfBuffer());
        assertEquals(new MqttEnumeratorState(MqttEnumeratorState.SESSIONS_FROM_VERSION_1, Set.of(new MqttSplit(0, "nce-pipeline-0"))),
                restored);
    }

    @Test
    void enumeratorStateRoundTrips() throws Exception {
        MqttSplitSerializer.EnumeratorStateSerializer s = new MqttSplitSerializer.EnumeratorStateSerializer();
        MqttEnumeratorState state = new MqttEnumeratorState(4, new LinkedHashSet<>(List.of(new MqttSplit(0, "c-0"), new MqttSplit(3, "c-3"))));
        assertEquals(state, s.deserialize(s.getVersion(), s.serialize(state)));
        MqttEnumeratorState empty = new MqttEnumeratorState(0, Set.of());
        assertEquals(empty, s.deserialize(s.getVersion(), s.serialize(empty)));
    }

    @Test
    void enumeratorGivesEachReaderItsOwnSessionAndNeverCreatesOneTwice() throws Exception {
        try (MockSplitEnumeratorContext<MqttSplit> ctx = new MockSplitEnumeratorContext<>(2)) {
            MqttSplitEnumerator e = new MqttSplitEnumerator(ctx, "p", new MqttEnumeratorState(0, Set.of()));
            e.start();
            ctx.registerReader(new ReaderInfo(0, "h"));
            e.addReader(0);
            ctx.registerReader(new ReaderInfo(1, "h"));
            e.addReader(1);
            assertEquals(List.of(new MqttSplit(0, "p-0")), ctx.getSplitsAssignmentSequence().get(0).assignment().get(0));
            assertEquals(List.of(new MqttSplit(1, "p-1")), ctx.getSplitsAssignmentSequence().get(1).assignment().get(1));
            assertEquals(new MqttEnumeratorState(2, Set.of()), e.snapshotState(1));

            // Reader 1 fails before a checkpoint took its split into its state: it comes back to reader 1.
            e.addSplitsBack(List.of(new MqttSplit(1, "p-1")), 1);
            assertEquals(List.of(new MqttSplit(1, "p-1")), ctx.getSplitsAssignmentSequence().get(2).assignment().get(1));
        }
        // Restored at parallelism 3 from a state with 2 sessions: only session 2 is new.
        try (MockSplitEnumeratorContext<MqttSplit> ctx = new MockSplitEnumeratorContext<>(3)) {
            MqttSplitEnumerator e = new MqttSplitEnumerator(ctx, "p", new MqttEnumeratorState(2, Set.of()));
            e.start();
            assertEquals(new MqttEnumeratorState(3, Set.of(new MqttSplit(2, "p-2"))), e.snapshotState(1));
        }
    }

    @Test
    void aVersion1EnumeratorStateCountsOneSessionPerConfiguredFilter() throws Exception {
        MqttSource src = MqttSource.builder().serverUri("tcp://127.0.0.1:1883").clientIdPrefix("p")
                .topics("nce/+/camera/+/frame", "nce/+/sensor/+/reading").build();
        try (MockSplitEnumeratorContext<MqttSplit> ctx = new MockSplitEnumeratorContext<>(3)) {
            var e = src.restoreEnumerator(ctx, new MqttEnumeratorState(MqttEnumeratorState.SESSIONS_FROM_VERSION_1, Set.of()));
            e.start();
            assertEquals(new MqttEnumeratorState(3, Set.of(new MqttSplit(2, "p-2"))), e.snapshotState(1),
                    "sessions p-0 and p-1 are held by the readers that restored them");
        }
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
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MqttSource.builder().serverUri("tcp://h:1")
                .clientIdPrefix("p").topics("a").receiveMaximum(100).queueCapacity(99).build()).getMessage()
                .contains("queueCapacity must be >= receiveMaximum"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MqttSource.builder().serverUri("tcp://h:1")
                .clientIdPrefix("a/b").topics("a").build()).getMessage().contains("shared-subscription group"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MqttSource.builder().serverUri("tcp://h:1")
                .clientIdPrefix("p").topics("a").keepAliveSeconds(0).build()).getMessage().contains("keepAliveSeconds"));
        // The queue defaults to Receive Maximum, so it is valid whatever Receive Maximum is.
        MqttSource.builder().serverUri("tcp://h:1").clientIdPrefix("p").topics("a").receiveMaximum(5000).build();
    }

    /** The job graph carries the name of the password's variable, never the password; nothing prints one. */
    @Test
    void thePasswordNeverEntersTheJobGraphOrALog() throws Exception {
        System.setProperty("NCE_TEST_MQTT_SECRET", "s3cr3t-from-env");
        MqttSource fromEnv = MqttSource.builder().serverUri("tcp://127.0.0.1:1883").credentialsFromEnv("nce-pipeline", "NCE_TEST_MQTT_SECRET")
                .clientIdPrefix("nce-p").topics("nce/+/camera/+/frame").build();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(fromEnv);
        }
        String serialized = bytes.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        org.junit.jupiter.api.Assertions.assertFalse(serialized.contains("s3cr3t-from-env"));
        org.junit.jupiter.api.Assertions.assertTrue(serialized.contains("NCE_TEST_MQTT_SECRET"));
        MqttSource literal = MqttSource.builder().serverUri("tcp://127.0.0.1:1883").credentials("nce-pipeline", "literal-pw")
                .clientIdPrefix("nce-p").topics("nce/+/camera/+/frame").build();
        java.lang.reflect.Field f = MqttSource.class.getDeclaredField("options");
        f.setAccessible(true);
        org.junit.jupiter.api.Assertions.assertFalse(f.get(literal).toString().contains("literal-pw"));
        org.junit.jupiter.api.Assertions.assertEquals("s3cr3t-from-env", ((MqttSourceOptions) f.get(fromEnv)).resolvePassword());
        System.clearProperty("NCE_TEST_MQTT_SECRET");
        IllegalStateException missing = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ((MqttSourceOptions) f.get(fromEnv)).resolvePassword());
        org.junit.jupiter.api.Assertions.assertTrue(missing.getMessage().contains("NCE_TEST_MQTT_SECRET"));
    }
}
