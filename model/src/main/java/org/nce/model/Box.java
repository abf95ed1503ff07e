package org.nce.model;

/** An axis-aligned box in pixels of the frame it was found in. */
public record Box(int x, int y, int w, int h) {
    public Box {
        if (w < 0 || h < 0) {
            throw new IllegalArgumentException("box width and height must be >= 0, got " + w + "x" + h);
        }
    }

    public long area() {
        return (long) w * h;
    }

    public double iou(Box o) {
        int ix = Math.max(0, Math.min(x + w, o.x + o.w) - Math.max(x, o.x));
        int iy = Math.max(0, Math.min(y + h, o.y + o.h) - Math.max(y, o.y));
        double inter = (double) ix * iy;
        double union = area() + o.area() - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
