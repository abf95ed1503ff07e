package org.nce.pipeline.mqtt;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Versioned serializers for splits and for the enumerator's set of unassigned splits. */
public final class MqttSplitSerializer implements SimpleVersionedSerializer<MqttSplit> {
    public static final int VERSION = 1;

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
        checkVersion(version);
        return read(new DataInputDeserializer(bytes));
    }

    static void write(MqttSplit s, DataOutputSerializer out) throws IOException {
        out.writeUTF(s.splitId());
        out.writeUTF(s.topicFilter());
        out.writeUTF(s.clientId());
    }

    static MqttSplit read(DataInputDeserializer in) throws IOException {
        return new MqttSplit(in.readUTF(), in.readUTF(), in.readUTF());
    }

    static void checkVersion(int version) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown MQTT split serializer version " + version + ", this build reads " + VERSION);
        }
    }

    /** The enumerator checkpoint: splits not yet assigned to a reader. */
    public static final class EnumeratorStateSerializer implements SimpleVersionedSerializer<Set<MqttSplit>> {
        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(Set<MqttSplit> splits) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(128);
            out.writeInt(splits.size());
            for (MqttSplit s : splits) {
                write(s, out);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public Set<MqttSplit> deserialize(int version, byte[] bytes) throws IOException {
            checkVersion(version);
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            int n = in.readInt();
            List<MqttSplit> splits = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                splits.add(read(in));
            }
            return new LinkedHashSet<>((Collection<MqttSplit>) splits);
        }
    }
}
