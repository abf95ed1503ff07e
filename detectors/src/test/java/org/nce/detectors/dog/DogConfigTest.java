package org.nce.detectors.dog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nce.detectors.geometry.Polygon;
import org.nce.detectors.objects.YoloConfig;

class DogConfigTest {

    private static final DogConfig D = DogConfig.defaults();

    private static void rejects(String key, Supplier<DogConfig> build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
        assertTrue(e.getMessage().contains(key), () -> "message should name " + key + ": " + e.getMessage());
    }

    private static DogConfig with(double dogScore, double personScore, double k, long t, int hits, long stride,
                                  long idle, int mw, int md, double mf, long coast, long quiet) {
        return new DogConfig(YoloConfig.defaults(), dogScore, personScore, k, t, hits, stride, idle, mw, md, mf, coast, quiet,
                null, null, "Asia/Shanghai", true);
    }

    @Test
    void defaultsAreValidAndHaveNoModel() {
        assertNotNull(D.model());
        assertEquals(null, D.model().modelPath());
        assertEquals(D.model(), new DogConfig(null, D.dogScore(), D.personScore(), D.leashHeights(), D.unleashedMs(),
                D.minDogHits(), D.detectIntervalMs(), D.idleIntervalMs(), D.motionWidth(), D.motionPixelDelta(),
                D.motionFraction(), D.trackCoastMs(), D.quietMs(), null, null, D.timeZone(), true).model());
        assertEquals(List.of(Polygon.fullFrame()), D.zones(), "no zones given = the whole frame");
    }

    @Test
    void roundTripsThroughProjectJsonInSnakeCase() throws Exception {
        DogConfig c = D.withModel(YoloConfig.darknet("m.cfg", "m.weights", "coco.names")).withLeashHeights(1.5);
        String json = org.nce.model.Json.writeString(c);
        assertTrue(json.contains("\"leash_heights\":1.5"), json);
        assertTrue(json.contains("\"model_path\":\"m.cfg\""), json);
        assertEquals(c, org.nce.model.Json.MAPPER.readValue(json, DogConfig.class));
    }

    @Test
    void unknownKeyIsRejected() {
        String json = org.nce.model.Json.writeString(D).replaceFirst("\\{", "{\"leash_hieghts\":1.0,");
        Exception e = assertThrows(Exception.class, () -> org.nce.model.Json.MAPPER.readValue(json, DogConfig.class));
        assertTrue(e.getMessage().contains("leash_hieghts"), e.getMessage());
    }

    @Test
    void everyRuleRejectsNamingItsKey() {
        rejects("dog_score", () -> with(0, 0.3, 1, 1000, 3, 200, 2000, 160, 12, 0.002, 4000, 10000));
        rejects("dog_score", () -> with(1.1, 0.3, 1, 1000, 3, 200, 2000, 160, 12, 0.002, 4000, 10000));
        rejects("person_score", () -> with(0.3, Double.NaN, 1, 1000, 3, 200, 2000, 160, 12, 0.002, 4000, 10000));
        rejects("leash_heights", () -> with(0.3, 0.3, 0, 1000, 3, 200, 2000, 160, 12, 0.002, 4000, 10000));
        rejects("unleashed_ms", () -> with(0.3, 0.3, 1, -1, 3, 200, 2000, 160, 12, 0.002, 4000, 10000));
        rejects("min_dog_hits", () -> with(0.3, 0.3, 1, 1000, 0, 200, 2000, 160, 12, 0.002, 4000, 10000));
        rejects("detect_interval_ms", () -> with(0.3, 0.3, 1, 1000, 3, -5, 2000, 160, 12, 0.002, 4000, 10000));
        rejects("idle_interval_ms", () -> with(0.3, 0.3, 1, 1000, 3, 200, 100, 160, 12, 0.002, 4000, 10000));
        rejects("motion_width", () -> with(0.3, 0.3, 1, 1000, 3, 200, 2000, 16, 12, 0.002, 4000, 10000));
        rejects("motion_pixel_delta", () -> with(0.3, 0.3, 1, 1000, 3, 200, 2000, 160, 0, 0.002, 4000, 10000));
        rejects("motion_fraction", () -> with(0.3, 0.3, 1, 1000, 3, 200, 2000, 160, 12, 2, 4000, 10000));
        rejects("track_coast_ms", () -> with(0.3, 0.3, 1, 1000, 3, 200, 2000, 160, 12, 0.002, 0, 10000));
        rejects("quiet_ms", () -> with(0.3, 0.3, 1, 1000, 3, 200, 2000, 160, 12, 0.002, 4000, -1));
        rejects("input_size", () -> D.withModel(YoloConfig.defaults().withInputSize(100)));
        rejects("zones", () -> D.withZones(List.of()));
        rejects("active_hours", () -> D.withActiveHours("after dark"));
    }

    @Test
    void zonesAndHoursReadFromSnakeCaseJson() throws Exception {
        DogConfig c = D.withZones(List.of(Polygon.rectangle(0, 0.5, 1, 1))).withActiveHours("06:00-22:00");
        String json = org.nce.model.Json.writeString(c);
        assertTrue(json.contains("\"zones\":[[[0.0,0.5],[1.0,0.5],[1.0,1.0],[0.0,1.0]]]"), json);
        assertTrue(json.contains("\"active_hours\":\"06:00-22:00\""), json);
        assertEquals(c, org.nce.model.Json.MAPPER.readValue(json, DogConfig.class));
    }
}
