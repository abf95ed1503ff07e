package org.nce.pipeline.sensor;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.Set;
import org.nce.model.SensorKind;
import org.nce.pipeline.config.PipelineConfig.SensorConfig;

/**
 * What one sensor's rules apply, resolved from the sensor rule pack ({@link SensorPacks},
 * {@code rules/sensor-packs.yaml}: limits by standard and clause, the night window, the device
 * profiles) and the sensor's configuration (standard, zone class, district, profile, a local limit).
 *
 * @param standard        the standard and clause the limits come from, as an alert cites it
 * @param nightStart      when night begins (噪声污染防治法 第八十八条: 22:00, or the district's)
 * @param nightEnd        when it ends (06:00, or the district's)
 * @param nightLmaxOver   at night, the most the maximum level (Lmax) may exceed the night limit; null: no Lmax rule
 * @param lmaxBasis       the clause of the Lmax rule
 * @param repeat          how many episodes within how long make an alert (1: each episode)
 * @param schedule        when the rules apply; null: always
 */
public record SensorLimits(SensorKind kind, String standard, double dayLimit, double nightLimit, int sustainSeconds,
                           LocalTime nightStart, LocalTime nightEnd, Double nightLmaxOver, String lmaxBasis, Repeat repeat,
                           Schedule schedule) implements Serializable {

    /** {@code count} episodes within {@code withinMinutes} make one alert. */
    public record Repeat(int count, int withinMinutes) implements Serializable {
        public static final Repeat EACH = new Repeat(1, 60);
    }

    /** The days (1 Monday … 7 Sunday) and the local time of day when the rules apply; {@code to} before {@code from} spans midnight. */
    public record Schedule(Set<Integer> days, LocalTime from, LocalTime to) implements Serializable {
        public Schedule {
            days = Set.copyOf(days);
        }

        boolean covers(DayOfWeek day, LocalTime t) {
            boolean inTime = from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
            // A window across midnight belongs to the day it began on.
            DayOfWeek began = !from.isBefore(to) && t.isBefore(to) ? day.minus(1) : day;
            return inTime && days.contains(began.getValue());
        }
    }

    public SensorLimits {
        repeat = repeat == null ? Repeat.EACH : repeat;
    }

    public double limitAt(LocalTime localTime) {
        return isNight(localTime) ? nightLimit : dayLimit;
    }

    /** Night from {@code nightStart} (inclusive) to {@code nightEnd} (exclusive): 22:00:00 is night, 21:59:59 is day. */
    public boolean isNight(LocalTime t) {
        return nightStart.isBefore(nightEnd) ? !t.isBefore(nightStart) && t.isBefore(nightEnd)
                : !t.isBefore(nightStart) || t.isBefore(nightEnd);
    }

    /** Whether the rules apply at this local time (the profile's schedule). */
    public boolean applies(DayOfWeek day, LocalTime t) {
        return schedule == null || schedule.covers(day, t);
    }

    /** A sensor's limits from the shipped pack (or {@code NCE_SENSOR_PACKS}), or throws naming the key that is wrong. */
    public static SensorLimits forSensor(SensorConfig s) {
        return SensorPacks.current().limitsFor(s);
    }
}
