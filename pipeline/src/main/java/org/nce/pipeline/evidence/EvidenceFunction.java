package org.nce.pipeline.evidence;

import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.nce.pipeline.config.PipelineConfig;
import org.nce.pipeline.config.PipelineConfig.S3Config;

/**
 * Stores each alert's evidence in the object store, off the task thread: H.264 encoding and S3
 * writes (with their retries and back-off) run on a small pool per subtask through Flink's async
 * I/O, so neither the stream nor a checkpoint waits on a slow store (a checkpoint records the
 * requests still in flight, and a restore sends them again; write-once keys make that safe).
 *
 * <p>A store outage (a failure after the store's own retries, or no answer within the timeout)
 * fails the task: Flink restarts from the last checkpoint and the MQTT source redelivers. A problem
 * with one alert's evidence (a clip that will not encode, different bytes for a key that exists)
 * travels on in {@link EvidenceWriter.Written#problems()}; {@link EvidenceIncidents} makes each a
 * dead letter, and the alert goes on with the evidence that stands.
 */
public class EvidenceFunction extends RichAsyncFunction<EvidenceRequest, EvidenceWriter.Written> {
    private static final long serialVersionUID = 1L;

    private final S3Config s3;
    private final String timezone;
    private final int writers;
    private transient EvidenceStore store;
    private transient EvidenceWriter writer;
    private transient ExecutorService pool;

    public EvidenceFunction(S3Config s3, String timezone, int writers) {
        this.s3 = s3;
        this.timezone = timezone;
        this.writers = writers;
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        org.nce.pipeline.NativeLibraries.ensureLoaded();
        store = new S3EvidenceStore(s3.endpoint(), PipelineConfig.secret(s3.accessKeyEnv()),
                PipelineConfig.secret(s3.secretKeyEnv()), s3.bucket());
        writer = new EvidenceWriter(store, ZoneId.of(timezone));
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        pool = Executors.newFixedThreadPool(writers, r -> {
            Thread t = new Thread(r, "evidence-writer-" + subtask);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void asyncInvoke(EvidenceRequest req, ResultFuture<EvidenceWriter.Written> out) {
        pool.execute(() -> {
            try {
                out.complete(List.of(writer.writeAll(req)));
            } catch (Exception | LinkageError e) {
                out.completeExceptionally(e);
            }
        });
    }

    @Override
    public void timeout(EvidenceRequest req, ResultFuture<EvidenceWriter.Written> out) {
        out.completeExceptionally(new java.util.concurrent.TimeoutException("the object store did not take the evidence of "
                + req.alert().alertId() + " in time (evidence.store_timeout_ms); the job restarts from its checkpoint"));
    }

    @Override
    public void close() throws Exception {
        if (pool != null) {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (store != null) {
            store.close();
        }
        super.close();
    }
}
