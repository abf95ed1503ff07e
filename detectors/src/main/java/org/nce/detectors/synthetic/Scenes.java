package org.nce.detectors.synthetic;

import java.util.List;

/** The built-in synthetic scenes by name, for simulated cameras ({@code scene:<name>}). */
public final class Scenes {
    private Scenes() {
    }

    public static List<String> names() {
        return List.of("open-fire", "fire-lookalikes");
    }

    public static SyntheticScene byName(String name) {
        return switch (name) {
            case "open-fire" -> new FireScene(7);
            case "fire-lookalikes" -> new FireLookalikeScene(7);
            default -> throw new IllegalArgumentException("unknown scene '" + name + "', known: " + names());
        };
    }
}
