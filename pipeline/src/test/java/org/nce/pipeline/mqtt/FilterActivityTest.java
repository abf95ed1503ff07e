package org.nce.pipeline.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FilterActivityTest {
    static final String FRAMES = "nce/+/camera/+/frame";
    static final String READINGS = "nce/+/sensor/+/reading";

    @Test
    void ageCountsFromTheLastMatchingMessageOrTheStart() {
        FilterActivity a = new FilterActivity(List.of(FRAMES, READINGS), 1_000, 60_000);
        assertEquals(500, a.ageMs(FRAMES, 1_500), "no message yet: age since the start");
        a.received("nce/site-a/camera/cam-1/frame", 2_000);
        assertEquals(100, a.ageMs(FRAMES, 2_100));
        assertEquals(1_100, a.ageMs(READINGS, 2_100), "a frame does not count for readings");
    }

    @Test
    void aFilterWithoutInputIsReportedIdleOnceAndActiveOnceItReceivesAgain() {
        FilterActivity a = new FilterActivity(List.of(FRAMES, READINGS), 0, 10_000);
        a.received("nce/s/sensor/n/reading", 5_000);
        assertEquals(List.of(), a.changes(9_000));
        assertEquals(List.of(new FilterActivity.Change(FRAMES, true, 11_000)), a.changes(11_000));
        assertEquals(List.of(), a.changes(12_000), "reported once");
        a.received("nce/s/camera/c/frame", 13_000);
        assertEquals(List.of(new FilterActivity.Change(READINGS, true, 10_001)), a.changes(15_001).stream()
                .filter(FilterActivity.Change::idle).toList());
        a.received("nce/s/sensor/n/reading", 16_000);
        assertEquals(List.of(new FilterActivity.Change(READINGS, false, 0)), a.changes(16_000));
    }

    @Test
    void topicFiltersMatchAsMqttDoes() {
        assertTrue(TopicFilters.matches(FRAMES, "nce/site-a/camera/cam-1/frame"));
        assertFalse(TopicFilters.matches(FRAMES, "nce/site-a/camera/cam-1/frame/x"));
        assertFalse(TopicFilters.matches(FRAMES, "nce/site-a/camera/frame"));
        assertTrue(TopicFilters.matches("nce/#", "nce/a/b"));
        assertTrue(TopicFilters.matches("nce/#", "nce"));
        assertTrue(TopicFilters.matches("#", "a/b"));
        assertFalse(TopicFilters.matches("#", "$SYS/broker/uptime"));
        assertTrue(TopicFilters.matches("a/+", "a/"));
        assertEquals("$share/nce-pipeline/nce/#", TopicFilters.shared("nce-pipeline", "nce/#"));
    }
}
