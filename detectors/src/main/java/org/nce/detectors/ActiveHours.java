package org.nce.detectors;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * When a camera's detector works: a local time window {@code "HH:mm-HH:mm"} in a time zone, shared by
 * every detector's config as the two keys {@code active_hours} and {@code time_zone}. The window may
 * wrap midnight ({@code "22:00-06:00"}: night-time dumping, construction noise after hours); equal
 * ends mean the whole day. A detector outside its window analyses nothing, so a shared edge box
 * spends no CPU on it, and starts afresh when the window opens (its models are stale by then).
 *
 * <p>Stream time decides ({@link FrameMeta#timestampMs()}), never the wall clock, so replays and
 * evaluations behave as live.
 *
 * @param from first minute of the window (inclusive); null with {@code to} null = always active
 * @param to   end of the window (exclusive)
 * @param zone zone the window is read in
 */
public record ActiveHours(LocalTime from, LocalTime to, ZoneId zone) {

    public ActiveHours {
        if ((from == null) != (to == null)) {
            throw new IllegalArgumentException("active_hours needs both ends, got " + from + "-" + to);
        }
        if (zone == null) {
            throw new IllegalArgumentException("time_zone is required (an IANA id such as Asia/Shanghai)");
        }
    }

    /**
     * Reads the config keys; names the key at fault in the message.
     *
     * @param hours    {@code "HH:mm-HH:mm"}, or null for always
     * @param timeZone an IANA zone id such as {@code Asia/Shanghai}
     */
    public static ActiveHours parse(String hours, String timeZone) {
        if (timeZone == null || timeZone.isBlank()) {
            throw new IllegalArgumentException("time_zone is required (an IANA id such as Asia/Shanghai)");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("time_zone '" + timeZone + "' is not a known zone id", e);
        }
        if (hours == null) {
            return new ActiveHours(null, null, zone);
        }
        String[] parts = hours.split("-");
        if (parts.length != 2) {
            throw new IllegalArgumentException("active_hours must look like HH:mm-HH:mm, got '" + hours + "'");
        }
        try {
            return new ActiveHours(LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim()), zone);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("active_hours must look like HH:mm-HH:mm, got '" + hours + "'", e);
        }
    }

    /** Whether the detector should analyse a frame taken at {@code epochMs}. */
    public boolean includes(long epochMs) {
        if (from == null || from.equals(to)) {
            return true;
        }
        LocalTime t = Instant.ofEpochMilli(epochMs).atZone(zone).toLocalTime();
        return from.isBefore(to)
                ? !t.isBefore(from) && t.isBefore(to)
                : !t.isBefore(from) || t.isBefore(to);
    }

    /** For reasons and logs: {@code "22:00-06:00 Asia/Shanghai"} or {@code "always"}. */
    @Override
    public String toString() {
        return from == null ? "always" : from + "-" + to + " " + zone;
    }
}
