package org.nce.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Kinds of sensor a gateway reports. */
public enum SensorKind {
    /** Sound level meter; value is LAeq in dB(A). */
    NOISE("noise", "dB(A)", 0, 200),
    /** Cooking-fume (lampblack) monitor; value is concentration in mg/m³, with fan and purifier state. */
    LAMPBLACK("lampblack", "mg/m3", 0, 1000);

    private final String wireName;
    private final String unit;
    private final double minValue;
    private final double maxValue;

    /**
     * {@code minValue..maxValue}: what such a device can physically report. The loudest sound air
     * carries is about 194 dB, so 200 dB(A) is no reading; a kitchen duct above 1000 mg/m³ would be
     * a fire, not fumes. A value outside is a broken or forged device, never a violation.
     */
    SensorKind(String wireName, String unit, double minValue, double maxValue) {
        this.wireName = wireName;
        this.unit = unit;
        this.minValue = minValue;
        this.maxValue = maxValue;
    }

    public double minValue() {
        return minValue;
    }

    public double maxValue() {
        return maxValue;
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
