package org.nce.pipeline.evidence;

import java.time.ZoneId;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.nce.model.EvidencedAlert;
import org.nce.pipeline.config.PipelineConfig;
import org.nce.pipeline.config.PipelineConfig.S3Config;
import org.nce.pipeline.ingest.DeadLetters;
import org.nce.pipeline.sensor.SensorLimits;

/**
 * Stores each alert's evidence in the object store and passes the alert on with its references.
 * A store outage (a failure after the store's own retries) fails the task: Flink restarts from the
 * last checkpoint, the MQTT source redelivers, and write-once keys make the retry find what it
 * wrote before. A problem with one alert's evidence (a clip that will not encode, different bytes
 * for a key that exists) is a dead letter with its reason and a count ({@code evidenceIncidents});
 * the alert goes on with the evidence that stands, and the job keeps running.
 */
public class EvidenceFunction extends ProcessFunction<EvidenceRequest, EvidencedAlert> {
    private static final long serialVersionUID = 1L;

    private final S3Config s3;
    private final Map<String, SensorLimits> limitsBySensor;
    private final String timezone;
    private transient EvidenceStore store;
    private transient EvidenceWriter writer;
    private transient Counter objects;
    private transient Counter incidents;

    public EvidenceFunction(S3Config s3, Map<String, SensorLimits> limitsBySensor, String timezone) {
        this.s3 = s3;
        this.limitsBySensor = Map.copyOf(limitsBySensor);
        this.timezone = timezone;
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        store = new S3EvidenceStore(s3.endpoint(), PipelineConfig.secret(s3.accessKeyEnv()),
                PipelineConfig.secret(s3.secretKeyEnv()), s3.bucket());
        writer = new EvidenceWriter(store, limitsBySensor, ZoneId.of(timezone));
        objects = getRuntimeContext().getMetricGroup().counter("evidenceObjects");
        incidents = getRuntimeContext().getMetricGroup().counter("evidenceIncidents");
    }

    @Override
    public void processElement(EvidenceRequest req, Context ctx, Collector<EvidencedAlert> out) throws Exception {
        EvidenceWriter.Written w = writer.writeAll(req);
        for (String problem : w.problems()) {
            incidents.inc();
            ctx.output(DeadLetters.TAG, DeadLetters.of("evidence", problem, req.alert().sourceId(),
                    req.alert().alertId().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        objects.inc(w.alert().evidence().size());
        out.collect(w.alert());
    }

    @Override
    public void close() throws Exception {
        if (store != null) {
            store.close();
        }
        super.close();
    }
}
