package org.nce.pipeline;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
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
import org.nce.pipeline.config.PipelineConfig;
import org.nce.pipeline.config.PipelineConfig.CameraConfig;
import org.nce.pipeline.config.PipelineConfig.SensorConfig;
import org.nce.pipeline.evidence.EvidenceFunction;
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
        env.enableCheckpointing(config.job().checkpointIntervalMs());
        env.setParallelism(config.job().parallelism());

        Map<String, String> siteByDevice = new HashMap<>();
        Map<String, CameraConfig> cameras = new HashMap<>();
        for (CameraConfig c : config.cameras()) {
            siteByDevice.put(c.id(), c.site());
            cameras.put(c.id(), c);
        }
        Map<String, SensorLimits> limits = new HashMap<>();
        for (SensorConfig s : config.sensors()) {
            siteByDevice.put(s.id(), s.site());
            limits.put(s.id(), SensorLimits.forSensor(s));
        }
        ZoneId.of(config.cases().timezone());
        String esUrl = config.elasticsearch().url();

        MqttSource source = MqttSource.builder()
                .serverUri(config.mqtt().serverUri())
                .credentials(config.mqtt().username(), PipelineConfig.secret(config.mqtt().passwordEnv()))
                .clientIdPrefix(config.mqtt().clientId())
                .topics(config.mqtt().topics())
                .qos(config.mqtt().qos())
                .sessionExpirySeconds(config.mqtt().sessionExpirySeconds())
                .receiveMaximum(config.mqtt().receiveMaximum())
                .build();
        DataStream<MqttRecord> raw = env.fromSource(source, WatermarkStrategy.noWatermarks(), "mqtt").uid("mqtt-source");

        SingleOutputStreamOperator<Frame> frames = raw
                .process(new DecodeFunction(siteByDevice, config.job().maxClockSkewMs(), config.job().maxAgeMs()))
                .uid("decode").name("decode");
        DataStream<SensorReading> readings = frames.getSideOutput(DecodeFunction.READINGS);

        SingleOutputStreamOperator<EvidenceRequest> cameraAlerts = frames
                .keyBy(Frame::cameraId)
                .process(new CameraAnalysisFunction(cameras, config.evidence()))
                .uid("camera-detectors").name("camera detectors");
        DataStream<EvidenceRequest> sensorAlerts = readings
                .keyBy(SensorReading::sensorId)
                .process(new SensorRuleFunction(limits, config.cases().timezone()))
                .uid("sensor-rules").name("sensor rules");

        DataStream<EvidencedAlert> evidenced = cameraAlerts.union(sensorAlerts)
                .process(new EvidenceFunction(config.s3(), limits, config.cases().timezone()))
                .uid("evidence").name("evidence");

        evidenced.sinkTo(new EsSink<EvidencedAlert>(esUrl, NceJob::alertDocuments)).uid("alerts-sink").name("nce-alerts + nce-evidence");

        evidenced.keyBy(ea -> CaseBuilderFunction.key(ea.alert()))
                .process(new CaseBuilderFunction(config.cases().mergeWindowHours(), config.cases().timezone(),
                        new org.nce.pipeline.sink.EsOpenCaseLookup(esUrl)))
                .uid("cases").name("cases")
                .sinkTo(new EsSink<CaseRecord>(esUrl, c -> List.of(new EsDoc(Es.CASES, c.id(), Es.toSource(c), true))))
                .uid("cases-sink").name("nce-cases");

        frames.getSideOutput(DeadLetters.TAG)
                .union(cameraAlerts.getSideOutput(DeadLetters.TAG))
                .sinkTo(new EsSink<DeadLetter>(esUrl, d -> List.of(new EsDoc(Es.DEADLETTER,
                        d.payloadSha256() + "-" + d.receivedAt(), Es.toSource(d), false))))
                .uid("deadletter-sink").name("nce-deadletter");
        LOG.info("NCE job built: {} cameras, {} sensors", cameras.size(), limits.size());
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
}
