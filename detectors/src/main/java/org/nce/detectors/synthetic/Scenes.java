package org.nce.detectors.synthetic;

import java.util.List;

/** The built-in synthetic scenes by name, for simulated cameras ({@code scene:<name>}). */
public final class Scenes {
    private Scenes() {
    }

    public static List<String> names() {
        return List.of();
    }

    public static SyntheticScene byName(String name) {
        throw new IllegalArgumentException("unknown scene '" + name + "', known: " + names());
    }
}
