package org.nce.detectors.dumping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nce.detectors.geometry.Polygon;
import org.nce.detectors.objects.YoloConfig;
import org.nce.model.Json;

class DumpingConfigTest {

    private static final DumpingConfig D = DumpingConfig.defaults();

    /** Copy of the defaults with one component replaced, by name, through the canonical constructor. */
    private static DumpingConfig with(String key, Object value) {
        return new DumpingConfig(
                key.equals("zones") ? cast(value) : D.zones(),
                key.equals("minAreaFraction") ? (double) value : D.minAreaFraction(),
                key.equals("minStaticSeconds") ? (double) value : D.minStaticSeconds(),
                key.equals("longTermSeconds") ? (double) value : D.longTermSeconds(),
                key.equals("shortTermSeconds") ? (double) value : D.shortTermSeconds(),
                D.requireActor(),
                key.equals("actorLookbackSeconds") ? (double) value : D.actorLookbackSeconds(),
                key.equals("minActorAreaFraction") ? (double) value : D.minActorAreaFraction(),
                D.illuminationCompensation(),
                key.equals("diffThreshold") ? (double) value : D.diffThreshold(),
                key.equals("minTextureChange") ? (double) value : D.minTextureChange(),
                key.equals("quietSeconds") ? (double) value : D.quietSeconds(),
                key.equals("workWidth") ? (int) value : D.workWidth(),
                key.equals("actorModel") ? (YoloConfig) value : D.actorModel(),
                key.equals("active_hours") ? (String) value : D.activeHours(),
                key.equals("time_zone") ? (String) value : D.timeZone());
    }

    @SuppressWarnings("unchecked")
    private static List<Polygon> cast(Object o) {
        return (List<Polygon>) o;
    }

    /** Rejects {@code value} for the component {@code key}, naming the key as the YAML spells it. */
    private static void assertRejected(String key, Object value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with(key, value),
                key + "=" + value + " should be rejected");
        String yamlKey = key.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
        assertTrue(e.getMessage().contains(yamlKey), "message names " + yamlKey + ": " + e.getMessage());
    }

    @Test
    void defaultsAreValidAndCoverTheWholeFrame() {
        assertEquals(List.of(Polygon.fullFrame()), D.zones());
        assertTrue(D.longTermSeconds() > 2 * D.minStaticSeconds());
    }

    @Test
    void rejectsEachBadValueNamingItsKey() {
        assertRejected("zones", List.of());
        assertRejected("minAreaFraction", 0.0);
        assertRejected("minAreaFraction", 1.5);
        assertRejected("minAreaFraction", Double.NaN);
        assertRejected("minStaticSeconds", 0.0);
        assertRejected("longTermSeconds", 0.5);
        assertRejected("shortTermSeconds", 0.0);
        assertRejected("actorLookbackSeconds", -1.0);
        assertRejected("minActorAreaFraction", 0.0);
        assertRejected("diffThreshold", 0.0);
        assertRejected("diffThreshold", 300.0);
        assertRejected("minTextureChange", 1.2);
        assertRejected("quietSeconds", -5.0);
        assertRejected("workWidth", 32);
        assertRejected("active_hours", "22-6");
        assertRejected("time_zone", "Mars/Olympus");
    }

    @Test
    void activeHoursMayWrapMidnight() {
        assertTrue(D.schedule().includes(0), "no window = always");
        // 1970-01-01T00:00Z is 08:00 in Shanghai.
        assertFalse(D.withActiveHours("20:00-06:00").schedule().includes(0));
        assertTrue(D.withActiveHours("06:00-09:00").schedule().includes(0));
    }

    @Test
    void rejectsABackgroundTooFastForTheStaticTime() {
        // The long-term model must still remember the old ground when the pile is confirmed.
        assertRejected("minStaticSeconds", 40.0);
        // ... and be clearly slower than the short-term one.
        assertRejected("shortTermSeconds", 20.0);
    }

    @Test
    void rejectsANullZone() {
        java.util.ArrayList<Polygon> zones = new java.util.ArrayList<>();
        zones.add(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with("zones", zones));
        assertTrue(e.getMessage().contains("zones[0]"), e.getMessage());
    }

    @Test
    void roundTripsThroughTheProjectJsonDialect() throws Exception {
        DumpingConfig c = D.withZones(List.of(Polygon.rectangle(0.1, 0.5, 0.9, 1)));
        String json = Json.MAPPER.writeValueAsString(c);
        assertTrue(json.contains("\"min_static_seconds\""), json);
        assertTrue(json.contains("\"zones\":[[[0.1,0.5],"), json);
        assertEquals(c, Json.MAPPER.readValue(json, DumpingConfig.class));
    }

    @Test
    void jsonWithABadValueFailsNamingTheKey() {
        String json = Json.writeString(D).replace("\"min_static_seconds\":2.0", "\"min_static_seconds\":-1.0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), DumpingConfig.class));
        assertTrue(e.getMessage().contains("min_static_seconds"), e.getMessage());
    }

    @Test
    void actorModelIsOptionalAndReadFromSnakeCase() throws Exception {
        assertFalse(D.hasActorModel(), "no model by default: the actor gate uses moving blobs");
        assertEquals(D, with("actorModel", null), "null reads as the model block without paths");
        DumpingConfig c = D.withActorModel(YoloConfig.darknet("m/yolo.cfg", "m/yolo.weights", null));
        assertTrue(c.hasActorModel());
        String json = Json.writeString(c);
        assertTrue(json.contains("\"actor_model\":{\"model_path\":\"m/yolo.cfg\""), json);
        assertEquals(c, Json.MAPPER.readValue(json, DumpingConfig.class));
    }

    @Test
    void aBadActorModelFailsNamingItsKey() {
        String json = Json.writeString(D).replace("\"actor_model\":{", "\"actor_model\":{\"model_path\":\"m/yolo.cfg\",");
        assertTrue(json.contains("m/yolo.cfg"), json);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), DumpingConfig.class));
        assertTrue(e.getMessage().contains("weights_path"), e.getMessage());
    }

    @Test
    void jsonWithAnUnknownKeyIsRejected() {
        String json = Json.writeString(D).replace("{", "{\"no_such_key\":1,");
        assertThrows(IllegalArgumentException.class,
                () -> Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), DumpingConfig.class));
    }
}
