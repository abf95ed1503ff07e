package org.nce.gateway.camera;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until a deadline; the failure names what was awaited and what was seen. */
final class Await {
    private Await() {
    }

    static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<Object> seen)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("waited " + timeout.toMillis() + " ms for " + what + "; saw " + seen.get());
            }
            Thread.sleep(20);
        }
    }
}
