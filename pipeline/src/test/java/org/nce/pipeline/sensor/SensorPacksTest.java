package org.nce.pipeline.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.model.EventType;
import org.nce.model.SensorKind;
import org.nce.model.SensorReading;
import org.nce.pipeline.config.PipelineConfig.SensorConfig;
import org.nce.pipeline.evidence.EvidenceRequest;

/** The sensor rule pack as data: its limits at their boundaries, the night window, Lmax, repetition, schedules, a broken pack. */
class SensorPacksTest {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final SensorPacks SHIPPED = SensorPacks.load(null);

    private static long at(int day, int hour, int minute, int second) {
        return LocalDateTime.of(2026, 11, day, hour, minute, second).atZone(SHANGHAI).toInstant().toEpochMilli();
    }

    private static SensorConfig noise(String standard, String zone, Integer sustain, String profile, String district) {
        return new SensorConfig("n1", "s", "noise", standard, zone, null, sustain, null, profile, district);
    }

    private static List<EvidenceRequest> run(SensorLimits limits, List<SensorReading> readings) throws Exception {
        SensorRuleFunction fn = new SensorRuleFunction(Map.of("n1", limits), "Asia/Shanghai");
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), SensorReading::sensorId, Types.STRING)) {
            h.open();
            for (SensorReading r : readings) {
                h.processElement(new StreamRecord<>(r));
            }
            return h.extractOutputValues();
        }
    }

    private static List<SensorReading> levels(long start, int seconds, double db, Double lmax) {
        List<SensorReading> out = new ArrayList<>();
        for (int i = 0; i < seconds; i++) {
            out.add(new SensorReading("s", "n1", SensorKind.NOISE, start + i * 1000L, db, null, null, lmax, null, null, null, null));
        }
        return out;
    }

    @Test
    void everyShippedLimitCitesItsStandardAndClause() {
        SensorLimits c2 = SHIPPED.limitsFor(noise("gb3096", "2", null, null, null));
        assertTrue(c2.standard().contains("GB 3096-2008") && c2.standard().contains("表1"), c2.standard());
        SensorLimits site = SHIPPED.limitsFor(noise("gb12523", null, null, null, null));
        assertEquals(70, site.dayLimit());
        assertEquals(55, site.nightLimit());
        assertEquals(15.0, site.nightLmaxOver());
        assertTrue(site.lmaxBasis().contains("GB 12523-2011 4.2"), site.lmaxBasis());
        SensorLimits fume = SHIPPED.limitsFor(new SensorConfig("f", "s", "lampblack", null, null, null, null));
        assertEquals(2.0, fume.dayLimit());
        assertNull(fume.nightLmaxOver());
        assertEquals("needs_legal_review", SHIPPED.review());
    }

    @Test
    void nightBeginsAt22ExactlyAndEndsAt06Exactly() {
        SensorLimits c2 = SHIPPED.limitsFor(noise("gb3096", "2", null, null, null));
        assertEquals(60, c2.limitAt(LocalTime.of(21, 59, 59)));
        assertEquals(50, c2.limitAt(LocalTime.of(22, 0, 0)));
        assertEquals(50, c2.limitAt(LocalTime.of(5, 59, 59)));
        assertEquals(60, c2.limitAt(LocalTime.of(6, 0, 0)));
    }

    @Test
    void aLevelExactlyAtTheLimitIsNoExceedanceAndATenthAboveIs() throws Exception {
        SensorLimits c2 = SHIPPED.limitsFor(noise("gb3096", "2", 30, null, null));
        assertTrue(run(c2, levels(at(20, 23, 0, 0), 60, 50.0, null)).isEmpty(), "LAeq 50.0 at a night limit of 50: within it");
        List<EvidenceRequest> over = run(c2, levels(at(20, 23, 0, 0), 60, 50.1, null));
        assertEquals(1, over.size());
        // The same 55 dB(A) across 22:00: by day within the limit of 60; the first alert's window lies after 22:00.
        List<EvidenceRequest> across = run(c2, levels(at(20, 21, 59, 0), 120, 55, null));
        assertEquals(1, across.size());
        assertTrue(across.get(0).alert().eventTimeMs() >= at(20, 22, 0, 0), "the window judged lies wholly in the night: "
                + java.time.Instant.ofEpochMilli(across.get(0).alert().eventTimeMs()));
        assertTrue(across.get(0).alert().reason().contains("night limit of 50"), across.get(0).alert().reason());
        assertTrue(run(c2, levels(at(20, 21, 59, 0), 60, 55, null)).isEmpty(), "up to 21:59:59 the day limit holds");
    }

    @Test
    void aDistrictSetsItsOwnNightWindow(@TempDir Path dir) throws Exception {
        String pack = new String(SensorPacks.class.getResourceAsStream("/rules/sensor-packs.yaml").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .replace("  districts: {}", "  districts:\n    late-city: {start: \"23:00\", end: \"07:00\", source: 市政府公告}");
        Path file = dir.resolve("packs.yaml");
        Files.writeString(file, pack);
        SensorPacks p = SensorPacks.load(file);
        SensorLimits late = p.limitsFor(noise("gb3096", "2", null, null, "late-city"));
        assertEquals(60, late.limitAt(LocalTime.of(22, 30)), "day until 23:00 there");
        assertEquals(50, late.limitAt(LocalTime.of(6, 30)), "night until 07:00 there");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.limitsFor(noise("gb3096", "2", null, null, "atlantis")));
        assertTrue(e.getMessage().startsWith("district"), e.getMessage());
    }

    @Test
    void atNightAMaximumMoreThan15dBOverTheLimitIsAnAlertOfItsOwn() throws Exception {
        SensorLimits site = SHIPPED.limitsFor(noise("gb12523", null, 30, null, null));
        // LAeq 45 under the night limit of 55, but one reading's Lmax 71: 16 dB over, more than 15.
        List<SensorReading> rs = new ArrayList<>(levels(at(20, 23, 0, 0), 10, 45, 60.0));
        rs.addAll(levels(at(20, 23, 0, 10), 1, 45, 71.0));
        rs.addAll(levels(at(20, 23, 0, 11), 10, 45, 60.0));
        List<EvidenceRequest> out = run(site, rs);
        assertEquals(1, out.size());
        assertEquals(EventType.NOISE_EXCEEDANCE, out.get(0).alert().type());
        assertTrue(out.get(0).alert().alertId().endsWith(":lmax"), out.get(0).alert().alertId());
        assertTrue(out.get(0).alert().reason().contains("Lmax 71.0") && out.get(0).alert().reason().contains("4.2"), out.get(0).alert().reason());
        assertTrue(run(site, levels(at(20, 23, 0, 0), 5, 45, 70.0)).isEmpty(), "exactly 15 dB over: allowed");
        assertTrue(run(site, levels(at(20, 14, 0, 0), 5, 45, 95.0)).isEmpty(), "by day the Lmax rule does not apply");
    }

    @Test
    void aRepeatProfileAlertsOnlyAtTheNthEpisodeWithinItsWindow() throws Exception {
        SensorLimits bursts = SHIPPED.limitsFor(noise("gb3096", "2", null, "short-bursts", null)); // 30 s, 3 within 60 min
        assertEquals(3, bursts.repeat().count());
        List<SensorReading> two = new ArrayList<>();
        List<SensorReading> three = new ArrayList<>();
        for (int episode = 0; episode < 3; episode++) {
            long start = at(20, 23, 0, 0) + episode * 10 * 60_000L; // every ten minutes: 40 s loud, then quiet
            List<SensorReading> e = new ArrayList<>(levels(start, 40, 58, null));
            e.addAll(levels(start + 40_000, 120, 40, null));
            if (episode < 2) {
                two.addAll(e);
            }
            three.addAll(e);
        }
        assertTrue(run(bursts, two).isEmpty(), "two episodes within the hour: counted, no alert yet");
        List<EvidenceRequest> out = run(bursts, three);
        assertEquals(1, out.size(), "the third raises one alert");
        assertTrue(out.get(0).alert().reason().contains("episode 3 within 60 min"), out.get(0).alert().reason());
        // Three episodes, but an hour and more apart: none within the window of another two.
        List<SensorReading> spread = new ArrayList<>();
        for (int episode = 0; episode < 3; episode++) {
            long start = at(20, 22, 0, 0) + episode * 65 * 60_000L;
            spread.addAll(levels(start, 40, 58, null));
            spread.addAll(levels(start + 40_000, 120, 40, null));
        }
        assertTrue(run(bursts, spread).isEmpty());
        // One exceedance that never stops is an alert once it has lasted the repeat's window, not never.
        List<EvidenceRequest> continuous = run(bursts, levels(at(20, 23, 0, 0), 61 * 60, 58, null));
        assertEquals(1, continuous.size());
        assertTrue(continuous.get(0).alert().reason().contains("lasting 60 min"), continuous.get(0).alert().reason());
        assertTrue(run(bursts, levels(at(20, 23, 0, 0), 59 * 60, 58, null)).isEmpty(), "59 minutes: not yet");
        // Loud for ten minutes, silent for two hours (the meter off), loud again for a minute: not "lasting 60 min".
        List<SensorReading> gap = new ArrayList<>(levels(at(20, 20, 0, 0), 10 * 60, 58, null));
        gap.addAll(levels(at(20, 22, 10, 0), 60, 58, null));
        assertTrue(run(bursts, gap).stream().noneMatch(e -> e.alert().reason().contains("lasting")), "a silence ends the watch");
    }

    @Test
    void readingsFromBeforeOpeningTimeDoNotCountWhenTheScheduleBegins() throws Exception {
        SensorLimits hours = SHIPPED.limitsFor(new SensorConfig("n1", "s", "lampblack", null, null, null, 20, null, "restaurant-hours", null));
        List<SensorReading> rs = new ArrayList<>();
        for (int i = 0; i < 25; i++) { // 09:59:50 to 10:00:14: over the limit throughout
            rs.add(new SensorReading("s", "n1", SensorKind.LAMPBLACK, at(20, 9, 59, 50) + i * 1000L, 3.0, true, true));
        }
        assertTrue(run(hours, rs).isEmpty(), "only 15 s inside the opening hours: not yet a window of 20");
        for (int i = 25; i < 35; i++) {
            rs.add(new SensorReading("s", "n1", SensorKind.LAMPBLACK, at(20, 9, 59, 50) + i * 1000L, 3.0, true, true));
        }
        assertEquals(1, run(hours, rs).size(), "at 10:00:24 a window of 20 s within opening hours: one alert");
    }

    @Test
    void aScheduledProfileJudgesOnlyWithinItsHours() throws Exception {
        SensorLimits hours = SHIPPED.limitsFor(new SensorConfig("n1", "s", "lampblack", null, null, null, 20, null, "restaurant-hours", null));
        List<SensorReading> night = new ArrayList<>();
        List<SensorReading> noon = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            night.add(new SensorReading("s", "n1", SensorKind.LAMPBLACK, at(20, 23, 0, 0) + i * 1000L, 3.0, true, true));
            noon.add(new SensorReading("s", "n1", SensorKind.LAMPBLACK, at(20, 12, 0, 0) + i * 1000L, 3.0, true, true));
        }
        assertTrue(run(hours, night).isEmpty(), "closed at 23:00 (10:00–22:00): not judged");
        assertEquals(List.of(EventType.LAMPBLACK_EXCEEDANCE), run(hours, noon).stream().map(r -> r.alert().type()).toList());
    }

    @Test
    void aBrokenPackIsRefusedWithEveryProblemNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("packs.yaml");
        Files.writeString(file, """
                review: maybe
                night: {start: "25:00", end: "06:00"}
                standards:
                  gb3096:
                    kind: noise
                    name: GB 3096-2008
                    classes: {"2": {day: 50, night: 60}, "3": {day: -1, night: 55}}
                    night_lmax_over: 15
                  gb18483: {kind: lampblack, name: GB 18483-2001, clause: 表2}
                  gbx: {kind: smell, name: x, clause: y}
                profiles:
                  fast: {sustain_seconds: 0, repeat: {count: 0, within_minutes: 60, per: 1}, schedule: {days: [8], from: "10:00", to: "10:00"}, durtion: 5}
                """);
        SensorPacks.Refused e = assertThrows(SensorPacks.Refused.class, () -> SensorPacks.load(file));
        String all = String.join("\n", e.problems());
        for (String expected : List.of("review:", "night.start: '25:00'", "night.source", "standards.gb3096.clause", "night limit 60.0 is above",
                "classes.3.day", "lmax_clause", "standards.gb18483.limit", "standards.gbx.kind", "sustain_seconds", "repeat", "schedule.days",
                "from and to are the same", "profiles.default", "profiles.fast.durtion: not a key", "profiles.fast.repeat.per: not a key")) {
            assertTrue(all.contains(expected), "names " + expected + " in:\n" + all);
        }
    }
}
