package org.nce.detectors.fire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nce.model.Json;

class FireConfigTest {

    private static final FireConfig D = FireConfig.defaults();

    private static FireConfig with(Function<Object[], Object[]> edit) {
        Object[] v = {D.processingWidth(), D.flameMinAreaFraction(), D.flameMinFlickerHz(), D.flameConfirmSeconds(),
            D.smokeMinAreaFraction(), D.smokeMaxChroma(), D.smokeConfirmSeconds(), D.maxCameraShiftPerSecond(),
            D.quietSeconds(), D.activeHours(), D.timeZone(), D.includeZones(), D.excludeZones()};
        v = edit.apply(v);
        @SuppressWarnings("unchecked")
        FireConfig c = new FireConfig((int) v[0], (double) v[1], (double) v[2], (double) v[3], (double) v[4], (int) v[5],
                (double) v[6], (double) v[7], (double) v[8], (String) v[9], (String) v[10],
                (List<FireConfig.Zone>) v[11], (List<FireConfig.Zone>) v[12]);
        return c;
    }

    private static void rejects(String key, int index, Object bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with(v -> {
            v[index] = bad;
            return v;
        }));
        assertTrue(e.getMessage().contains(key), () -> "message should name " + key + ": " + e.getMessage());
    }

    @Test
    void defaultsAreValid() {
        assertEquals(D, with(v -> v));
        assertTrue(D.includeZones().isEmpty());
    }

    @Test
    void everyNumericKeyIsRangeChecked() {
        rejects("processing_width", 0, 32);
        rejects("processing_width", 0, 4000);
        rejects("flame_min_area_fraction", 1, 0.0);
        rejects("flame_min_area_fraction", 1, Double.NaN);
        rejects("flame_min_flicker_hz", 2, -1.0);
        rejects("flame_confirm_seconds", 3, 0.0);
        rejects("smoke_min_area_fraction", 4, 1.5);
        rejects("smoke_max_chroma", 5, 0);
        rejects("smoke_max_chroma", 5, 300);
        rejects("smoke_confirm_seconds", 6, 0.1);
        rejects("max_camera_shift_per_second", 7, 0.0);
        rejects("quiet_seconds", 8, 0.0);
    }

    @Test
    void timeSettingsAreChecked() {
        rejects("active_hours", 9, "8-18");
        rejects("active_hours", 9, "25:00-06:00");
        rejects("time_zone", 10, "Mars/Olympus");
        rejects("time_zone", 10, " ");
        assertEquals("18:00-06:00", D.withActiveHours("18:00-06:00").activeHours());
    }

    @Test
    void zonesNeedThreeNormalizedPoints() {
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> new FireConfig.Zone("yard", List.of(List.of(0.1, 0.1), List.of(0.2, 0.2))));
        assertTrue(few.getMessage().contains("points"));
        IllegalArgumentException out = assertThrows(IllegalArgumentException.class,
                () -> new FireConfig.Zone("yard", List.of(List.of(0.1, 0.1), List.of(1.2, 0.2), List.of(0.5, 0.9))));
        assertTrue(out.getMessage().contains("normalized"));
        IllegalArgumentException pair = assertThrows(IllegalArgumentException.class,
                () -> new FireConfig.Zone("yard", List.of(List.of(0.1), List.of(0.2, 0.2), List.of(0.5, 0.9))));
        assertTrue(pair.getMessage().contains("[x, y]"));
    }

    @Test
    void readsSnakeCaseJsonAndRejectsUnknownKeys() {
        String json = """
                {"processing_width":192,"flame_min_area_fraction":0.001,"flame_min_flicker_hz":2.5,
                 "flame_confirm_seconds":4,"smoke_min_area_fraction":0.02,"smoke_max_chroma":18,
                 "smoke_confirm_seconds":5,"max_camera_shift_per_second":0.2,"quiet_seconds":60,
                 "active_hours":"18:00-06:00","time_zone":"Asia/Shanghai",
                 "exclude_zones":[{"name":"chimney","points":[[0.1,0.1],[0.3,0.1],[0.3,0.4]]}]}
                """;
        FireConfig c = Json.read(json.getBytes(StandardCharsets.UTF_8), FireConfig.class);
        assertEquals(192, c.processingWidth());
        assertEquals(1, c.excludeZones().size());
        assertEquals(List.of(0.3, 0.4), c.excludeZones().get(0).points().get(2));
        assertEquals(c, Json.read(Json.write(c), FireConfig.class));

        String unknown = json.replace("\"quiet_seconds\":60", "\"quiet_seconds\":60,\"flicker\":1");
        assertThrows(IllegalArgumentException.class,
                () -> Json.read(unknown.getBytes(StandardCharsets.UTF_8), FireConfig.class));
        String bad = json.replace("\"processing_width\":192", "\"processing_width\":10");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.read(bad.getBytes(StandardCharsets.UTF_8), FireConfig.class));
        assertTrue(e.getMessage().contains("processing_width"), e.getMessage());
    }
}
