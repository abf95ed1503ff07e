package org.nce.gateway.hj212;

import java.util.concurrent.CompletableFuture;
import org.nce.model.SensorReading;

/** Where the listener's readings and refusals go; each future completes once the item is stored for good. */
public interface ReadingSink {
    CompletableFuture<Void> reading(SensorReading reading);

    CompletableFuture<Void> refused(Refusal refusal);
}
