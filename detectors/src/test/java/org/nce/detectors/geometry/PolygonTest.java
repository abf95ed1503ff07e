package org.nce.detectors.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nce.model.Json;

class PolygonTest {

    @Test
    void containsFollowsTheOutline() {
        // A triangle covering the lower-left half of the frame.
        Polygon tri = Polygon.ofPairs(List.of(List.of(0.0, 0.0), List.of(1.0, 1.0), List.of(0.0, 1.0)));
        assertTrue(tri.contains(0.1, 0.9));
        assertFalse(tri.contains(0.9, 0.1));
    }

    @Test
    void rasterizesTheUnionOfPolygons() {
        byte[] m = Polygon.rasterize(List.of(Polygon.rectangle(0, 0, 0.5, 1), Polygon.rectangle(0.75, 0, 1, 0.5)), 8, 4);
        int on = 0;
        for (byte b : m) {
            on += b;
        }
        assertEquals(16 + 2 * 2, on); // left half (4x4) plus a 2x2 block top right
        assertEquals(1, m[0]);
        assertEquals(0, m[3 * 8 + 7]);
    }

    @Test
    void fullFrameCoversEveryPixel() {
        byte[] m = Polygon.rasterize(List.of(Polygon.fullFrame()), 5, 3);
        for (byte b : m) {
            assertEquals(1, b);
        }
    }

    @Test
    void jsonIsAListOfPairs() throws Exception {
        Polygon p = Polygon.rectangle(0.1, 0.2, 0.3, 0.4);
        String json = Json.MAPPER.writeValueAsString(p);
        assertEquals("[[0.1,0.2],[0.3,0.2],[0.3,0.4],[0.1,0.4]]", json);
        assertEquals(p, Json.MAPPER.readValue(json, Polygon.class));
    }

    @Test
    void rejectsTooFewVertices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Polygon.ofPairs(List.of(List.of(0.0, 0.0), List.of(1.0, 1.0))));
        assertTrue(e.getMessage().contains("at least 3"), e.getMessage());
    }

    @Test
    void rejectsCoordinatesOutsideTheUnitSquare() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Polygon.rectangle(0, 0, 1.5, 1));
        assertTrue(e.getMessage().contains("vertex 1"), e.getMessage());
    }

    @Test
    void rejectsMalformedPairs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Polygon.ofPairs(List.of(List.of(0.0, 0.0), List.of(1.0), List.of(0.0, 1.0))));
        assertTrue(e.getMessage().contains("vertex 1"), e.getMessage());
    }
}
