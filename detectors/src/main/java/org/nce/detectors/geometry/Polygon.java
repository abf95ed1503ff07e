package org.nce.detectors.geometry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * A simple polygon in normalized image coordinates: x and y in [0,1], (0,0) the top-left corner
 * and (1,1) the bottom-right one, so one zone definition fits every resolution of a camera.
 * In JSON/YAML it is a list of {@code [x, y]} pairs, e.g. {@code [[0,0],[1,0],[1,1],[0,1]]}.
 */
public record Polygon(List<Vertex> vertices) {

    /** One corner, normalized to [0,1]. */
    public record Vertex(double x, double y) {
    }

    public Polygon {
        if (vertices == null || vertices.size() < 3) {
            throw new IllegalArgumentException("a polygon needs at least 3 vertices, got "
                    + (vertices == null ? 0 : vertices.size()));
        }
        for (int i = 0; i < vertices.size(); i++) {
            Vertex v = vertices.get(i);
            if (v == null || !inUnit(v.x()) || !inUnit(v.y())) {
                throw new IllegalArgumentException("vertex " + i + " must have x and y in [0,1], got " + v);
            }
        }
        vertices = List.copyOf(vertices);
    }

    private static boolean inUnit(double v) {
        return v >= 0 && v <= 1;
    }

    /**
     * A detector's {@code zones} setting: at least one polygon and no null among them; returns an
     * immutable copy. The messages name the key as the YAML spells it.
     */
    public static List<Polygon> requireZones(List<Polygon> zones) {
        if (zones == null || zones.isEmpty()) {
            throw new IllegalArgumentException("zones must list at least one polygon (use [[0,0],[1,0],[1,1],[0,1]]"
                    + " for the whole frame)");
        }
        for (int i = 0; i < zones.size(); i++) {
            if (zones.get(i) == null) {
                throw new IllegalArgumentException("zones[" + i + "] is null");
            }
        }
        return List.copyOf(zones);
    }

    /** The whole image. */
    public static Polygon fullFrame() {
        return new Polygon(List.of(new Vertex(0, 0), new Vertex(1, 0), new Vertex(1, 1), new Vertex(0, 1)));
    }

    /** Axis-aligned rectangle from normalized corner (x0,y0) to (x1,y1). */
    public static Polygon rectangle(double x0, double y0, double x1, double y1) {
        return new Polygon(List.of(new Vertex(x0, y0), new Vertex(x1, y0), new Vertex(x1, y1), new Vertex(x0, y1)));
    }

    /** JSON form: a list of [x, y] pairs. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Polygon ofPairs(List<List<Double>> pairs) {
        if (pairs == null) {
            throw new IllegalArgumentException("polygon is null");
        }
        List<Vertex> vs = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            List<Double> p = pairs.get(i);
            if (p == null || p.size() != 2 || p.get(0) == null || p.get(1) == null) {
                throw new IllegalArgumentException("vertex " + i + " must be an [x, y] pair, got " + p);
            }
            vs.add(new Vertex(p.get(0), p.get(1)));
        }
        return new Polygon(vs);
    }

    @JsonValue
    public List<List<Double>> pairs() {
        return vertices.stream().map(v -> List.of(v.x(), v.y())).toList();
    }

    /** Even-odd point-in-polygon test in normalized coordinates. */
    public boolean contains(double x, double y) {
        boolean inside = false;
        int n = vertices.size();
        for (int i = 0, j = n - 1; i < n; j = i++) {
            Vertex a = vertices.get(i);
            Vertex b = vertices.get(j);
            if ((a.y() > y) != (b.y() > y)
                    && x < (b.x() - a.x()) * (y - a.y()) / (b.y() - a.y()) + a.x()) {
                inside = !inside;
            }
        }
        return inside;
    }

    /**
     * Rasterizes the union of {@code polygons} onto a {@code width x height} grid, testing each
     * pixel centre; returns one byte per pixel, row-major, 1 inside and 0 outside. Meant for the
     * small working images of detectors (done once per image size, not per frame).
     */
    public static byte[] rasterize(List<Polygon> polygons, int width, int height) {
        byte[] mask = new byte[width * height];
        for (int y = 0; y < height; y++) {
            double ny = (y + 0.5) / height;
            for (int x = 0; x < width; x++) {
                double nx = (x + 0.5) / width;
                for (Polygon p : polygons) {
                    if (p.contains(nx, ny)) {
                        mask[y * width + x] = 1;
                        break;
                    }
                }
            }
        }
        return mask;
    }
}
