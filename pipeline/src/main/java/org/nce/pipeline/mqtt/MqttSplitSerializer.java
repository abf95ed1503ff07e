package org.nce.pipeline.mqtt;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Versioned serializers for splits and for the enumerator's state.
 *
 * <p>Version 2: a split is a reader's session (index, client id). Version 1 (one split per topic
 * filter: split id {@code sub-<i>}, filter, client id {@code <prefix>-<i>}) is still read: its
 * session becomes session {@code i} with the same client id, so the broker's unacknowledged
 * messages for it are still delivered; the reader unsubscribes the old non-shared filter.
 */
public final class MqttSplitSerializer implements SimpleVersionedSerializer<MqttSplit> {
    public static final int VERSION = 2;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(MqttSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public MqttSplit deserialize(int version, byte[] bytes) throws IOException {
        return read(version, new DataInputDeserializer(bytes));
    }

    static void write(MqttSplit s, DataOutputSerializer out) throws IOException {
        out.writeInt(s.index());
        out.writeUTF(s.clientId());
    }

    static MqttSplit read(int version, DataInputDeserializer in) throws IOException {
        if (version == 1) {
            String splitId = in.readUTF();
            in.readUTF(); // the topic filter: every session now subscribes to all of them
            String clientId = in.readUTF();
            if (!splitId.matches("sub-\\d+")) {
                throw new IOException("unexpected version-1 MQTT split id " + splitId);
            }
            return new MqttSplit(Integer.parseInt(splitId.substring(4)), clientId);
        }
        if (version == VERSION) {
            return new MqttSplit(in.readInt(), in.readUTF());
        }
        throw new IOException("unknown MQTT split serializer version " + version + ", this build reads 1 and " + VERSION);
    }

    /** Version 1 wrote the set of unassigned splits only; version 2 writes the session count first. */
    public static final class EnumeratorStateSerializer implements SimpleVersionedSerializer<MqttEnumeratorState> {
        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(MqttEnumeratorState state) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(128);
            out.writeInt(state.sessions());
            out.writeInt(state.unassigned().size());
            for (MqttSplit s : state.unassigned()) {
                write(s, out);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public MqttEnumeratorState deserialize(int version, byte[] bytes) throws IOException {
            if (version != 1 && version != VERSION) {
                throw new IOException("unknown MQTT enumerator state version " + version + ", this build reads 1 and " + VERSION);
            }
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            int sessions = version == 1 ? MqttEnumeratorState.SESSIONS_FROM_VERSION_1 : in.readInt();
            int n = in.readInt();
            Set<MqttSplit> splits = new LinkedHashSet<>();
            for (int i = 0; i < n; i++) {
                splits.add(read(version, in));
            }
            return new MqttEnumeratorState(sessions, splits);
        }
    }
}
