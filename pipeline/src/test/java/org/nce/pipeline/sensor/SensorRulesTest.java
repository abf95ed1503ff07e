package org.nce.pipeline.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.Test;
import org.nce.model.EventType;
import org.nce.model.SensorKind;
import org.nce.model.SensorReading;
import org.nce.pipeline.config.PipelineConfig.SensorConfig;
import org.nce.pipeline.evidence.EvidenceRequest;

class SensorRulesTest {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @Test
    void gb3096LimitsByClassAndPeriod() {
        SensorLimits c2 = SensorLimits.forSensor(new SensorConfig("n", "s", "noise", "gb3096", "2", null, 60));
        assertEquals(60, c2.limitAt(LocalTime.of(12, 0)));
        assertEquals(50, c2.limitAt(LocalTime.of(22, 0)));
        assertEquals(50, c2.limitAt(LocalTime.of(5, 59)));
        assertEquals(60, c2.limitAt(LocalTime.of(6, 0)));
        SensorLimits c4b = SensorLimits.forSensor(new SensorConfig("n", "s", "noise", "gb3096", "4b", null, 60));
        assertEquals(60, c4b.nightLimit());
        SensorLimits site = SensorLimits.forSensor(new SensorConfig("n", "s", "noise", "gb12523", null, null, 60));
        assertEquals(70, site.dayLimit());
        assertEquals(55, site.nightLimit());
        assertEquals(2.0, SensorLimits.forSensor(new SensorConfig("f", "s", "lampblack", null, null, null, 60)).dayLimit());
    }

