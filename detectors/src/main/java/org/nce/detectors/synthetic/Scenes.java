package org.nce.detectors.synthetic;

import java.util.List;

/** The built-in synthetic scenes by name, for simulated cameras ({@code scene:<name>}). */
public final class Scenes {
    private Scenes() {
    }

    public static List<String> names() {
        return List.of("open-fire", "smouldering-smoke", "fire-lookalikes", "muck-dumping", "dumping-lighting", "parked-truck",
                "dog-alone", "dog-leashed", "dog-far-from-person");
    }

    public static SyntheticScene byName(String name) {
        return switch (name) {
            case "open-fire" -> new FireScene(7);
            case "smouldering-smoke" -> FireScene.smokeOnly(7, FireScene.DEFAULT_WIDTH, FireScene.DEFAULT_HEIGHT,
                    FireScene.DEFAULT_FPS, FireScene.DEFAULT_FRAMES, FireScene.DEFAULT_FIRE_START);
            case "fire-lookalikes" -> new FireLookalikeScene(7);
            case "muck-dumping" -> new DumpingScene(DumpingScene.Variant.DUMPING, 7);
            case "dumping-lighting" -> new DumpingScene(DumpingScene.Variant.LIGHTING_AND_PASSING, 7);
            case "parked-truck" -> new DumpingScene(DumpingScene.Variant.PARKED_TRUCK, 7);
            case "dog-alone" -> new DogScene(DogScene.Variant.DOG_ALONE, 7);
            case "dog-leashed" -> new DogScene(DogScene.Variant.LEASHED_WALK, 7);
            case "dog-far-from-person" -> new DogScene(DogScene.Variant.DOG_FAR_FROM_PERSON, 7);
            default -> throw new IllegalArgumentException("unknown scene '" + name + "', known: " + names());
        };
    }
}
