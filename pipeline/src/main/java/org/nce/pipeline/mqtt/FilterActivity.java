package org.nce.pipeline.mqtt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When each topic filter last received a message, so that a source that silently stopped
 * receiving (a lost subscription, a dead gateway) shows in a gauge and a log line instead of
 * looking like a quiet night. Before the first message the age counts from the start. Written by
 * Paho's callback threads, read by the metric reporter and the idle check: synchronized.
 */
final class FilterActivity {
    private final Map<String, Long> lastMessageAt = new LinkedHashMap<>();
    private final Map<String, Boolean> reportedIdle = new LinkedHashMap<>();
    private final long idleWarningMs;

    FilterActivity(List<String> filters, long startedAt, long idleWarningMs) {
        for (String f : filters) {
            lastMessageAt.put(f, startedAt);
            reportedIdle.put(f, false);
        }
        this.idleWarningMs = idleWarningMs;
    }

    /** A message on {@code topic} arrived: every filter it matches is active. */
    synchronized void received(String topic, long now) {
        for (Map.Entry<String, Long> e : lastMessageAt.entrySet()) {
            if (TopicFilters.matches(e.getKey(), topic)) {
                e.setValue(now);
            }
        }
    }

    synchronized long ageMs(String filter, long now) {
        return now - lastMessageAt.get(filter);
    }

    /** A change in a filter's idleness: it has had no input for longer than the warning time, or has again. */
    record Change(String filter, boolean idle, long ageMs) {
    }

    /** The filters that became idle or active again since the last call (each change reported once). */
    synchronized List<Change> changes(long now) {
        List<Change> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : lastMessageAt.entrySet()) {
            long age = now - e.getValue();
            boolean idle = age > idleWarningMs;
            if (idle != reportedIdle.get(e.getKey())) {
                reportedIdle.put(e.getKey(), idle);
                out.add(new Change(e.getKey(), idle, age));
            }
        }
        return out;
    }
}
