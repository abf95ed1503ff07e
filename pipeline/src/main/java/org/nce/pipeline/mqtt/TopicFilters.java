package org.nce.pipeline.mqtt;

/** MQTT topic-filter matching ({@code +} one level, {@code #} the rest), for per-filter metrics. */
final class TopicFilters {
    private TopicFilters() {
    }

    static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        // A filter starting with a wildcard does not match topics starting with '$' (MQTT 4.7.2).
        if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true; // also matches the parent level: "a/#" matches "a"
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /** The shared-subscription form of a filter: the broker hands each message to one member of the group. */
    static String shared(String group, String filter) {
        return "$share/" + group + "/" + filter;
    }
}
