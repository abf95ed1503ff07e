package org.nce.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Kinds of sensor a gateway reports. */
public enum SensorKind {
    /** Sound level meter; value is LAeq in dB(A). */
    NOISE("noise", "dB(A)"),
    /** Cooking-fume (lampblack) monitor; value is concentration in mg/m³, with fan and purifier state. */
    LAMPBLACK("lampblack", "mg/m3");

    private final String wireName;
    private final String unit;

    SensorKind(String wireName, String unit) {
        this.wireName = wireName;
        this.unit = unit;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public String unit() {
        return unit;
    }

    @JsonCreator
    public static SensorKind fromWire(String name) {
        for (SensorKind k : values()) {
            if (k.wireName.equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown sensor kind '" + name + "', known: noise, lampblack");
    }
}
