package org.nce.detectors.dog;

import java.util.List;
import org.nce.detectors.ActiveHours;
import org.nce.detectors.geometry.Polygon;
import org.nce.detectors.objects.YoloConfig;

/**
 * Settings of {@link UnleashedDogDetector}. Immutable; validates itself and names the offending key.
 * How each default was chosen and what it measured: {@code docs/detectors/unleashed-dog.md}.
 *
 * @param model              the YOLO model; all paths null = no model (the detector says so once and
 *                           reports nothing)
 * @param dogScore           minimum detection score for a dog, in (0, 1]
 * @param personScore        minimum detection score for a person, in (0, 1]
 * @param leashHeights       k: a dog whose box is farther than k x a person's box height from that
 *                           person's box is not on that person's leash, > 0
 * @param unleashedMs        T: how long a dog track must stay alone before it is reported, >= 0
 * @param minDogHits         detections of the dog while alone needed before it may be reported, >= 1
 * @param detectIntervalMs   stride: run the network at most once per this many ms while there is
 *                           motion or a live track, >= 0 (0 = every frame)
 * @param idleIntervalMs     run the network at least this often even without motion, so a dog that
 *                           stands still is still found, >= detectIntervalMs
 * @param motionWidth        width of the grey image the motion gate compares, 32..640 px
 * @param motionPixelDelta   grey-level change that counts a pixel as moving, 1..255
 * @param motionFraction     share of moving pixels that opens the gate, in [0, 1]
 * @param trackCoastMs       how long a track survives without a detection, > 0
 * @param quietMs            after a report, no new report until no dog has been alone for this long,
 *                           >= 0
 * @param zones              where a loose dog matters (a park lawn, a school gate), polygons in
 *                           normalized [0,1] image coordinates; a dog counts while the bottom centre
 *                           of its box (its paws) is inside one of them. Persons count anywhere: an
 *                           owner may stand outside the zone. Default: the whole frame
 * @param activeHours        optional local time window {@code "HH:mm-HH:mm"} (may wrap midnight);
 *                           null = always. Outside it nothing is analysed; see {@link ActiveHours}
 * @param timeZone           zone {@code activeHours} is read in (IANA id)
 * @param closerLook         before reporting, run the network once more on the dog's neighbourhood (a
 *                           square twice the box's larger side, clamped to the frame) and report only
 *                           when that closer look finds a dog there too; a failed look is retried on
 *                           later passes. A small object gets few pixels when the whole frame is
 *                           squeezed into the network's input; its neighbourhood gets many
 */
