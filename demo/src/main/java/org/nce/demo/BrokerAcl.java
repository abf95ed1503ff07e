package org.nce.demo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The embedded broker's access rules, the same as the Mosquitto ACL that the tests and production
 * use (deploy/local/mosquitto.acl.in, deploy/mosquitto/acl):
 * <pre>
 * user nce-pipeline        topic read      nce/#
 * user nce-admin           topic readwrite nce/#
 * user &lt;site&gt; (each site) topic readwrite nce/&lt;site&gt;/#
 * </pre>
 * Anything else is denied. A subscription is allowed only when every topic its filter can match is
 * readable, so {@code nce/#} is refused to a site while {@code nce/site-a/+/reading} is not; a shared
 * subscription ({@code $share/<group>/<filter>}) is checked on its filter, as Mosquitto does. The
 * site's rule is given only to the listed sites, not to every user as Mosquitto's {@code pattern}
 * line is, so {@code nce-pipeline} cannot write under {@code nce/nce-pipeline/}.
 */
final class BrokerAcl {
    static final String PIPELINE = "nce-pipeline";
    static final String ADMIN = "nce-admin";
    /** What services.sh accepts as a site id: a single topic level without wildcards, and no ':' (the password file's separator). */
    static final Pattern SITE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private record Rule(String filter, boolean read, boolean write) {
    }

    private final Map<String, List<Rule>> rulesByUser;

    BrokerAcl(Set<String> sites) {
        HashMap<String, List<Rule>> rules = new HashMap<>();
        rules.put(PIPELINE, List.of(new Rule("nce/#", true, false)));
        rules.put(ADMIN, List.of(new Rule("nce/#", true, true)));
        for (String site : sites) {
            if (!SITE_ID.matcher(site).matches()) {
                throw new IllegalArgumentException("invalid site id '" + site + "': it is an MQTT topic level and a user name, so it must match "
                        + SITE_ID.pattern());
            }
            if (rules.containsKey(site)) {
                throw new IllegalArgumentException("site id '" + site + "' is the name of another broker user");
            }
            rules.put(site, List.of(new Rule("nce/" + site + "/#", true, true)));
        }
        rulesByUser = Map.copyOf(rules);
    }

    /** The user names that have any rule (pipeline, admin and the sites). */
    Set<String> users() {
        return rulesByUser.keySet();
    }

    boolean mayPublish(String user, String topic) {
        if (topic.isEmpty() || topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            return false;
        }
        for (Rule r : rulesByUser.getOrDefault(user, List.of())) {
            if (r.write() && matches(r.filter(), topic)) {
                return true;
            }
        }
        return false;
    }

    boolean maySubscribe(String user, String filter) {
        String f = filter;
        if (f.startsWith("$share/")) {
            int groupEnd = f.indexOf('/', "$share/".length());
            String group = groupEnd < 0 ? "" : f.substring("$share/".length(), groupEnd);
            if (group.isEmpty() || group.indexOf('+') >= 0 || group.indexOf('#') >= 0) {
                return false;
            }
            f = f.substring(groupEnd + 1);
        }
        if (f.isEmpty()) {
            return false;
        }
        for (Rule r : rulesByUser.getOrDefault(user, List.of())) {
            if (r.read() && covers(r.filter(), f)) {
                return true;
            }
        }
        return false;
    }

    /** MQTT topic matching: does {@code filter} match the concrete {@code topic}? ({@code a/#} matches {@code a}.) */
    static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && !filter.startsWith("$")) {
            return false;
        }
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /** Is every topic that {@code sub} can match also matched by {@code rule}? Wildcards in {@code sub} count as what they can stand for. */
    static boolean covers(String rule, String sub) {
        if (sub.startsWith("$") && !rule.startsWith("$")) {
            return false;
        }
        String[] r = rule.split("/", -1);
        String[] s = sub.split("/", -1);
        for (int i = 0; i < r.length; i++) {
            if (r[i].equals("#")) {
                return true;
            }
            if (i >= s.length || s[i].equals("#")) {
                return false;
            }
            if (!(r[i].equals("+") || (!s[i].equals("+") && r[i].equals(s[i])))) {
                return false;
            }
        }
        return r.length == s.length;
    }
}
