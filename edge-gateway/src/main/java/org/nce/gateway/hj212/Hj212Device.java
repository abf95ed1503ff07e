package org.nce.gateway.hj212;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nce.model.SensorKind;

/**
 * One monitor that reports over HJ 212, known by its MN.
 *
 * @param id          the sensor id in topics and cases
 * @param mn          the device's HJ 212 MN (its identity on the wire)
 * @param kind        {@code noise} or {@code lampblack}
 * @param passwordEnv the environment variable holding the device's PW (HJ 212's access password)
 * @param factors     role → factor code. Noise: {@code laeq} (default: the first of Leq, LA, B03 the
 *                    packet has) and {@code lmax} (default LMx). Lampblack (HJ 212-2017 has no
 *                    cooking-fume code; vendors use their own): {@code concentration} (required),
 *                    {@code fan} and {@code purifier} (0/1 as Rtd, Avg or RS)
 * @param zoneClass   GB 3096-2008 acoustic zone class of the location (0, 1, 2, 3, 4a, 4b), for noise
 * @param subject     the party the device watches (its 统一社会信用代码 or registry id), for the case
 */
public record Hj212Device(String id, String mn, String kind, String passwordEnv, Map<String, String> factors,
                          String zoneClass, String subject) {
    public static final List<String> NOISE_ROLES = List.of("laeq", "lmax");
    public static final List<String> LAMPBLACK_ROLES = List.of("concentration", "fan", "purifier");
    /** Tried in this order when a noise meter's config names no {@code laeq} code. */
    public static final List<String> DEFAULT_LAEQ_CODES = List.of("Leq", "LA", "B03");
    public static final String DEFAULT_LMAX_CODE = "LMx";

    public Hj212Device {
        factors = factors == null ? Map.of() : Map.copyOf(factors);
    }

    public SensorKind sensorKind() {
        return SensorKind.fromWire(kind);
    }

    /** Every problem with this entry, each naming its field under {@code prefix}. */
    public List<String> problems(String prefix) {
        List<String> out = new ArrayList<>();
        if (id == null || !id.matches("[A-Za-z0-9_-]{1,64}")) {
            out.add(prefix + ".id: required, 1-64 letters, digits, '-' and '_' (it is a topic level)");
        }
        if (mn == null || !mn.matches("[A-Za-z0-9]{1,24}")) {
            out.add(prefix + ".mn: required, the device's HJ 212 MN (1-24 letters and digits)");
        }
        if (passwordEnv == null || passwordEnv.isBlank()) {
            out.add(prefix + ".password_env: required, the environment variable holding the device's PW");
        }
        if (!"noise".equals(kind) && !"lampblack".equals(kind)) {
            out.add(prefix + ".kind: must be noise or lampblack, got " + kind);
            return out;
        }
        List<String> roles = "noise".equals(kind) ? NOISE_ROLES : LAMPBLACK_ROLES;
        for (Map.Entry<String, String> e : factors.entrySet()) {
            if (!roles.contains(e.getKey())) {
                out.add(prefix + ".factors." + e.getKey() + ": unknown for " + kind + " (known: " + roles + ")");
            }
            if (e.getValue() == null || !e.getValue().matches("[A-Za-z0-9]{1,16}")) {
                out.add(prefix + ".factors." + e.getKey() + ": a factor code (letters and digits), got " + e.getValue());
            }
        }
        if ("lampblack".equals(kind) && !factors.containsKey("concentration")) {
            out.add(prefix + ".factors.concentration: required for lampblack monitors (HJ 212-2017 has no cooking-fume code; "
                    + "give the vendor's, e.g. concentration: LB01)");
        }
        if ("noise".equals(kind) && zoneClass != null && !List.of("0", "1", "2", "3", "4a", "4b").contains(zoneClass)) {
            out.add(prefix + ".zone_class: a GB 3096-2008 class (0, 1, 2, 3, 4a, 4b), got " + zoneClass);
        }
        return out;
    }
}
