package org.nce.pipeline.mqtt;

import java.util.ArrayList;
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
 * <p><b>Guarantee: at-least-once.</b> Each source reader (subtask) has one client with its own
 * persistent session (client id {@code <prefix>-<subtask>}, clean start off, session expiry set)
 * that subscribes to every topic filter as a shared subscription {@code $share/<prefix>/<filter>},
 * so the broker spreads the messages over all subtasks. Messages are acknowledged to the broker
 * only after the Flink checkpoint that covers them completes, so a crash between receipt and
 * checkpoint makes the broker redeliver them. Downstream sinks must therefore be idempotent, which
 * NCE's are (deterministic document ids and object keys). QoS 0 messages carry no such guarantee,
 * and neither does a broker that loses its state (restarted without persistence): the source then
 * subscribes again on reconnect, and what the broker had queued is gone.
 *
 * <pre>{@code
 * MqttSource src = MqttSource.builder()
 *     .serverUri("tcp://127.0.0.1:1883").credentials("nce-pipeline", password)
 *     .clientIdPrefix("nce-pipeline").topics("nce/+/camera/+/frame").qos(1).build();
 * }</pre>
 */
public final class MqttSource implements Source<MqttRecord, MqttSplit, MqttEnumeratorState>, ResultTypeQueryable<MqttRecord> {
    private static final long serialVersionUID = 1L;

    private final MqttSourceOptions options;

    private MqttSource(MqttSourceOptions options) {
        this.options = options;
    }

    public static Builder builder() {
        return new Builder();
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
    public SplitEnumerator<MqttSplit, MqttEnumeratorState> createEnumerator(SplitEnumeratorContext<MqttSplit> ctx) {
        return new MqttSplitEnumerator(ctx, options.clientIdPrefix(), new MqttEnumeratorState(0, Set.of()));
    }

    @Override
    public SplitEnumerator<MqttSplit, MqttEnumeratorState> restoreEnumerator(SplitEnumeratorContext<MqttSplit> ctx,
                                                                             MqttEnumeratorState checkpoint) {
        MqttEnumeratorState state = checkpoint;
        if (state.sessions() == MqttEnumeratorState.SESSIONS_FROM_VERSION_1) {
            // Version 1 made one split (session <prefix>-<i>) per topic filter; assumes the filters
            // are the ones configured then, so that no session a reader already holds is created twice.
            state = new MqttEnumeratorState(options.topicFilters().size(), state.unassigned());
        }
        return new MqttSplitEnumerator(ctx, options.clientIdPrefix(), state);
    }

    @Override
    public SimpleVersionedSerializer<MqttSplit> getSplitSerializer() {
        return new MqttSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<MqttEnumeratorState> getEnumeratorCheckpointSerializer() {
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
        private String passwordEnv;
        private boolean sharedSubscriptions = true;
        private String clientIdPrefix;
        private final List<String> topics = new ArrayList<>();
        private int qos = 1;
        private long sessionExpirySeconds = 3600;
        private int receiveMaximum = 1000;
        private int queueCapacity;
        private int keepAliveSeconds = 30;
        private long idleWarningMs = 300_000;

        public Builder serverUri(String v) {
            serverUri = v;
            return this;
        }

        /**
         * The user, and the environment variable holding the password, read where each reader
         * connects (a TaskManager): the password itself never enters the job graph.
         */
        public Builder credentialsFromEnv(String user, String envName) {
            username = user;
            passwordEnv = envName;
            password = null;
            return this;
        }

        /**
         * Shared subscriptions (default): the subtasks share the load. Off: every reader subscribes to
         * the filters plainly; for a broker that does not deliver {@code $share} subscriptions (the
         * demo's embedded HiveMQ CE, seen: subscribed, nothing delivered) and a source of parallelism 1.
         */
        public Builder sharedSubscriptions(boolean v) {
            sharedSubscriptions = v;
            return this;
        }

        /** A literal password, for tests and tools; deployments use {@link #credentialsFromEnv}. */
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

        /**
         * Messages handed from Paho's thread to the task thread, per session; defaults to
         * {@link #receiveMaximum}. It must be at least that: the broker never has more than Receive
         * Maximum QoS 1/2 messages unacknowledged to us, so such a queue never fills and Paho's
         * thread never waits (a waiting Paho thread stops reading, and the keepalive times out).
         */
        public Builder queueCapacity(int v) {
            queueCapacity = v;
            return this;
        }

        /** How often the client pings when idle; a broker or client silent for 1.5x this drops the connection. */
        public Builder keepAliveSeconds(int v) {
            keepAliveSeconds = v;
            return this;
        }

        /** A topic filter with no input for this long is logged at WARN (once, until input resumes). */
        public Builder idleWarningMs(long v) {
            idleWarningMs = v;
            return this;
        }

        public MqttSource build() {
            if (serverUri == null || !serverUri.matches("(tcp|ssl|ws|wss)://.+")) {
                throw new IllegalArgumentException("serverUri must look like tcp://host:port, got " + serverUri);
            }
            if (clientIdPrefix == null || clientIdPrefix.isBlank()) {
                throw new IllegalArgumentException("clientIdPrefix is required: persistent sessions are keyed by it");
            }
            if (clientIdPrefix.matches(".*[/+#\\s].*")) {
                throw new IllegalArgumentException("clientIdPrefix names the shared-subscription group and must not contain"
                        + " '/', '+', '#' or spaces, got '" + clientIdPrefix + "'");
            }
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("at least one topic filter is required");
            }
            for (String t : topics) {
                if (t.isBlank() || t.contains("#") && !t.endsWith("#")) {
                    throw new IllegalArgumentException("invalid topic filter '" + t + "'");
                }
            }
            if (qos < 0 || qos > 1) {
                // QoS 2: Paho 1.2.5 sends PUBREC and PUBCOMP itself, even with manual acks, so the broker
                // never resends a QoS 2 message the job had not checkpointed.
                throw new IllegalArgumentException("qos must be 1 (at least once) or 0, got " + qos);
            }
            if (sessionExpirySeconds < 1) {
                throw new IllegalArgumentException("sessionExpirySeconds must be >= 1 for a persistent session");
            }
            if (receiveMaximum < 1 || receiveMaximum > 65535) {
                throw new IllegalArgumentException("receiveMaximum must be 1..65535, got " + receiveMaximum);
            }
            int capacity = queueCapacity == 0 ? receiveMaximum : queueCapacity;
            if (capacity < receiveMaximum) {
                throw new IllegalArgumentException("queueCapacity must be >= receiveMaximum (" + receiveMaximum + "), got "
                        + capacity + ": a smaller queue can fill while the broker may still send, and Paho's thread must not wait");
            }
            if (idleWarningMs < 1) {
                throw new IllegalArgumentException("idleWarningMs must be >= 1, got " + idleWarningMs);
            }
            if (keepAliveSeconds < 1 || keepAliveSeconds > 65535) {
                throw new IllegalArgumentException("keepAliveSeconds must be 1..65535, got " + keepAliveSeconds);
            }
            return new MqttSource(new MqttSourceOptions(serverUri, username, password, passwordEnv, clientIdPrefix,
                    List.copyOf(topics), qos, sessionExpirySeconds, receiveMaximum, capacity, keepAliveSeconds, idleWarningMs,
                    sharedSubscriptions));
        }
    }
}
