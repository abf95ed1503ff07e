package org.nce.pipeline.sensor;

import java.io.Serializable;
import java.time.LocalTime;
import java.util.Locale;
import org.nce.model.SensorKind;
import org.nce.pipeline.config.PipelineConfig.SensorConfig;

/**
 * Limits from the national standards, by sensor configuration.
 * <ul>
 * <li>GB 3096-2008 (environmental noise, Table 1, LAeq dB(A), day / night): class 0 50/40, 1 55/45,
 * 2 60/50, 3 65/55, 4a 70/55, 4b 70/60.</li>
 * <li>GB 12523-2011 (construction site boundary noise): 70 day / 55 night.</li>
 * <li>GB 18483-2001 (catering lampblack): 2.0 mg/m³ maximum; the purifier must run while the fan runs.</li>
 * </ul>
 * Day is 06:00–22:00 and night 22:00–06:00 local time, as both noise standards define them.
 */
public record SensorLimits(SensorKind kind, String standard, double dayLimit, double nightLimit, int sustainSeconds)
        implements Serializable {

    public static final LocalTime DAY_STARTS = LocalTime.of(6, 0);
    public static final LocalTime NIGHT_STARTS = LocalTime.of(22, 0);

    public double limitAt(LocalTime localTime) {
        return isNight(localTime) ? nightLimit : dayLimit;
    }

    public static boolean isNight(LocalTime t) {
        return t.isBefore(DAY_STARTS) || !t.isBefore(NIGHT_STARTS);
    }

    /** Resolves a sensor's limits or throws naming the key that is wrong. */
    public static SensorLimits forSensor(SensorConfig s) {
        SensorKind kind;
        try {
            kind = SensorKind.fromWire(s.kind());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kind: " + e.getMessage());
        }
        int sustain = s.sustainSeconds() == null ? 60 : s.sustainSeconds();
        if (sustain < 1) {
            throw new IllegalArgumentException("sustain_seconds: must be >= 1, got " + sustain);
        }
        String standard = s.standard() == null ? (kind == SensorKind.NOISE ? "gb3096" : "gb18483")
                : s.standard().toLowerCase(Locale.ROOT);
        SensorLimits base = switch (kind) {
            case NOISE -> switch (standard) {
                case "gb3096" -> gb3096(s.zoneClass(), sustain);
                case "gb12523" -> new SensorLimits(kind, "GB 12523-2011", 70, 55, sustain);
                default -> throw new IllegalArgumentException(
                        "standard: noise sensors take gb3096 or gb12523, got " + s.standard());
            };
            case LAMPBLACK -> {
                if (!standard.equals("gb18483")) {
                    throw new IllegalArgumentException("standard: lampblack sensors take gb18483, got " + s.standard());
                }
                yield new SensorLimits(kind, "GB 18483-2001", 2.0, 2.0, sustain);
            }
        };
        if (s.limitOverride() != null) {
            if (s.limitOverride() <= 0) {
                throw new IllegalArgumentException("limit_override: must be > 0, got " + s.limitOverride());
            }
            // A local regulation may be stricter than the national standard; it replaces both limits.
            return new SensorLimits(kind, base.standard + " (local limit)", s.limitOverride(), s.limitOverride(), sustain);
        }
        return base;
    }

    private static SensorLimits gb3096(String zoneClass, int sustain) {
        String z = zoneClass == null ? "2" : zoneClass.toLowerCase(Locale.ROOT);
        double[] dn = switch (z) {
            case "0" -> new double[] {50, 40};
            case "1" -> new double[] {55, 45};
            case "2" -> new double[] {60, 50};
            case "3" -> new double[] {65, 55};
            case "4a" -> new double[] {70, 55};
            case "4b" -> new double[] {70, 60};
            default -> throw new IllegalArgumentException("zone_class: GB 3096 classes are 0, 1, 2, 3, 4a, 4b; got " + zoneClass);
        };
        return new SensorLimits(org.nce.model.SensorKind.NOISE, "GB 3096-2008 class " + z, dn[0], dn[1], sustain);
    }
}
