package org.nce.gateway.sensor;

import java.util.Locale;
import java.util.SplittableRandom;
import org.nce.model.SensorKind;
import org.nce.model.SensorReading;

/**
 * Deterministic simulated sensors for the demo and tests. Each profile is a function of the time
 * since start, with seeded noise, so a run is reproducible.
 * <ul>
 * <li>noise {@code night-construction}: about 52 dB(A) for 20 s, then a piling rig at about 68 dB(A)
 * for three minutes, then quiet again — above any GB 3096 night limit and the GB 12523 one.</li>
 * <li>noise {@code quiet}: about 42 dB(A) throughout.</li>
 * <li>lampblack {@code purifier-off}: fan on; purifier on for 20 s, then off, and the concentration
 * climbs from about 1.2 to about 3.4 mg/m³.</li>
 * <li>lampblack {@code compliant}: fan and purifier on, about 0.8 mg/m³.</li>
 * </ul>
 */
public final class SensorSimulator {

    public enum Profile {
        NOISE_NIGHT_CONSTRUCTION(SensorKind.NOISE, "night-construction"),
        NOISE_QUIET(SensorKind.NOISE, "quiet"),
        LAMPBLACK_PURIFIER_OFF(SensorKind.LAMPBLACK, "purifier-off"),
        LAMPBLACK_COMPLIANT(SensorKind.LAMPBLACK, "compliant");

        final SensorKind kind;
        final String name;

        Profile(SensorKind kind, String name) {
            this.kind = kind;
            this.name = name;
        }

        public static Profile parse(String kind, String profile) {
            for (Profile p : values()) {
                if (p.kind.wireName().equals(kind) && p.name.equals(profile)) {
                    return p;
                }
            }
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "unknown sensor kind/profile %s/%s; known: noise/night-construction, noise/quiet, "
                            + "lampblack/purifier-off, lampblack/compliant", kind, profile));
        }
    }

    private final String siteId;
    private final String sensorId;
    private final Profile profile;
    private final long startMs;
    private final SplittableRandom random;

    public SensorSimulator(String siteId, String sensorId, Profile profile, long startMs, long seed) {
        this.siteId = siteId;
        this.sensorId = sensorId;
        this.profile = profile;
        this.startMs = startMs;
        this.random = new SplittableRandom(seed);
    }

    public SensorReading readingAt(long nowMs) {
        double t = (nowMs - startMs) / 1000.0;
        double jitter = random.nextDouble(-1, 1);
        return switch (profile) {
            case NOISE_NIGHT_CONSTRUCTION -> {
                boolean piling = t >= 20 && t < 200;
                yield noise(nowMs, (piling ? 68 : 52) + 1.5 * jitter);
            }
            case NOISE_QUIET -> noise(nowMs, 42 + jitter);
            case LAMPBLACK_PURIFIER_OFF -> {
                boolean purifier = t < 20;
                double c = purifier ? 1.2 : Math.min(3.4, 1.2 + (t - 20) * 0.1);
                yield new SensorReading(siteId, sensorId, SensorKind.LAMPBLACK, nowMs, round(c + 0.1 * jitter), true, purifier);
            }
            case LAMPBLACK_COMPLIANT -> new SensorReading(siteId, sensorId, SensorKind.LAMPBLACK, nowMs,
                    round(0.8 + 0.1 * jitter), true, true);
        };
    }

    private SensorReading noise(long nowMs, double db) {
        return new SensorReading(siteId, sensorId, SensorKind.NOISE, nowMs, round(db), null, null);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
