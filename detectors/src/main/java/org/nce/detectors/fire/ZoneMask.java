package org.nce.detectors.fire;

import java.util.List;

/** Rasterises include/exclude polygons (normalized coordinates) onto the processing grid. */
final class ZoneMask {

    private ZoneMask() {
    }

    /**
     * True where a pixel (tested at its centre) may be analysed: inside some include zone (or
     * everywhere when there is none) and inside no exclude zone.
     */
    static boolean[] build(List<FireConfig.Zone> include, List<FireConfig.Zone> exclude, int w, int h) {
        boolean[] mask = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            double ny = (y + 0.5) / h;
            for (int x = 0; x < w; x++) {
                double nx = (x + 0.5) / w;
                boolean in = include.isEmpty();
                for (FireConfig.Zone z : include) {
                    if (contains(z, nx, ny)) {
                        in = true;
                        break;
                    }
                }
                if (in) {
                    for (FireConfig.Zone z : exclude) {
                        if (contains(z, nx, ny)) {
                            in = false;
                            break;
                        }
                    }
                }
                mask[y * w + x] = in;
            }
        }
        return mask;
    }

    /** Even-odd ray casting. */
    static boolean contains(FireConfig.Zone zone, double x, double y) {
        List<List<Double>> pts = zone.points();
        boolean inside = false;
        for (int i = 0, j = pts.size() - 1; i < pts.size(); j = i++) {
            double xi = pts.get(i).get(0);
            double yi = pts.get(i).get(1);
            double xj = pts.get(j).get(0);
            double yj = pts.get(j).get(1);
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) {
                inside = !inside;
            }
        }
        return inside;
    }
}
