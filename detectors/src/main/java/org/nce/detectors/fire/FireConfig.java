package org.nce.detectors.fire;

import java.util.List;
import org.nce.detectors.ActiveHours;

/**
 * Per-camera settings of {@link OpenBurningDetector}. Immutable; validates itself and names the
 * offending key (snake_case, as written in the YAML/JSON config) in the exception message.
 *
 * <p>How every default was chosen is written down in {@code docs/detectors/open-burning.md}.
 *
 * @param processingWidth       width in pixels of the downscaled copy all analysis runs on
 * @param flameMinAreaFraction  flickering flame pixels needed, as a fraction of the frame
 * @param flameMinFlickerHz     a pixel counts as flickering when its fire-coloured intensity
 *                              changes at least this often per second (time-averaged)
 * @param flameConfirmSeconds   flame must be present this long (stream time) before an alarm
 * @param smokeMinAreaFraction  smoke cells needed, as a fraction of the frame
 * @param smokeMaxChroma        a smoke cell's mean |Cr-128|+|Cb-128| must not exceed this (grey)
 * @param smokeConfirmSeconds   smoke must be present this long (stream time) before an alarm
 * @param maxCameraShiftPerSecond above this global image shift (fraction of the frame width per
 *                              second) the camera counts as moving and evidence is not collected
 * @param quietSeconds          an episode ends (and the detector re-arms) after this long with
 *                              neither flame nor smoke
 * @param activeHours           optional local time window "HH:mm-HH:mm" (may wrap midnight);
 *                              null = always active
 * @param timeZone              zone for activeHours (IANA id)
 * @param includeZones          optional polygons (normalized 0..1); if any, only they are analysed
 * @param excludeZones          optional polygons (normalized 0..1) that are never analysed
 */
public record FireConfig(
        int processingWidth,
        double flameMinAreaFraction,
        double flameMinFlickerHz,
        double flameConfirmSeconds,
        double smokeMinAreaFraction,
        int smokeMaxChroma,
        double smokeConfirmSeconds,
        double maxCameraShiftPerSecond,
        double quietSeconds,
        String activeHours,
        String timeZone,
        List<Zone> includeZones,
        List<Zone> excludeZones) {

    /**
     * A polygon in normalized image coordinates: {@code points} is a list of [x, y] pairs with
     * 0 &lt;= x, y &lt;= 1, at least three of them.
     */
    public record Zone(String name, List<List<Double>> points) {
        public Zone {
            if (points == null || points.size() < 3) {
                throw new IllegalArgumentException("zone " + name + ": points needs at least 3 [x, y] pairs");
            }
            for (List<Double> p : points) {
                if (p == null || p.size() != 2 || p.get(0) == null || p.get(1) == null) {
                    throw new IllegalArgumentException("zone " + name + ": each point must be [x, y], got " + p);
                }
                for (double v : p) {
                    if (!(v >= 0 && v <= 1)) {
                        throw new IllegalArgumentException("zone " + name
                                + ": points must be normalized to 0..1, got " + p);
                    }
                }
            }
            points = points.stream().map(List::copyOf).toList();
        }
    }

    public FireConfig {
        if (processingWidth < 64 || processingWidth > 640) {
            throw new IllegalArgumentException("processing_width must be in 64..640, got " + processingWidth);
        }
        requireRange("flame_min_area_fraction", flameMinAreaFraction, 1e-5, 0.5);
        requireRange("flame_min_flicker_hz", flameMinFlickerHz, 0.1, 30);
        requireRange("flame_confirm_seconds", flameConfirmSeconds, 0.2, 120);
        requireRange("smoke_min_area_fraction", smokeMinAreaFraction, 1e-4, 0.9);
        if (smokeMaxChroma < 1 || smokeMaxChroma > 255) {
            throw new IllegalArgumentException("smoke_max_chroma must be in 1..255, got " + smokeMaxChroma);
        }
        requireRange("smoke_confirm_seconds", smokeConfirmSeconds, 0.5, 600);
        requireRange("max_camera_shift_per_second", maxCameraShiftPerSecond, 0.001, 10);
        requireRange("quiet_seconds", quietSeconds, 1, 86_400);
        ActiveHours.parse(activeHours, timeZone);
        includeZones = includeZones == null ? List.of() : List.copyOf(includeZones);
        excludeZones = excludeZones == null ? List.of() : List.copyOf(excludeZones);
    }

    /** Defaults for a fixed outdoor camera; see docs/detectors/open-burning.md for the reasons. */
    public static FireConfig defaults() {
        return new FireConfig(160, 0.0004, 2.0, 3.0, 0.01, 20, 4.0, 0.25, 30.0, null, "Asia/Shanghai",
                List.of(), List.of());
    }

    public FireConfig withActiveHours(String hours) {
        return new FireConfig(processingWidth, flameMinAreaFraction, flameMinFlickerHz, flameConfirmSeconds,
                smokeMinAreaFraction, smokeMaxChroma, smokeConfirmSeconds, maxCameraShiftPerSecond, quietSeconds,
                hours, timeZone, includeZones, excludeZones);
    }

    public FireConfig withFlameConfirmSeconds(double seconds) {
        return new FireConfig(processingWidth, flameMinAreaFraction, flameMinFlickerHz, seconds,
                smokeMinAreaFraction, smokeMaxChroma, smokeConfirmSeconds, maxCameraShiftPerSecond, quietSeconds,
                activeHours, timeZone, includeZones, excludeZones);
    }

    public FireConfig withZones(List<Zone> include, List<Zone> exclude) {
        return new FireConfig(processingWidth, flameMinAreaFraction, flameMinFlickerHz, flameConfirmSeconds,
                smokeMinAreaFraction, smokeMaxChroma, smokeConfirmSeconds, maxCameraShiftPerSecond, quietSeconds,
                activeHours, timeZone, include, exclude);
    }

    /** The parsed {@code active_hours} / {@code time_zone} pair. */
    public ActiveHours schedule() {
        return ActiveHours.parse(activeHours, timeZone);
    }

    private static void requireRange(String key, double v, double min, double max) {
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException(key + " must be in " + min + ".." + max + ", got " + v);
        }
    }
}
