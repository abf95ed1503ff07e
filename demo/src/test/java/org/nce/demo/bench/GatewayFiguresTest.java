package org.nce.demo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nce.demo.bench.BenchFigures.Verdict;
import org.nce.demo.bench.GatewayFigures.Figures;

class GatewayFiguresTest {

    @Test
    void jsonHasExactlyTheKeysOfTheIssueAndNullsForWhatWasNotMeasured() {
        Figures f = new Figures();
        f.camerasPerCore = 17.26;
        f.rssMb16Cameras = 400.04;
        f.hj212ReadingsPerS = 12_345.6;
        f.publishRatioToPaho = 0.91234;
        f.parameters.put("monitors", 200);
        f.machine = new GatewayFigures.Machine(2, "cpu", 24_000, "jvm");
        f.commit = "abc1234";
        f.date = "2026-12-01T00:00:00Z";
        f.notes.add("a note");
        ObjectNode json = GatewayFigures.toJson(f);
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertEquals(GatewayFigures.KEYS, keys);
        for (String k : List.of("cameras_per_core", "rss_mb_16_cameras", "hj212_readings_per_s", "replay_readings_per_s",
                "publish_ratio_to_paho", "machine", "commit", "date", "parameters")) {
            assertTrue(json.has(k), k);
        }
        assertEquals(17.3, json.get("cameras_per_core").asDouble());
        assertEquals(400.0, json.get("rss_mb_16_cameras").asDouble());
        assertEquals(12_346.0, json.get("hj212_readings_per_s").asDouble());
        assertEquals(0.912, json.get("publish_ratio_to_paho").asDouble());
        assertTrue(json.get("replay_readings_per_s").isNull());
        assertEquals(200, json.get("parameters").get("monitors").asInt());
        JsonNode m = json.get("machine");
        assertEquals(2, m.get("cores").asInt());
        assertEquals("cpu", m.get("cpu").asText());
        assertEquals(24_000, m.get("ram_mb").asLong());
        assertEquals("abc1234", json.get("commit").asText());
        assertEquals("a note", json.get("notes").get(0).asText());
    }

    @Test
    void verdictsFollowTheTargetsAndTheTableShowsThem() {
        Figures f = new Figures();
        f.camerasPerCore = 15.9;
        f.rssMb16Cameras = 512.0;
        f.hj212ReadingsPerS = 10_000.0;
        f.publishRatioToPaho = 0.79;
        var v = GatewayFigures.verdicts(f);
        assertEquals(Verdict.MISSED, v.get("cameras_per_core"));
        assertEquals(Verdict.MET, v.get("rss_mb_16_cameras"));
        assertEquals(Verdict.MET, v.get("hj212_readings_per_s"));
        assertEquals(Verdict.NOT_MEASURED, v.get("hj212_readings_per_s_os"));
        assertEquals(Verdict.MISSED, v.get("publish_ratio_to_paho"));
        String table = GatewayFigures.table(f);
        assertTrue(table.contains("| cameras per core | 15.9 | ≥ 16 | **missed** |"), table);
        assertTrue(table.contains("| resident memory, 16 cameras | 512 MB | ≤ 512 MB | met |"), table);
        assertTrue(table.contains("| HJ 212 → MQTT readings/s (fsync) | 10,000/s | ≥ 10,000/s | met |"), table);
        assertTrue(table.contains("| HJ 212 → MQTT readings/s (os) | – | ≥ 10,000/s | not measured |"), table);
        assertTrue(table.contains("| gateway publish / bare Paho | 0.79 | ≥ 0.8 | **missed** |"), table);
    }
}
