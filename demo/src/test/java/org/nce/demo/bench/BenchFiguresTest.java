package org.nce.demo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nce.demo.bench.BenchFigures.Figures;
import org.nce.demo.bench.BenchFigures.Latency;
import org.nce.demo.bench.BenchFigures.Verdict;

class BenchFiguresTest {

    @Test
    void percentilesAreNearestRank() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) {
            v[99 - i] = i + 1; // 1..100, unsorted
        }
        assertEquals(50, BenchFigures.percentile(v, 50));
        assertEquals(99, BenchFigures.percentile(v, 99));
        assertEquals(100, BenchFigures.percentile(v, 100));
        assertEquals(1, BenchFigures.percentile(v, 1));
        // Fewer than 100 values: p99 is the largest.
        assertEquals(40, BenchFigures.percentile(new double[] {10, 40, 20, 30}, 99));
        assertEquals(20, BenchFigures.percentile(new double[] {10, 40, 20, 30}, 50));
        assertEquals(7, BenchFigures.percentile(new double[] {7}, 50));
        assertThrows(IllegalArgumentException.class, () -> BenchFigures.percentile(new double[0], 50));
        assertThrows(IllegalArgumentException.class, () -> BenchFigures.percentile(v, 0));
    }

    @Test
    void aLatencyOfNothingIsNotMeasured() {
        Latency l = Latency.of(List.<Long>of());
        assertEquals(null, l.p50());
        assertEquals(0, l.samples());
        Latency m = Latency.of(List.of(100L, 300L, 200L));
        assertEquals(200.0, m.p50());
        assertEquals(300.0, m.p99());
    }

    @Test
    void jsonHasExactlyTheKeysOfTheIssueAndNullsForWhatWasNotMeasured() {
        Figures f = new Figures();
        f.readingsPerSE2e = 12345.678;
        f.readingsPerSJob = 40000.0;
        f.alertToCaseMs = Latency.of(List.of(900L, 1100L));
        f.machine = new BenchFigures.Machine(2, "cpu", "jvm", "2026-12-01T00:00:00Z", "abc1234");
        f.notes.add("a note");
        ObjectNode json = BenchFigures.toJson(f);
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertEquals(BenchFigures.KEYS, keys);
        assertEquals(12345.7, json.get("readings_per_s_e2e").asDouble());
        assertTrue(json.get("frames_per_s_e2e").isNull());
        assertTrue(json.get("mqtt_source_ratio_to_paho").isNull());
        assertEquals(900.0, json.get("alert_to_case_ms").get("p50").asDouble());
        assertEquals(1100.0, json.get("alert_to_case_ms").get("p99").asDouble());
        assertTrue(json.get("checkpoint_ms").get("p50").isNull());
        assertTrue(json.get("checkpoint_ms").get("p99").isNull());
        JsonNode m = json.get("machine");
        for (String k : List.of("cores", "jvm", "date", "commit")) {
            assertTrue(m.has(k), k);
        }
        assertEquals(2, m.get("cores").asInt());
        assertEquals("a note", json.get("notes").get(0).asText());
    }

    @Test
    void verdictsFollowTheTargets() {
        Figures f = new Figures();
        f.readingsPerSE2e = 20_000.0;
        f.framesPerSE2e = 199.0;
        f.alertToCaseMs = Latency.of(List.of(2001L));
        f.mqttSourceRatioToPaho = 0.8;
        f.checkpointMs = Latency.of(List.of(1000L));
        f.stateBytesPerCamera = 9.0 * 1024 * 1024;
        var v = BenchFigures.verdicts(f);
        assertEquals(Verdict.MET, v.get("readings_per_s_e2e"));
        assertEquals(Verdict.MISSED, v.get("frames_per_s_e2e"));
        assertEquals(Verdict.MISSED, v.get("alert_to_case_ms"));
        assertEquals(Verdict.MET, v.get("mqtt_source_ratio_to_paho"));
        assertEquals(Verdict.MET, v.get("checkpoint_ms"));
        assertEquals(Verdict.MISSED, v.get("state_bytes_per_camera"));
        assertEquals(Verdict.NOT_MEASURED, BenchFigures.verdicts(new Figures()).get("frames_per_s_e2e"));
        String table = BenchFigures.table(f);
        assertTrue(table.contains("| frames/s end to end (camera stage) | 199/s | ≥ 200/s | **missed** |"), table);
    }
}
