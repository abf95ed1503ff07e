package org.nce.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void sensorReadingRoundTripsInSnakeCase() {
        SensorReading r = new SensorReading("site-1", "fume-1", SensorKind.LAMPBLACK, 1_700_000_000_000L, 2.4, true, false);
        String json = Json.writeString(r);
        assertTrue(json.contains("\"sensor_id\":\"fume-1\""), json);
        assertTrue(json.contains("\"kind\":\"lampblack\""), json);
        assertEquals(r, Json.read(json.getBytes(), SensorReading.class));
    }

    @Test
    void caseRoundTrips() {
        CaseRecord c = new CaseRecord("case-1", EventType.OPEN_BURNING, CaseRecord.STATUS_DRAFT, "site-1", "site-1",
                5L, List.of("a1"), List.of(new EvidenceRef("k", "0".repeat(64), "video/mp4", 10, "clip")), "s", "l", 6L);
        assertEquals(c, Json.read(Json.write(c), CaseRecord.class));
    }

    @Test
    void rejectsMalformedUnknownAndInvalid() {
        assertThrows(IllegalArgumentException.class, () -> Json.read("{not json".getBytes(), SensorReading.class));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Json.read(
                "{\"site_id\":\"s\",\"sensor_id\":\"n\",\"kind\":\"noise\",\"timestamp_ms\":5,\"value\":50,\"colour\":1}".getBytes(),
                SensorReading.class));
        assertTrue(unknown.getMessage().contains("colour"), unknown.getMessage());
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> Json.read(
                "{\"site_id\":\"s\",\"sensor_id\":\"n\",\"kind\":\"smell\",\"timestamp_ms\":5,\"value\":50}".getBytes(),
                SensorReading.class));
        assertTrue(kind.getMessage().contains("smell"), kind.getMessage());
    }

    static final String READING = "{\"site_id\":\"s\",\"sensor_id\":\"n\",\"kind\":\"noise\",\"timestamp_ms\":5,";

    @Test
    void refusesWhatAHostileOrBrokenDeviceSends() {
        assertEquals(50.0, Json.read((READING + "\"value\":50}").getBytes(), SensorReading.class).value());
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> Json.read((READING + "\"value\":1e308}").getBytes(), SensorReading.class));
        assertTrue(huge.getMessage().contains("outside what a noise sensor can report"), huge.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.read((READING + "\"value\":-3}").getBytes(), SensorReading.class));
        IllegalArgumentException string = assertThrows(IllegalArgumentException.class,
                () -> Json.read((READING + "\"value\":\"55.0\"}").getBytes(), SensorReading.class));
        assertTrue(string.getMessage().contains("value"), string.getMessage());
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> Json.read((READING + "\"value\":50,\"value\":99}").getBytes(), SensorReading.class));
        assertTrue(dup.getMessage().contains("Duplicate field 'value'"), dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.read(
                "{\"site_id\":\"s\",\"sensor_id\":\"f\",\"kind\":\"lampblack\",\"timestamp_ms\":5,\"value\":1,\"fan_on\":\"true\"}".getBytes(),
                SensorReading.class));
    }

    @Test
    void eventTypeUsesWireNames() {
        assertEquals("\"open_burning\"", Json.writeString(EventType.OPEN_BURNING));
        assertThrows(IllegalArgumentException.class, () -> EventType.fromWire("arson"));
    }
}
