package org.nce.model;


/**
 * One sensor reading. {@code value} is in the kind's unit (dB(A) for noise: LAeq, mg/m³ for
 * lampblack: the concentration). {@code fanOn} and {@code purifierOn} are set for lampblack monitors
 * and null otherwise; {@code lmax} (dB(A)) for noise meters that report it.
 *
 * <p>Readings that came in over HJ 212 also carry:
 * <ul>
 * <li>{@code messageId}: stable for one measurement ({@code <MN>-<CN>-<DataTime>-<factor>}), so a
 * reading the gateway or the monitor sends twice is recognised as the same one;</li>
 * <li>{@code flag}: the data flag of HJ 212-2017 (N normal, F stopped, M maintenance, S manual,
 * D fault, C calibration, T over range, B communication error); only N readings may open a case;</li>
 * <li>{@code dataKind}: {@code rtd} (real-time, CN 2011), {@code minute} (2051), {@code hour} (2061)
 * or {@code day} (2031);</li>
 * <li>{@code mn}: the device's HJ 212 MN.</li>
 * </ul>
 * Absent, they mean a normal real-time reading without an id (simulated sensors, older gateways).
 */
public record SensorReading(String siteId, String sensorId, SensorKind kind, long timestampMs, double value,
                            Boolean fanOn, Boolean purifierOn, Double lmax, String flag, String dataKind,
                            String messageId, String mn) {
    /** The data flags of HJ 212-2017 (N F M S D C T B), and P (power failure) of HJ/T 212-2005. */
    public static final String FLAGS = "NFMSDCTBP";
    public static final java.util.List<String> DATA_KINDS = java.util.List.of("rtd", "minute", "hour", "day");

    public SensorReading {
        Frame.require(siteId, "site_id");
        Frame.require(sensorId, "sensor_id");
        if (kind == null) {
            throw new IllegalArgumentException("'kind' is required (noise or lampblack)");
        }
        checkValue(kind, "value", value);
        if (lmax != null) {
            checkValue(kind, "lmax", lmax);
        }
        if (timestampMs <= 0) {
            throw new IllegalArgumentException("'timestamp_ms' must be a positive epoch time in milliseconds");
        }
        flag = flag == null ? "N" : flag;
        if (flag.length() != 1 || FLAGS.indexOf(flag.charAt(0)) < 0) {
            throw new IllegalArgumentException("'flag' must be one of N, F, M, S, D, C, T, B (HJ 212-2017) or P (HJ/T 212-2005), got '"
                    + flag + "'");
        }
        dataKind = dataKind == null ? "rtd" : dataKind;
        if (!DATA_KINDS.contains(dataKind)) {
            throw new IllegalArgumentException("'data_kind' must be one of " + DATA_KINDS + ", got '" + dataKind + "'");
        }
        if (messageId != null && (messageId.isEmpty() || messageId.length() > 128)) {
            throw new IllegalArgumentException("'message_id' must be 1-128 characters");
        }
    }

    /** A normal real-time reading without HJ 212 identity (simulators, tests). */
    public SensorReading(String siteId, String sensorId, SensorKind kind, long timestampMs, double value,
                         Boolean fanOn, Boolean purifierOn) {
        this(siteId, sensorId, kind, timestampMs, value, fanOn, purifierOn, null, null, null, null, null);
    }

    /** True when the device reported the value as normal (flag N): only such readings are evidence. */
    public boolean normal() {
        return "N".equals(flag);
    }

    private static void checkValue(SensorKind kind, String key, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("'" + key + "' must be a finite number");
        }
        if (v < kind.minValue() || v > kind.maxValue()) {
            throw new IllegalArgumentException("'" + key + "' " + v + " is outside what a " + kind.wireName() + " sensor can report ("
                    + kind.minValue() + ".." + kind.maxValue() + " " + kind.unit() + ")");
        }
    }
}