    @Test
    void rejectsBadSensorConfigNamingTheKey() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SensorLimits.forSensor(
                new SensorConfig("n", "s", "noise", "gb3096", "5", null, 60))).getMessage().startsWith("zone_class"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SensorLimits.forSensor(
                new SensorConfig("n", "s", "noise", "gb18483", null, null, 60))).getMessage().startsWith("standard"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SensorLimits.forSensor(
                new SensorConfig("n", "s", "smell", null, null, null, 60))).getMessage().startsWith("kind"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SensorLimits.forSensor(
                new SensorConfig("n", "s", "noise", null, null, null, 0))).getMessage().startsWith("sustain_seconds"));
    }

    private static long at(int hour, int minute) {
        return LocalDateTime.of(2026, 11, 20, hour, minute).atZone(SHANGHAI).toInstant().toEpochMilli();
    }

    private static List<EvidenceRequest> run(SensorConfig cfg, List<SensorReading> readings) throws Exception {
        SensorRuleFunction fn = new SensorRuleFunction(Map.of(cfg.id(), SensorLimits.forSensor(cfg)), "Asia/Shanghai");
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn),
                SensorReading::sensorId, Types.STRING)) {
            h.open();
            for (SensorReading r : readings) {
                h.processElement(new StreamRecord<>(r));
            }
            return h.extractOutputValues();
        }
    }

    private static List<SensorReading> noise(long start, int seconds, double db) {
        List<SensorReading> out = new ArrayList<>();
        for (int i = 0; i < seconds; i++) {
            out.add(new SensorReading("s", "n1", SensorKind.NOISE, start + i * 1000L, db, null, null));
        }
        return out;
    }

    /**
     * A meter in calibration (flag C) or reporting a fault (D) at 75 dB(A) at night: no alert, no
     * case; one device-fault item per episode of a flag; normal data afterwards is judged as ever.
     */
    @Test
    void readingsNotFlaggedNormalNeverRaiseAnAlertButADeviceFault() throws Exception {
        SensorConfig cfg = new SensorConfig("n1", "s", "noise", "gb3096", "2", null, 60);
        SensorRuleFunction fn = new SensorRuleFunction(Map.of(cfg.id(), SensorLimits.forSensor(cfg)), "Asia/Shanghai");
        long t0 = at(23, 0);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), SensorReading::sensorId, Types.STRING)) {
            h.open();
            for (int i = 0; i < 300; i++) {
                String flag = i < 120 ? "C" : i < 200 ? "D" : "N";
                h.processElement(new StreamRecord<>(new SensorReading("s", "n1", SensorKind.NOISE, t0 + i * 1000L, 75.0, null, null,
                        null, flag, "rtd", "MN1-2011-" + i + "-LA", "MN1")));
            }
            var faults = h.getSideOutput(SensorRuleFunction.DEVICE_FAULTS);
            assertEquals(2, faults.size(), "one item per episode of a flag: " + faults);
            assertEquals(List.of("C", "D"), faults.stream().map(f -> f.getValue().flag()).toList());
            List<EvidenceRequest> alerts = h.extractOutputValues();
            assertEquals(1, alerts.size(), "only the normal readings (from 200 s on) raise the alert");
            assertTrue(alerts.get(0).readings().stream().allMatch(SensorReading::normal), "no flagged reading in the evidence");
        }
    }

    /** The review's case: D1..D5, N6, N7, then D4 again (a replay): still one device-fault item. */
    @Test
    void aReplayedFaultyReadingRaisesNoSecondDeviceFault() throws Exception {
        SensorConfig cfg = new SensorConfig("n1", "s", "noise", "gb3096", "2", null, 60);
        SensorRuleFunction fn = new SensorRuleFunction(Map.of(cfg.id(), SensorLimits.forSensor(cfg)), "Asia/Shanghai");
        long t0 = at(12, 0);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), SensorReading::sensorId, Types.STRING)) {
            h.open();
            int[] order = {1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7};
            for (int i : order) {
                h.processElement(new StreamRecord<>(new SensorReading("s", "n1", SensorKind.NOISE, t0 + i * 1000L, 50.0, null, null,
                        null, i <= 5 ? "D" : "N", "rtd", "MN1-2011-" + i + "-LA", "MN1")));
            }
            assertEquals(1, h.getSideOutput(SensorRuleFunction.DEVICE_FAULTS).size());
        }
    }

    /** A fume monitor that uploads only minute data: with rule_data minute, its averages are judged. */
    @Test
    void aSensorJudgedOnMinuteDataRaisesFromItsAverages() throws Exception {
        SensorConfig cfg = new SensorConfig("f1", "s", "lampblack", null, null, null, 300, "minute");
        SensorRuleFunction fn = new SensorRuleFunction(Map.of(cfg.id(), SensorLimits.forSensor(cfg)), Map.of("f1", "minute"), "Asia/Shanghai");
        long t0 = at(12, 0);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), SensorReading::sensorId, Types.STRING)) {
            h.open();
            for (int i = 0; i < 10; i++) {
                h.processElement(new StreamRecord<>(new SensorReading("s", "f1", SensorKind.LAMPBLACK, t0 + i * 60_000L, 3.5, true, true,
                        null, "N", "minute", "MNF-2051-" + i + "-LB", "MNF")));
            }
            assertEquals(1, h.extractOutputValues().size(), "3.5 mg/m³ for ten minutes of averages: one alert");
        }
    }

    @Test
    void aReadingSentTwiceIsRecognisedByItsMessageIdAndAggregatesArePassedOver() throws Exception {
        SensorConfig cfg = new SensorConfig("n1", "s", "noise", "gb3096", "2", null, 60);
        List<SensorReading> in = new ArrayList<>();
        long t0 = at(23, 0);
        for (int i = 0; i < 90; i++) {
            SensorReading r = new SensorReading("s", "n1", SensorKind.NOISE, t0 + i * 1000L, 75.0, null, null, null, "N", "rtd",
                    "MN1-2011-" + i + "-LA", "MN1");
            in.add(r);
            in.add(r); // the gateway's outbox sends again what the broker had not acknowledged
            // A minute average of the same sound: not taken into the real-time window.
            in.add(new SensorReading("s", "n1", SensorKind.NOISE, t0 + i * 1000L + 1, 30.0, null, null, null, "N", "minute",
                    "MN1-2051-" + i + "-LA", "MN1"));
        }
        List<EvidenceRequest> alerts = run(cfg, in);
        assertEquals(1, alerts.size());
        List<SensorReading> evidence = alerts.get(0).readings();
        assertEquals(evidence.stream().map(SensorReading::messageId).distinct().count(), evidence.size(), "no reading twice");
        assertTrue(evidence.stream().allMatch(r -> "rtd".equals(r.dataKind())));
    }

    @Test
    void noiseAboveTheNightLimitAtNightRaisesOneAlertPerEpisode() throws Exception {
        SensorConfig cfg = new SensorConfig("n1", "s", "noise", "gb3096", "2", null, 30);
        List<SensorReading> rs = new ArrayList<>(noise(at(23, 0), 90, 55));
        rs.addAll(noise(at(23, 0) + 90_000, 60, 45)); // quiet: re-arms
        rs.addAll(noise(at(23, 0) + 150_000, 60, 58));
        List<EvidenceRequest> out = run(cfg, rs);
        assertEquals(2, out.size());
        assertEquals(EventType.NOISE_EXCEEDANCE, out.get(0).alert().type());
        assertTrue(out.get(0).alert().reason().contains("night limit of 50"), out.get(0).alert().reason());
        assertFalse(out.get(0).readings().isEmpty());
    }

    @Test
    void theSameLevelByDayIsWithinTheLimitAndAShortSpikeIsNotAnAlert() throws Exception {
        SensorConfig cfg = new SensorConfig("n1", "s", "noise", "gb3096", "2", null, 30);
        assertTrue(run(cfg, noise(at(14, 0), 90, 55)).isEmpty());
        List<SensorReading> spike = new ArrayList<>(noise(at(23, 0), 60, 40));
        spike.addAll(noise(at(23, 0) + 60_000, 1, 62));
        spike.addAll(noise(at(23, 0) + 61_000, 60, 40));
        // One second at 62 dB among 40 dB readings: LAeq(30 s) is about 48 dB, under the night limit of 50.
        assertTrue(run(cfg, spike).isEmpty());
    }

    @Test
    void purifierOffWhileTheFanRunsAndLampblackAboveTheLimit() throws Exception {
        SensorConfig cfg = new SensorConfig("f1", "s", "lampblack", "gb18483", null, null, 20);
        List<SensorReading> rs = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            rs.add(new SensorReading("s", "f1", SensorKind.LAMPBLACK, at(12, 0) + i * 1000L, 2.6, true, false));
        }
        List<EventType> types = run(cfg, rs).stream().map(e -> e.alert().type()).toList();
        assertEquals(List.of(EventType.LAMPBLACK_EXCEEDANCE, EventType.PURIFIER_NOT_RUNNING), types);
    }

    /** Finding 11: a level hovering at the limit is one episode, not an alert every other window. */
    @Test
    void aLevelHoveringAtTheLimitIsOneEpisode() throws Exception {
        SensorConfig cfg = new SensorConfig("n1", "s", "noise", "gb3096", "2", null, 30);
        List<SensorReading> rs = new ArrayList<>();
        for (int minute = 0; minute < 10; minute++) {
            rs.addAll(noise(at(23, 0) + minute * 60_000L, 60, minute % 2 == 0 ? 51.5 : 49.0));
        }
        assertEquals(1, run(cfg, rs).size());
        // And once it is really quiet for a whole window, the rule re-arms.
        rs.addAll(noise(at(23, 10), 60, 40));
        rs.addAll(noise(at(23, 11), 60, 56));
        assertEquals(2, run(cfg, rs).size());
    }

    /**
     * Finding 11: the broker redelivers readings of an episode long after it ended. They must not
     * evaluate windows again that newer readings decided, nor raise the episode a second time.
     */
    @Test
    void lateAndRedeliveredReadingsDoNotRaiseAnEpisodeAgain() throws Exception {
        SensorConfig cfg = new SensorConfig("n1", "s", "noise", "gb3096", "2", null, 30);
        List<SensorReading> rs = new ArrayList<>(noise(at(23, 0), 60, 55));
        rs.addAll(noise(at(23, 1), 90, 40));
        rs.addAll(noise(at(23, 0), 60, 55)); // redelivered, minutes later
        rs.addAll(noise(at(23, 0) + 500, 60, 58)); // late readings of the same minute, never seen before
        assertEquals(1, run(cfg, rs).size());
    }
}
