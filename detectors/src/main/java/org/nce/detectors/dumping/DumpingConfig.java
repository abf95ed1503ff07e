package org.nce.detectors.dumping;

import java.util.List;
import org.nce.detectors.ActiveHours;
import org.nce.detectors.geometry.Polygon;
import org.nce.detectors.objects.YoloConfig;

/**
 * Settings of {@link MuckDumpingDetector}. Immutable; validates itself and names the offending key
 * as it is written in the project's JSON/YAML (snake_case). How each default was chosen is written
 * down in {@code docs/detectors/muck-dumping.md}.
 *
 * @param zones                   no-dumping zones, polygons in normalized [0,1] image coordinates;
 *                                a pile counts when most of it lies inside one of them
 * @param minAreaFraction         smallest pile to report, as a fraction of the whole frame's area
 * @param minStaticSeconds        how long (stream time) a new region must stay unchanged before it
 *                                is confirmed as a pile: the "T" of the dual-foreground method
 * @param longTermSeconds         time constant of the long-term background (per-frame learning rate
 *                                {@code 1 - exp(-dt / longTermSeconds)}); it must stay much longer
 *                                than {@code minStaticSeconds} so a pile is still "new" to it when
 *                                confirmed
 * @param shortTermSeconds        time constant of the short-term background; a region that stops
 *                                changing is absorbed by it after about 1-2 of these
 * @param requireActor            only report piles that a vehicle or person (or, without an object
 *                                detector, a large moving blob) was near before they appeared
 * @param actorLookbackSeconds    how far back, before the pile became static, an actor may have
 *                                been present
 * @param minActorAreaFraction    smallest moving blob, as a fraction of the frame, that counts as an
 *                                actor when no object detector is configured
 * @param illuminationCompensation normalise each frame to the long-term background's global
 *                                brightness before comparing, so clouds, dusk and lamp flicker do
 *                                not look like new objects
 * @param diffThreshold           grey-level difference (0-255, after compensation) above which a
 *                                pixel differs from a background model
 * @param minTextureChange        smallest structural change (1 - normalized cross-correlation of the
 *                                region against the long-term background, 0..1) for a region to
 *                                count as a new object rather than a brightness change
 * @param quietSeconds            after a report, the same pile is not reported again; the detector
 *                                re-arms for that place once no new static region has been seen
 *                                there for this long
 * @param workWidth               width in pixels of the internal downscaled image (height keeps the
 *                                aspect ratio); the detector's cost grows with its square
 * @param actorModel              the YOLO model that finds the actor (person, bicycle, car,
 *                                motorcycle, bus, truck) for {@link MuckDumpingDetector#create}; a model
 *                                without paths (the default; null is read as that) = none: the actor
 *                                gate then uses moving blobs
 * @param activeHours             optional local time window {@code "HH:mm-HH:mm"} (may wrap midnight,
 *                                e.g. {@code "20:00-06:00"} for night-time dumping); null = always.
 *                                Outside it nothing is analysed; see {@link ActiveHours}
 * @param timeZone                zone {@code activeHours} is read in (IANA id)
 */
