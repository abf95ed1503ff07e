package org.nce.gateway.hj212;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nce.model.SensorKind;
import org.nce.model.SensorReading;

/**
 * Turns a checked HJ 212 data packet from a known device into a {@link SensorReading}: which factor
 * is the value, which fields hold it for each kind of data, the data flag, and the reading's stable
 * message id. Running-status packets (CN 2021) carry no value; they update the fan and purifier
 * state that later readings of a lampblack monitor fall back on when they do not carry it.
 */
public final class ReadingMapper {
    /** CN → data kind. */
    public static final Map<String, String> DATA_CNS = Map.of("2011", "rtd", "2051", "minute", "2061", "hour", "2031", "day");
    public static final String CN_RUNNING_STATUS = "2021";

    /** Strict: 20230231120000 is refused, not read as 28 February. */
    static final java.time.format.DateTimeFormatter STRICT_DATA_TIME = java.time.format.DateTimeFormatter.ofPattern("uuuuMMddHHmmss")
            .withResolverStyle(java.time.format.ResolverStyle.STRICT);

    private final String siteId;
    private final ZoneId zone;
    /** Last fan/purifier state per device and role, from status packets or readings. */
    private final Map<String, Boolean> lastState = new ConcurrentHashMap<>();

    public ReadingMapper(String siteId, ZoneId zone) {
        this.siteId = siteId;
        this.zone = zone;
    }

    public static boolean isUpload(String cn) {
        return DATA_CNS.containsKey(cn) || CN_RUNNING_STATUS.equals(cn);
    }

    /** The reading of a data packet; null for a running-status packet (state taken in). */
    public SensorReading map(Hj212Packet p, Hj212Device d) throws Hj212Exception {
        if (CN_RUNNING_STATUS.equals(p.cn())) {
            takeState(p, d);
            return null;
        }
        String dataKind = DATA_CNS.get(p.cn());
        if (dataKind == null) {
            throw new Hj212Exception("cn", Hj212Exception.QN_RTN_CN, "CN " + p.cn() + " is no data upload (2011, 2051, 2061, 2031, 2021)");
        }
        long ts = timestamp(p);
        SensorKind kind = d.sensorKind();
        boolean rtd = "rtd".equals(dataKind);
        String mainCode;
        double value;
        Double lmax = null;
        Boolean fan = null;
        Boolean purifier = null;
        if (kind == SensorKind.NOISE) {
            mainCode = d.factors().get("laeq");
            if (mainCode == null) {
                mainCode = Hj212Device.DEFAULT_LAEQ_CODES.stream().filter(p.factors()::containsKey).findFirst().orElse(null);
            }
            if (mainCode == null || !p.factors().containsKey(mainCode)) {
                throw new Hj212Exception("factor", Hj212Exception.QN_RTN_OTHER, "noise packet has no LAeq factor ("
                        + (d.factors().containsKey("laeq") ? d.factors().get("laeq") : String.join(", ", Hj212Device.DEFAULT_LAEQ_CODES))
                        + "); it has " + p.factors().keySet());
            }
            value = number(p, mainCode, rtd ? "Rtd" : "Avg");
            String lmaxCode = d.factors().getOrDefault("lmax", Hj212Device.DEFAULT_LMAX_CODE);
            if (p.factors().containsKey(lmaxCode)) {
                try {
                    lmax = number(p, lmaxCode, rtd ? "Rtd" : "Max", rtd ? "Rtd" : "Avg");
                    if (lmax < kind.minValue() || lmax > kind.maxValue()) {
                        lmax = null;
                    }
                } catch (Hj212Exception e) {
                    lmax = null; // a bad secondary value must not cost the LAeq; the raw packet is not needed for it
                }
            }
        } else {
            mainCode = d.factors().get("concentration");
            if (!p.factors().containsKey(mainCode)) {
                throw new Hj212Exception("factor", Hj212Exception.QN_RTN_OTHER, "lampblack packet has no concentration factor "
                        + mainCode + "; it has " + p.factors().keySet());
            }
            value = number(p, mainCode, rtd ? "Rtd" : "Avg");
            fan = state(p, d, "fan");
            purifier = state(p, d, "purifier");
        }
        String flag = p.factors().get(mainCode).getOrDefault("Flag", "N");
        String messageId = p.mn() + "-" + p.cn() + "-" + p.dataTime() + "-" + mainCode;
        try {
            return new SensorReading(siteId, d.id(), kind, ts, value, fan, purifier, lmax, flag, dataKind, messageId, p.mn());
        } catch (IllegalArgumentException e) {
            throw new Hj212Exception("value", Hj212Exception.QN_RTN_OTHER, e.getMessage());
        }
    }

    private long timestamp(Hj212Packet p) throws Hj212Exception {
        String dt = p.dataTime();
        if (dt == null) {
            throw new Hj212Exception("data_time", Hj212Exception.QN_RTN_OTHER, "data packet CN " + p.cn() + " has no DataTime");
        }
        try {
            return LocalDateTime.parse(dt, STRICT_DATA_TIME).atZone(zone).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new Hj212Exception("data_time", Hj212Exception.QN_RTN_OTHER, "DataTime " + dt + " is no valid time");
        }
    }

    /** The first of {@code fields} the factor has, as a number. */
    private static double number(Hj212Packet p, String code, String... fields) throws Hj212Exception {
        Map<String, String> f = p.factors().get(code);
        for (String field : fields) {
            String v = f.get(field);
            if (v != null) {
                try {
                    return Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new Hj212Exception("value", Hj212Exception.QN_RTN_OTHER, code + "-" + field + "=" + Hj212Parser.abbreviate(v) + " is not a number");
                }
            }
        }
        throw new Hj212Exception("value", Hj212Exception.QN_RTN_OTHER, code + " has none of " + String.join(", ", fields));
    }

    /** Fan or purifier state from this packet (RS, Rtd or Avg; non-zero is on), else the last known. */
    private Boolean state(Hj212Packet p, Hj212Device d, String role) throws Hj212Exception {
        String code = d.factors().get(role);
        if (code == null) {
            return null;
        }
        Map<String, String> f = p.factors().get(code);
        if (f != null) {
            for (String field : new String[] {"RS", "Rtd", "Avg"}) {
                String v = f.get(field);
                if (v != null) {
                    boolean on;
                    try {
                        on = Double.parseDouble(v) != 0;
                    } catch (NumberFormatException e) {
                        throw new Hj212Exception("value", Hj212Exception.QN_RTN_OTHER, code + "-" + field + "=" + Hj212Parser.abbreviate(v) + " is not 0 or 1");
                    }
                    lastState.put(d.id() + "/" + role, on);
                    return on;
                }
            }
        }
        return lastState.get(d.id() + "/" + role);
    }

    private void takeState(Hj212Packet p, Hj212Device d) throws Hj212Exception {
        if (d.sensorKind() == SensorKind.LAMPBLACK) {
            state(p, d, "fan");
            state(p, d, "purifier");
        }
    }
}
