package org.nce.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void parsesTheTwoTopicShapesAndNothingElse() {
        assertEquals(new Topics.Parsed(Topics.Kind.FRAME, "site-a", "cam-1"), Topics.parse(Topics.frame("site-a", "cam-1")));
        assertEquals(new Topics.Parsed(Topics.Kind.READING, "site-a", "n1"), Topics.parse(Topics.reading("site-a", "n1")));
        for (String bad : new String[] {null, "", "nce/site-a/camera/cam-1", "nce//camera/c/frame", "nce/s/camera//frame",
                "x/s/camera/c/frame", "nce/s/thermostat/t/reading", "nce/s/camera/c/frame/extra"}) {
            assertEquals(Topics.Kind.UNKNOWN, Topics.parse(bad).kind(), String.valueOf(bad));
        }
    }
}
