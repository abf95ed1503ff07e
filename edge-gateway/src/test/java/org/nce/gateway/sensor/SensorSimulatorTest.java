package org.nce.gateway.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nce.model.SensorReading;

class SensorSimulatorTest {
    static final long T0 = 1_780_000_000_000L;

    @Test
    void nightConstructionIsQuietThenLoudThenQuiet() {
        SensorSimulator s = new SensorSimulator("s", "n", SensorSimulator.Profile.NOISE_NIGHT_CONSTRUCTION, T0, 1);
        assertTrue(s.readingAt(T0 + 5_000).value() < 55);
        assertTrue(s.readingAt(T0 + 60_000).value() > 65);
        assertTrue(s.readingAt(T0 + 250_000).value() < 55);
    }

    @Test
    void purifierOffProfileSwitchesThePurifierOffAndConcentrationRises() {
        SensorSimulator s = new SensorSimulator("s", "f", SensorSimulator.Profile.LAMPBLACK_PURIFIER_OFF, T0, 1);
        SensorReading early = s.readingAt(T0 + 5_000);
        SensorReading late = s.readingAt(T0 + 60_000);
        assertTrue(early.purifierOn());
        assertFalse(late.purifierOn());
        assertTrue(late.fanOn());
        assertTrue(late.value() > 2.0 && early.value() < 2.0);
    }

    @Test
    void sameSeedSameReadings() {
        SensorSimulator a = new SensorSimulator("s", "n", SensorSimulator.Profile.NOISE_QUIET, T0, 42);
        SensorSimulator b = new SensorSimulator("s", "n", SensorSimulator.Profile.NOISE_QUIET, T0, 42);
        for (int i = 0; i < 10; i++) {
            assertEquals(a.readingAt(T0 + i * 1000L), b.readingAt(T0 + i * 1000L));
        }
    }
}
