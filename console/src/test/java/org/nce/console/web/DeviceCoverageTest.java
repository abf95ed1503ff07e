package org.nce.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceCoverageTest {
    static final long S = 1_000;

    static List<DeviceCoverage.Sample> every10s(long from, long to, String down) {
        List<DeviceCoverage.Sample> out = new ArrayList<>();
        for (long t = from; t < to; t += 10 * S) {
            out.add(new DeviceCoverage.Sample(t, true, down));
        }
        return out;
    }

    @Test
    void steadyHeartbeatsCoverEverything() {
        var r = DeviceCoverage.of(every10s(0, 600 * S, null), 0, 600 * S, 60 * S);
        assertEquals(List.of(), r.gaps());
        assertEquals(1.0, r.coverage());
    }

    @Test
    void aSilentGatewayAndAStalledCameraAreGapsNamedByWhatWasSaid() {
        List<DeviceCoverage.Sample> s = new ArrayList<>(every10s(0, 100 * S, null));   // up 0..100 s
        // silent 100..400 s (last up heartbeat at 90 s covers to 150 s)
        s.addAll(every10s(400 * S, 500 * S, null));                                   // up 400..500 s
        s.addAll(every10s(500 * S, 560 * S, "stalled"));                              // stalled 500..560 s
        s.addAll(every10s(560 * S, 600 * S, null));                                   // up again
        var r = DeviceCoverage.of(s, 0, 600 * S, 60 * S);
        assertEquals(List.of(new DeviceCoverage.Gap(150 * S, 400 * S, "no_heartbeat"),
                new DeviceCoverage.Gap(500 * S, 560 * S, "stalled")), r.gaps());
        assertEquals(600 * S - 250 * S - 60 * S, r.coveredMs());
    }

    @Test
    void heartbeatsWithoutTheDeviceSayItWasNotReported() {
        List<DeviceCoverage.Sample> s = new ArrayList<>(every10s(0, 100 * S, null));
        for (long t = 100 * S; t < 300 * S; t += 10 * S) {
            s.add(new DeviceCoverage.Sample(t, false, null));
        }
        s.addAll(every10s(300 * S, 400 * S, null));
        var r = DeviceCoverage.of(s, 0, 400 * S, 60 * S);
        assertEquals(List.of(new DeviceCoverage.Gap(100 * S, 300 * S, "not_reported")), r.gaps());
    }

    @Test
    void aCameraStalledJustBeforeTheRangeIsStalledNotSilent() {
        var r = DeviceCoverage.of(List.of(new DeviceCoverage.Sample(-5 * S, true, "stalled")), 0, 30 * S, 60 * S);
        assertEquals(List.of(new DeviceCoverage.Gap(0, 30 * S, "stalled")), r.gaps());
    }

    @Test
    void nothingAtAllIsOneGapAndTheRangeClipsCoverage() {
        assertEquals(List.of(new DeviceCoverage.Gap(0, 100 * S, "no_heartbeat")), DeviceCoverage.of(List.of(), 0, 100 * S, 60 * S).gaps());
        // A heartbeat before the range covers into it, no further than its 60 s.
        var r = DeviceCoverage.of(List.of(new DeviceCoverage.Sample(-30 * S, true, null)), 0, 100 * S, 60 * S);
        assertEquals(List.of(new DeviceCoverage.Gap(30 * S, 100 * S, "no_heartbeat")), r.gaps());
        assertEquals(30 * S, r.coveredMs());
    }
}