public record DogConfig(YoloConfig model, double dogScore, double personScore, double leashHeights,
                        long unleashedMs, int minDogHits, long detectIntervalMs, long idleIntervalMs,
                        int motionWidth, int motionPixelDelta, double motionFraction, long trackCoastMs,
                        long quietMs, List<Polygon> zones, String activeHours, String timeZone,
                        boolean closerLook) {

    public DogConfig {
        if (model == null) {
            model = YoloConfig.defaults();
        }
        requireUnit("dog_score", dogScore);
        requireUnit("person_score", personScore);
        if (!(leashHeights > 0 && leashHeights < 100)) {
            throw new IllegalArgumentException("leash_heights must be in (0, 100), got " + leashHeights);
        }
        if (unleashedMs < 0) {
            throw new IllegalArgumentException("unleashed_ms must be >= 0, got " + unleashedMs);
        }
        if (minDogHits < 1) {
            throw new IllegalArgumentException("min_dog_hits must be >= 1, got " + minDogHits);
        }
        if (detectIntervalMs < 0) {
            throw new IllegalArgumentException("detect_interval_ms must be >= 0, got " + detectIntervalMs);
        }
        if (idleIntervalMs < detectIntervalMs) {
            throw new IllegalArgumentException("idle_interval_ms must be >= detect_interval_ms ("
                    + detectIntervalMs + "), got " + idleIntervalMs);
        }
        if (motionWidth < 32 || motionWidth > 640) {
            throw new IllegalArgumentException("motion_width must be in [32, 640], got " + motionWidth);
        }
        if (motionPixelDelta < 1 || motionPixelDelta > 255) {
            throw new IllegalArgumentException("motion_pixel_delta must be in [1, 255], got " + motionPixelDelta);
        }
        if (!(motionFraction >= 0 && motionFraction <= 1)) {
            throw new IllegalArgumentException("motion_fraction must be in [0, 1], got " + motionFraction);
        }
        if (trackCoastMs <= 0) {
            throw new IllegalArgumentException("track_coast_ms must be > 0, got " + trackCoastMs);
        }
        if (quietMs < 0) {
            throw new IllegalArgumentException("quiet_ms must be >= 0, got " + quietMs);
        }
        zones = Polygon.requireZones(zones == null ? List.of(Polygon.fullFrame()) : zones);
        ActiveHours.parse(activeHours, timeZone);
    }

    private static void requireUnit(String key, double v) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException(key + " must be in (0, 1], got " + v);
        }
    }

    /** No model configured; see the doc for why each value. */
    public static DogConfig defaults() {
        return new DogConfig(YoloConfig.defaults(), 0.3, 0.3, 1.0, 1000, 3, 200, 2000, 160, 12, 0.002,
                4000, 10_000, List.of(Polygon.fullFrame()), null, "Asia/Shanghai", true);
    }

    public DogConfig withModel(YoloConfig m) {
        return new DogConfig(m, dogScore, personScore, leashHeights, unleashedMs, minDogHits, detectIntervalMs,
                idleIntervalMs, motionWidth, motionPixelDelta, motionFraction, trackCoastMs, quietMs,
                zones, activeHours, timeZone, closerLook);
    }

    public DogConfig withUnleashedMs(long ms) {
        return new DogConfig(model, dogScore, personScore, leashHeights, ms, minDogHits, detectIntervalMs,
                idleIntervalMs, motionWidth, motionPixelDelta, motionFraction, trackCoastMs, quietMs,
                zones, activeHours, timeZone, closerLook);
    }

    public DogConfig withDetectIntervalMs(long ms) {
        return new DogConfig(model, dogScore, personScore, leashHeights, unleashedMs, minDogHits, ms,
                Math.max(ms, idleIntervalMs), motionWidth, motionPixelDelta, motionFraction, trackCoastMs, quietMs,
                zones, activeHours, timeZone, closerLook);
    }

    public DogConfig withScores(double dog, double person) {
        return new DogConfig(model, dog, person, leashHeights, unleashedMs, minDogHits, detectIntervalMs,
                idleIntervalMs, motionWidth, motionPixelDelta, motionFraction, trackCoastMs, quietMs,
                zones, activeHours, timeZone, closerLook);
    }

    public DogConfig withLeashHeights(double k) {
        return new DogConfig(model, dogScore, personScore, k, unleashedMs, minDogHits, detectIntervalMs,
                idleIntervalMs, motionWidth, motionPixelDelta, motionFraction, trackCoastMs, quietMs,
                zones, activeHours, timeZone, closerLook);
    }

    public DogConfig withMinDogHits(int hits) {
        return new DogConfig(model, dogScore, personScore, leashHeights, unleashedMs, hits, detectIntervalMs,
                idleIntervalMs, motionWidth, motionPixelDelta, motionFraction, trackCoastMs, quietMs,
                zones, activeHours, timeZone, closerLook);
    }

    public DogConfig withTrackCoastMs(long ms) {
        return new DogConfig(model, dogScore, personScore, leashHeights, unleashedMs, minDogHits, detectIntervalMs,
                idleIntervalMs, motionWidth, motionPixelDelta, motionFraction, ms, quietMs,
                zones, activeHours, timeZone, closerLook);
    }

    public DogConfig withZones(List<Polygon> newZones) {
        return new DogConfig(model, dogScore, personScore, leashHeights, unleashedMs, minDogHits, detectIntervalMs,
                idleIntervalMs, motionWidth, motionPixelDelta, motionFraction, trackCoastMs, quietMs,
                newZones, activeHours, timeZone, closerLook);
    }

    public DogConfig withActiveHours(String hours) {
        return new DogConfig(model, dogScore, personScore, leashHeights, unleashedMs, minDogHits, detectIntervalMs,
                idleIntervalMs, motionWidth, motionPixelDelta, motionFraction, trackCoastMs, quietMs,
                zones, hours, timeZone, closerLook);
    }

    public DogConfig withCloserLook(boolean on) {
        return new DogConfig(model, dogScore, personScore, leashHeights, unleashedMs, minDogHits, detectIntervalMs,
                idleIntervalMs, motionWidth, motionPixelDelta, motionFraction, trackCoastMs, quietMs,
                zones, activeHours, timeZone, on);
    }

    /** The parsed {@code active_hours} / {@code time_zone} pair. */
    public ActiveHours schedule() {
        return ActiveHours.parse(activeHours, timeZone);
    }
}
