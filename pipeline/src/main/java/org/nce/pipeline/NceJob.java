package org.nce.pipeline;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.nce.model.CaseRecord;
import org.nce.model.DeadLetter;
import org.nce.model.EvidenceRef;
import org.nce.model.EvidencedAlert;
import org.nce.model.Frame;
import org.nce.model.SensorReading;
import org.nce.pipeline.camera.CameraAnalysisFunction;
import org.nce.pipeline.cases.CaseBuilderFunction;
import org.nce.pipeline.cases.CaseInput;
import org.nce.pipeline.config.PipelineConfig;
import org.nce.pipeline.config.PipelineConfig.CameraConfig;
import org.nce.pipeline.config.PipelineConfig.SensorConfig;
import org.nce.pipeline.evidence.EvidenceFunction;
import org.nce.pipeline.evidence.EvidenceIncidents;
import org.nce.pipeline.evidence.EvidenceRequest;
import org.nce.pipeline.ingest.DeadLetters;
import org.nce.pipeline.ingest.DecodeFunction;
import org.nce.pipeline.mqtt.MqttRecord;
import org.nce.pipeline.mqtt.MqttSource;
import org.nce.pipeline.sensor.SensorLimits;
import org.nce.pipeline.sensor.SensorRuleFunction;
import org.nce.pipeline.sink.Es;
import org.nce.pipeline.sink.EsDoc;
import org.nce.pipeline.sink.EsSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NCE job: MQTT frames and readings in; alerts, evidence, draft cases and dead letters out.
 *
 * <pre>
 * MQTT ─► decode ─┬─ frames ──► camera detectors (keyed by camera) ─┐
 *                 ├─ readings ► sensor rules (keyed by sensor) ──────┴► evidence (S3) ─┬► nce-alerts, nce-evidence
 *                 └─ dead letters ► nce-deadletter                                    └► cases (keyed by subject) ► nce-cases
 * </pre>
 */
public final class NceJob {
    private static final Logger LOG = LoggerFactory.getLogger(NceJob.class);

    private NceJob() {
    }

