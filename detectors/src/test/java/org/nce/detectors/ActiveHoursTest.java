package org.nce.detectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZonedDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ActiveHoursTest {

    private static long shanghai(int hour, int minute) {
        return ZonedDateTime.of(2026, 11, 27, hour, minute, 0, 0, ZoneId.of("Asia/Shanghai")).toInstant().toEpochMilli();
    }

    @Test
    void noWindowMeansAlways() {
        ActiveHours always = ActiveHours.parse(null, "Asia/Shanghai");
        assertTrue(always.includes(shanghai(3, 0)));
        assertTrue(always.includes(shanghai(15, 0)));
        assertEquals("always", always.toString());
    }

    @Test
    void aDayWindowIncludesItsStartAndExcludesItsEnd() {
        ActiveHours day = ActiveHours.parse("08:00-18:00", "Asia/Shanghai");
        assertFalse(day.includes(shanghai(7, 59)));
        assertTrue(day.includes(shanghai(8, 0)));
        assertTrue(day.includes(shanghai(17, 59)));
        assertFalse(day.includes(shanghai(18, 0)));
    }

    @Test
    void aNightWindowWrapsMidnight() {
        ActiveHours night = ActiveHours.parse("22:00-06:00", "Asia/Shanghai");
        assertTrue(night.includes(shanghai(23, 30)));
        assertTrue(night.includes(shanghai(0, 0)));
        assertTrue(night.includes(shanghai(5, 59)));
        assertFalse(night.includes(shanghai(6, 0)));
        assertFalse(night.includes(shanghai(12, 0)));
        assertEquals("22:00-06:00 Asia/Shanghai", night.toString());
    }

    @Test
    void theZoneDecidesTheLocalHour() {
        // 23:30 in Shanghai is 15:30 UTC: inside a Shanghai night window, outside a UTC one.
        assertTrue(ActiveHours.parse("22:00-06:00", "Asia/Shanghai").includes(shanghai(23, 30)));
        assertFalse(ActiveHours.parse("22:00-06:00", "UTC").includes(shanghai(23, 30)));
    }

    @Test
    void equalEndsMeanTheWholeDay() {
        assertTrue(ActiveHours.parse("07:00-07:00", "UTC").includes(shanghai(3, 0)));
    }

    @Test
    void badValuesNameTheirKey() {
        for (String bad : new String[] {"8-18", "25:00-06:00", "08:00", "08:00-18:00-20:00"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ActiveHours.parse(bad, "Asia/Shanghai"), bad);
            assertTrue(e.getMessage().contains("active_hours"), e.getMessage());
        }
        for (String bad : new String[] {null, " ", "Mars/Olympus"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ActiveHours.parse("08:00-18:00", bad), String.valueOf(bad));
            assertTrue(e.getMessage().contains("time_zone"), e.getMessage());
        }
    }
}
