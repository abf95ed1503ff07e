package org.nce.pipeline.mqtt;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * An unbounded MQTT v5 source (Eclipse Paho), shaped like KafkaSource.
 *
 * <p><b>Guarantee: at-least-once.</b> Each topic filter is a split with its own persistent session
 * (clean start off, session expiry set). Messages are acknowledged to the broker only after the
 * Flink checkpoint that covers them completes, so a crash between receipt and checkpoint makes
 * the broker redeliver them. Downstream sinks must therefore be idempotent, which NCE's are
 * (deterministic document ids and object keys). QoS 0 messages carry no such guarantee.
 *
 * <pre>{@code
 * MqttSource<MqttRecord> src = MqttSource.builder()
 *     .serverUri("tcp://127.0.0.1:1883").credentials("nce-pipeline", password)
 *     .clientIdPrefix("nce-pipeline").topics("nce/+/camera/+/frame").qos(1).build();
 * }</pre>
 */
public final class MqttSource implements Source<MqttRecord, MqttSplit, Set<MqttSplit>>, ResultTypeQueryable<MqttRecord> {
    private static final long serialVersionUID = 1L;

    private final MqttSourceOptions options;

    private MqttSource(MqttSourceOptions options) {
        this.options = options;
    }

    public static Builder builder() {
        return new Builder();
    }

    List<MqttSplit> splits() {
        List<MqttSplit> out = new ArrayList<>();
        for (int i = 0; i < options.topicFilters().size(); i++) {
            out.add(new MqttSplit("sub-" + i, options.topicFilters().get(i), options.clientIdPrefix() + "-" + i));
        }
        return out;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<MqttRecord, MqttSplit> createReader(SourceReaderContext ctx) {
        return new MqttSourceReader(options, ctx);
    }

    @Override
    public SplitEnumerator<MqttSplit, Set<MqttSplit>> createEnumerator(SplitEnumeratorContext<MqttSplit> ctx) {
        return new MqttSplitEnumerator(ctx, new LinkedHashSet<>(splits()), splits());
    }

    @Override
    public SplitEnumerator<MqttSplit, Set<MqttSplit>> restoreEnumerator(SplitEnumeratorContext<MqttSplit> ctx,
                                                                        Set<MqttSplit> checkpoint) {
        return new MqttSplitEnumerator(ctx, checkpoint, splits());
    }

    @Override
    public SimpleVersionedSerializer<MqttSplit> getSplitSerializer() {
        return new MqttSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Set<MqttSplit>> getEnumeratorCheckpointSerializer() {
        return new MqttSplitSerializer.EnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<MqttRecord> getProducedType() {
        return TypeInformation.of(MqttRecord.class);
    }

    /** Validates everything in {@link #build()}, naming the setting that is wrong. */
    public static final class Builder {
        private String serverUri;
        private String username;
        private String password;
        private String clientIdPrefix;
        private final List<String> topics = new ArrayList<>();
        private int qos = 1;
        private long sessionExpirySeconds = 3600;
        private int receiveMaximum = 1000;
        private int queueCapacity = 1000;
        private int keepAliveSeconds = 30;

        public Builder serverUri(String v) {
            serverUri = v;
            return this;
        }

        public Builder credentials(String user, String pass) {
            username = user;
            password = pass;
            return this;
        }

        public Builder clientIdPrefix(String v) {
            clientIdPrefix = v;
            return this;
        }

        public Builder topics(String... v) {
            topics.addAll(List.of(v));
            return this;
        }

        public Builder topics(List<String> v) {
            topics.addAll(v);
            return this;
        }

        public Builder qos(int v) {
            qos = v;
            return this;
        }

        public Builder sessionExpirySeconds(long v) {
            sessionExpirySeconds = v;
            return this;
        }

        /** Unacknowledged messages the broker may have in flight to us; bounds how far a checkpoint may lag. */
        public Builder receiveMaximum(int v) {
            receiveMaximum = v;
            return this;
        }

        public Builder queueCapacity(int v) {
            queueCapacity = v;
            return this;
        }

        /** How often the client pings when idle; a broker or client silent for 1.5x this drops the connection. */
        public Builder keepAliveSeconds(int v) {
            keepAliveSeconds = v;
            return this;
        }

        public MqttSource build() {
            if (serverUri == null || !serverUri.matches("(tcp|ssl|ws|wss)://.+")) {
                throw new IllegalArgumentException("serverUri must look like tcp://host:port, got " + serverUri);
            }
            if (clientIdPrefix == null || clientIdPrefix.isBlank()) {
                throw new IllegalArgumentException("clientIdPrefix is required: persistent sessions are keyed by it");
            }
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("at least one topic filter is required");
            }
            for (String t : topics) {
                if (t.isBlank() || t.contains("#") && !t.endsWith("#")) {
                    throw new IllegalArgumentException("invalid topic filter '" + t + "'");
                }
            }
            if (qos < 0 || qos > 2) {
                throw new IllegalArgumentException("qos must be 0, 1 or 2, got " + qos);
            }
            if (sessionExpirySeconds < 1) {
                throw new IllegalArgumentException("sessionExpirySeconds must be >= 1 for a persistent session");
            }
            if (receiveMaximum < 1 || receiveMaximum > 65535) {
                throw new IllegalArgumentException("receiveMaximum must be 1..65535, got " + receiveMaximum);
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be >= 1");
            }
            if (keepAliveSeconds < 1 || keepAliveSeconds > 65535) {
                throw new IllegalArgumentException("keepAliveSeconds must be 1..65535, got " + keepAliveSeconds);
            }
            return new MqttSource(new MqttSourceOptions(serverUri, username, password, clientIdPrefix,
                    List.copyOf(topics), qos, sessionExpirySeconds, receiveMaximum, queueCapacity, keepAliveSeconds));
        }
    }
}
