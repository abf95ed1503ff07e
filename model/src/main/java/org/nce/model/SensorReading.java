package org.nce.model;

/**
 * One sensor reading. {@code value} is in the kind's unit (dB(A) for noise, mg/m³ for lampblack).
 * {@code fanOn} and {@code purifierOn} are set for lampblack monitors and null otherwise.
 */
public record SensorReading(String siteId, String sensorId, SensorKind kind, long timestampMs, double value,
                            Boolean fanOn, Boolean purifierOn) {
    public SensorReading {
        Frame.require(siteId, "site_id");
        Frame.require(sensorId, "sensor_id");
        if (kind == null) {
            throw new IllegalArgumentException("'kind' is required (noise or lampblack)");
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("'value' must be a finite number");
        }
        if (value < kind.minValue() || value > kind.maxValue()) {
            throw new IllegalArgumentException("'value' " + value + " is outside what a " + kind.wireName() + " sensor can report ("
                    + kind.minValue() + ".." + kind.maxValue() + " " + kind.unit() + ")");
        }
        if (timestampMs <= 0) {
            throw new IllegalArgumentException("'timestamp_ms' must be a positive epoch time in milliseconds");
        }
    }
}
