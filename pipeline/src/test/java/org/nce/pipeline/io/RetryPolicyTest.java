package org.nce.pipeline.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RetryPolicyTest {
    static final RetryPolicy FAST = new RetryPolicy(4, 1, 4);

    static RetryPolicy.Verdict byCause(Exception e) {
        if (e instanceof ConnectException) {
            return RetryPolicy.Verdict.RETRY;
        }
        return e instanceof SecurityException ? RetryPolicy.Verdict.FATAL : RetryPolicy.Verdict.REFUSED;
    }

    @Test
    void backOffDoublesUpToItsCeiling() {
        assertEquals(200, RetryPolicy.STORES.backoffMs(1));
        assertEquals(400, RetryPolicy.STORES.backoffMs(2));
        assertEquals(10_000, RetryPolicy.STORES.backoffMs(9));
    }

    @Test
    void transientFailuresAreRetriedUntilTheySucceed() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String r = FAST.call("get", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new ConnectException("refused");
            }
            return "ok";
        }, RetryPolicyTest::byCause, LoggerFactory.getLogger(RetryPolicyTest.class));
        assertEquals("ok", r);
        assertEquals(3, calls.get());
    }

    @Test
    void anOutageLongerThanTheAttemptsIsAnIOExceptionAndFatalAndRefusedAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        var log = LoggerFactory.getLogger(RetryPolicyTest.class);
        assertThrows(IOException.class, () -> FAST.call("put", () -> {
            calls.incrementAndGet();
            throw new ConnectException("down");
        }, RetryPolicyTest::byCause, log));
        assertEquals(4, calls.get());
        calls.set(0);
        assertThrows(IllegalStateException.class, () -> FAST.call("put", () -> {
            calls.incrementAndGet();
            throw new SecurityException("bad key");
        }, RetryPolicyTest::byCause, log));
        assertEquals(1, calls.get());
        calls.set(0);
        assertThrows(RetryPolicy.Refused.class, () -> FAST.call("put", () -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("too large");
        }, RetryPolicyTest::byCause, log));
        assertEquals(1, calls.get());
    }
}
