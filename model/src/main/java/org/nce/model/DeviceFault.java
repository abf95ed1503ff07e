package org.nce.model;

import java.util.Map;

/**
 * A sensor began reporting data flagged other than N (HJ 212-2017: F stopped, M maintenance, S
 * manual, D fault, C calibration, T over range, B communication error). Such readings never open a
 * case; this item tells the operator the device needs looking at. One per episode: raised by the
 * first reading with that flag after a normal one (or another flag).
 *
 * @param faultId  {@code <site>:<device>:<flag>:<first time>}: the same on a replay, so it is written once
 */
public record DeviceFault(String faultId, String siteId, String deviceId, String flag, String meaning, long firstAt,
                          String messageId, double value) {
    public static final Map<String, String> MEANINGS = Map.of("F", "stopped", "M", "maintenance", "S", "manual input",
            "D", "device fault", "C", "calibration", "T", "over range", "B", "communication error", "P", "power failure",
            "N", "normal");

    public static DeviceFault of(SensorReading r) {
        return new DeviceFault(r.siteId() + ":" + r.sensorId() + ":" + r.flag() + ":" + r.timestampMs(), r.siteId(), r.sensorId(),
                r.flag(), MEANINGS.getOrDefault(r.flag(), "unknown"), r.timestampMs(), r.messageId(), r.value());
    }
}