public record DumpingConfig(
        List<Polygon> zones,
        double minAreaFraction,
        double minStaticSeconds,
        double longTermSeconds,
        double shortTermSeconds,
        boolean requireActor,
        double actorLookbackSeconds,
        double minActorAreaFraction,
        boolean illuminationCompensation,
        double diffThreshold,
        double minTextureChange,
        double quietSeconds,
        int workWidth,
        YoloConfig actorModel,
        String activeHours,
        String timeZone) {

    public DumpingConfig {
        zones = Polygon.requireZones(zones);
        if (actorModel == null) {
            // "No model" is a model block without paths, so a partial actor_model block in the
            // camera config merges over the defaults key by key.
            actorModel = YoloConfig.defaults();
        }
        requireRange("min_area_fraction", minAreaFraction, 1e-5, 1);
        requireRange("min_static_seconds", minStaticSeconds, 0.1, 3600);
        requireRange("long_term_seconds", longTermSeconds, 1, 86_400);
        requireRange("short_term_seconds", shortTermSeconds, 0.01, 600);
        if (longTermSeconds < 4 * shortTermSeconds) {
            throw new IllegalArgumentException("long_term_seconds must be at least 4x short_term_seconds, got "
                    + longTermSeconds + " vs " + shortTermSeconds);
        }
        if (longTermSeconds < 2 * minStaticSeconds) {
            throw new IllegalArgumentException("long_term_seconds must be at least 2x min_static_seconds (a pile must"
                    + " still be new to the long-term background when confirmed), got " + longTermSeconds
                    + " vs " + minStaticSeconds);
        }
        requireRange("actor_lookback_seconds", actorLookbackSeconds, 0, 3600);
        requireRange("min_actor_area_fraction", minActorAreaFraction, 1e-5, 1);
        requireRange("diff_threshold", diffThreshold, 1, 255);
        requireRange("min_texture_change", minTextureChange, 0, 1);
        requireRange("quiet_seconds", quietSeconds, 0, 86_400);
        if (workWidth < 64 || workWidth > 1280) {
            throw new IllegalArgumentException("work_width must be in [64, 1280] pixels, got " + workWidth);
        }
        ActiveHours.parse(activeHours, timeZone);
    }

    private static void requireRange(String key, double value, double min, double max) {
        if (Double.isNaN(value) || value < min || value > max) {
            throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "], got " + value);
        }
    }

    public static DumpingConfig defaults() {
        return new DumpingConfig(List.of(Polygon.fullFrame()), 0.003, 2.0, 60, 0.4, true, 10, 0.005, true, 15,
                0.6, 60, 160, YoloConfig.defaults(), null, "Asia/Shanghai");
    }

    public DumpingConfig withZones(List<Polygon> newZones) {
        return new DumpingConfig(newZones, minAreaFraction, minStaticSeconds, longTermSeconds, shortTermSeconds,
                requireActor, actorLookbackSeconds, minActorAreaFraction, illuminationCompensation, diffThreshold,
                minTextureChange, quietSeconds, workWidth, actorModel, activeHours, timeZone);
    }

    public DumpingConfig withMinStaticSeconds(double seconds) {
        return new DumpingConfig(zones, minAreaFraction, seconds, longTermSeconds, shortTermSeconds,
                requireActor, actorLookbackSeconds, minActorAreaFraction, illuminationCompensation, diffThreshold,
                minTextureChange, quietSeconds, workWidth, actorModel, activeHours, timeZone);
    }

    public DumpingConfig withIlluminationCompensation(boolean on) {
        return new DumpingConfig(zones, minAreaFraction, minStaticSeconds, longTermSeconds, shortTermSeconds,
                requireActor, actorLookbackSeconds, minActorAreaFraction, on, diffThreshold,
                minTextureChange, quietSeconds, workWidth, actorModel, activeHours, timeZone);
    }

    public DumpingConfig withActorModel(YoloConfig model) {
        return new DumpingConfig(zones, minAreaFraction, minStaticSeconds, longTermSeconds, shortTermSeconds,
                requireActor, actorLookbackSeconds, minActorAreaFraction, illuminationCompensation, diffThreshold,
                minTextureChange, quietSeconds, workWidth, model, activeHours, timeZone);
    }

    public DumpingConfig withActiveHours(String hours) {
        return new DumpingConfig(zones, minAreaFraction, minStaticSeconds, longTermSeconds, shortTermSeconds,
                requireActor, actorLookbackSeconds, minActorAreaFraction, illuminationCompensation, diffThreshold,
                minTextureChange, quietSeconds, workWidth, actorModel, hours, timeZone);
    }

    /** The parsed {@code active_hours} / {@code time_zone} pair. */
    public ActiveHours schedule() {
        return ActiveHours.parse(activeHours, timeZone);
    }

    /** True when {@link #actorModel} names a model file (it may still fail to load). */
    boolean hasActorModel() {
        return actorModel != null && actorModel.modelPath() != null;
    }

    public DumpingConfig withRequireActor(boolean on) {
        return new DumpingConfig(zones, minAreaFraction, minStaticSeconds, longTermSeconds, shortTermSeconds,
                on, actorLookbackSeconds, minActorAreaFraction, illuminationCompensation, diffThreshold,
                minTextureChange, quietSeconds, workWidth, actorModel, activeHours, timeZone);
    }
}
