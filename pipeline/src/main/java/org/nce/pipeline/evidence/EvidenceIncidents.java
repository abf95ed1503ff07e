package org.nce.pipeline.evidence;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.nce.model.EvidencedAlert;
import org.nce.pipeline.ingest.DeadLetters;

/**
 * Passes each alert on with the evidence that stands, and makes every problem its evidence met (a
 * clip that would not encode, a write-once conflict) a dead letter (stage {@code evidence}) with a
 * count: {@code evidenceObjects}, {@code evidenceIncidents}. Runs on the task thread, after the async
 * writes.
 */
public class EvidenceIncidents extends ProcessFunction<EvidenceWriter.Written, EvidencedAlert> {
    private static final long serialVersionUID = 1L;
    private transient Counter objects;
    private transient Counter incidents;

    @Override
    public void open(OpenContext ctx) {
        objects = getRuntimeContext().getMetricGroup().counter("evidenceObjects");
        incidents = getRuntimeContext().getMetricGroup().counter("evidenceIncidents");
    }

    @Override
    public void processElement(EvidenceWriter.Written w, Context ctx, Collector<EvidencedAlert> out) {
        for (String problem : w.problems()) {
            incidents.inc();
            ctx.output(DeadLetters.TAG, DeadLetters.of("evidence", problem, w.alert().alert().sourceId(),
                    w.alert().alert().alertId().getBytes(StandardCharsets.UTF_8)));
        }
        objects.inc(w.alert().evidence().size());
        out.collect(w.alert());
    }
}