    public static void main(String[] args) throws Exception {
        Path configFile = null;
        boolean validateOnly = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> configFile = Path.of(args[++i]);
                case "--validate-config" -> validateOnly = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: NceJob --config FILE [--validate-config]");
            }
        }
        if (configFile == null) {
            throw new IllegalArgumentException("usage: NceJob --config FILE [--validate-config]");
        }
        PipelineConfig config = PipelineConfig.load(configFile);
        List<String> problems = config.problems();
        if (!problems.isEmpty() || validateOnly) {
            problems.forEach(p -> System.err.println("config: " + p));
            System.err.println(problems.isEmpty() ? "config OK" : problems.size() + " problem(s) in " + configFile);
            System.exit(problems.isEmpty() ? 0 : 2);
        }
        prepareStores(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, config);
        env.execute("nce");
    }

    /** Creates the Elasticsearch indices the job writes to. Idempotent; run before the job starts. */
    public static void prepareStores(PipelineConfig config) throws Exception {
        try (Es.Handle es = Es.connect(config.elasticsearch().url())) {
            Es.ensureIndices(es.client());
        }
    }

    public static void build(StreamExecutionEnvironment env, PipelineConfig config) {
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid pipeline config: " + String.join("; ", problems));
        }
        env.configure(stateAndCheckpoints(config.job(),
                env.getConfiguration().getOptional(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY)
                        .orElse(null)));
        env.enableCheckpointing(config.job().checkpointIntervalMs());
        env.setParallelism(config.job().parallelism());

        Map<String, String> siteByCamera = new HashMap<>();
        Map<String, String> siteBySensor = new HashMap<>();
        Map<String, CameraConfig> cameras = new HashMap<>();
        for (CameraConfig c : config.cameras()) {
            siteByCamera.put(c.id(), c.site());
            cameras.put(c.id(), c);
        }
        Map<String, SensorLimits> limits = new HashMap<>();
        Map<String, String> ruleData = new HashMap<>();
        for (SensorConfig s : config.sensors()) {
            siteBySensor.put(s.id(), s.site());
            limits.put(s.id(), SensorLimits.forSensor(s));
            ruleData.put(s.id(), s.ruleData());
        }
        ZoneId.of(config.cases().timezone());
        String esUrl = config.elasticsearch().url();

        MqttSource source = MqttSource.builder()
                .serverUri(config.mqtt().serverUri())
                .credentialsFromEnv(config.mqtt().username(), config.mqtt().passwordEnv())
                .clientIdPrefix(config.mqtt().clientId())
                .topics(config.mqtt().topics())
                .qos(config.mqtt().qos())
                .sessionExpirySeconds(config.mqtt().sessionExpirySeconds())
                .receiveMaximum(config.mqtt().receiveMaximum())
                .sharedSubscriptions(config.mqtt().sharedSubscriptions())
                .build();
        DataStream<MqttRecord> raw = env.fromSource(source, WatermarkStrategy.noWatermarks(), "mqtt").uid("mqtt-source");

        SingleOutputStreamOperator<Frame> frames = raw
                .process(new DecodeFunction(siteByCamera, siteBySensor, config.job()))
                .uid("decode").name("decode");
        DataStream<SensorReading> readings = frames.getSideOutput(DecodeFunction.READINGS);

        SingleOutputStreamOperator<EvidenceRequest> cameraAlerts = frames
                .keyBy(Frame::cameraId)
                .process(new CameraAnalysisFunction(cameras, config.evidence(), new org.nce.pipeline.sink.EsRecentAlerts(esUrl)))
                .uid("camera-detectors").name("camera detectors");
        SingleOutputStreamOperator<EvidenceRequest> sensorAlerts = readings
                .keyBy(SensorReading::sensorId)
                .process(new SensorRuleFunction(limits, ruleData, config.cases().timezone()))
                .uid("sensor-rules").name("sensor rules");

        DataStream<EvidenceRequest> raised = cameraAlerts.union(sensorAlerts);
        // Ordered, so a subject's alerts reach the case stage in the order they were raised.
        SingleOutputStreamOperator<EvidencedAlert> evidenced = AsyncDataStream.orderedWait(raised,
                        new EvidenceFunction(config.s3(), config.cases().timezone(), config.evidence().writers()),
                        config.evidence().storeTimeoutMs(), TimeUnit.MILLISECONDS, 4 * config.evidence().writers())
                .uid("evidence").name("evidence")
                .process(new EvidenceIncidents())
                .uid("evidence-incidents").name("evidence incidents");

        evidenced.sinkTo(new EsSink<EvidencedAlert>(esUrl, NceJob::alertDocuments)).uid("alerts-sink").name("nce-alerts + nce-evidence");

        // The case stage hears of a sensor alert twice: when it is raised, so that its draft case is in
        // the index within a second, and when its evidence is stored, which only attaches the evidence
        // to that case. A camera alert comes once, with its clip: its id is not the same when rebuilt
        // detectors confirm an episode again after a restore, and the restart check that stops a second
        // alert for it asks nce-alerts, which holds the alert only once its evidence is stored; a case
        // written before that could keep an alert that, after a restore, no longer exists.
        DataStream<CaseInput> caseInputs = sensorAlerts.map(r -> CaseInput.raised(r.alert())).returns(CaseInput.class)
                .uid("case-input-sensor-raised").name("sensor alert raised")
                .union(evidenced.map(CaseInput::evidence).returns(CaseInput.class).uid("case-input-evidence").name("evidence stored"));
        org.nce.pipeline.cases.CaseKeys caseKeys = caseKeys(config);
        caseInputs.keyBy(caseKeys)
                .process(new CaseBuilderFunction(config.cases().mergeWindowHours(), config.cases().maxAlertsPerCase(),
                        config.cases().timezone(),
                        new org.nce.pipeline.sink.EsOpenCaseLookup(esUrl), caseKeys))
                .uid("cases").name("cases")
                .sinkTo(new EsSink<CaseRecord>(esUrl, c -> List.of(new EsDoc(Es.CASES, c.id(), Es.toSource(c), true))))
                .uid("cases-sink").name("nce-cases");

        frames.getSideOutput(DecodeFunction.HEARTBEATS)
                .sinkTo(new EsSink<org.nce.model.GatewayHealth>(esUrl, h -> List.of(new EsDoc(org.nce.model.StoreLayout.GATEWAY_HEALTH,
                        h.documentId(), Es.toSource(org.nce.model.Json.read(h.json().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                java.util.Map.class)), false))))
                .uid("gateway-health-sink").name("nce-gateway-health");

        sensorAlerts.getSideOutput(SensorRuleFunction.DEVICE_FAULTS)
                .sinkTo(new EsSink<org.nce.model.DeviceFault>(esUrl, f -> List.of(new EsDoc(org.nce.model.StoreLayout.DEVICE_FAULTS,
                        f.faultId(), Es.toSource(f), false))))
                .uid("device-faults-sink").name("nce-device-faults");

        frames.getSideOutput(DeadLetters.TAG)
                .union(cameraAlerts.getSideOutput(DeadLetters.TAG), evidenced.getSideOutput(DeadLetters.TAG))
                .sinkTo(new EsSink<DeadLetter>(esUrl, d -> List.of(new EsDoc(Es.DEADLETTER,
                        DeadLetters.id(d), Es.toSource(d), false))))
                .uid("deadletter-sink").name("nce-deadletter");
        LOG.info("NCE job built: {} cameras, {} sensors", cameras.size(), limits.size());
    }

    /**
     * Where state lives and where checkpoints go. Without a checkpoint directory Flink keeps
     * checkpoints in the JobManager's memory (5 MiB in all): a few cameras' pre-event buffers exceed
     * it, checkpoints fail, MQTT acknowledgements stop and ingestion halts.
     */
    static org.apache.flink.configuration.Configuration stateAndCheckpoints(PipelineConfig.JobConfig job, String clusterDir) {
        org.apache.flink.configuration.Configuration c = new org.apache.flink.configuration.Configuration();
        // job.checkpoint_dir, else the cluster's own (./nce cluster configures one), else $NCE_HOME/checkpoints.
        String dir = job.checkpointDir() != null ? job.checkpointDir() : clusterDir != null ? clusterDir
                : Path.of(System.getenv().getOrDefault("NCE_HOME", System.getProperty("java.io.tmpdir") + "/nce"), "checkpoints")
                        .toAbsolutePath().toUri().toString();
        c.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        c.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
        c.set(org.apache.flink.configuration.StateBackendOptions.STATE_BACKEND, job.stateBackend());
        if ("rocksdb".equals(job.stateBackend())) {
            c.set(org.apache.flink.configuration.CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        }
        // Every record on the wire and in state has Flink type information (records as POJOs, lists as
        // list types): a type that would fall back to Kryo fails the job at start instead of
        // silently taking a serializer whose format no savepoint test covers.
        c.set(org.apache.flink.configuration.PipelineOptions.GENERIC_TYPES, false);
        return c;
    }

    static List<EsDoc> alertDocuments(EvidencedAlert ea) {
        List<EsDoc> docs = new ArrayList<>();
        Map<String, Object> alert = Es.toSource(ea.alert());
        alert.put("evidence", ea.evidence().stream().map(Es::toSource).toList());
        docs.add(new EsDoc(Es.ALERTS, ea.alert().alertId(), alert, false));
        for (EvidenceRef ref : ea.evidence()) {
            Map<String, Object> doc = Es.toSource(ref);
            doc.put("alert_id", ea.alert().alertId());
            doc.put("site_id", ea.alert().siteId());
            doc.put("source_id", ea.alert().sourceId());
            doc.put("type", ea.alert().type().wireName());
            doc.put("stored_at", System.currentTimeMillis());
            docs.add(new EsDoc(Es.EVIDENCE, ref.key(), doc, false));
        }
        return docs;
    }

    /** How alerts group into cases: each device's subject (else its site), across types unless cases.comprehensive is false. */
    static org.nce.pipeline.cases.CaseKeys caseKeys(PipelineConfig config) {
        Map<String, String> subjects = new HashMap<>();
        for (CameraConfig c : config.cameras()) {
            if (c.subject() != null) {
                subjects.put(c.id(), c.subject());
            }
        }
        for (SensorConfig s : config.sensors()) {
            if (s.subject() != null) {
                subjects.put(s.id(), s.subject());
            }
        }
        return new org.nce.pipeline.cases.CaseKeys(subjects, config.cases().comprehensive());
    }
}
