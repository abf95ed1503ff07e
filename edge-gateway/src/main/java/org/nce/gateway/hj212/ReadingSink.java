package org.nce.gateway.hj212;

import java.util.concurrent.CompletableFuture;
import org.nce.model.SensorReading;

/** Where the listener's readings and refusals go; each future completes once the item is stored for good. */
public interface ReadingSink {
    CompletableFuture<Void> reading(SensorReading reading);

    CompletableFuture<Void> refused(Refusal refusal);

    /** A running-status packet (CN 2021) of a device, kept as its status record. */
    CompletableFuture<Void> status(Hj212Device device, Hj212Packet packet);

    /** True while the store is far behind: the listener then stops reading the connection until it catches up. */
    default boolean busy() {
        return false;
    }
}
