package org.nce.pipeline.evidence;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javax.imageio.ImageIO;
import org.nce.model.SensorReading;

/**
 * Draws a sensor's readings around an exceedance as a PNG: the series, the limit as a red line and
 * the alert window shaded. Officers read a chart faster than a table.
 */
public final class SensorChart {
    private static final int W = 800;
    private static final int H = 360;
    private static final int PAD = 56;

    private SensorChart() {
    }

    public static byte[] png(List<SensorReading> readings, double limit, long alertFrom, long alertTo, String title,
                             String unit, ZoneId zone) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            long t0 = readings.get(0).timestampMs();
            long t1 = Math.max(t0 + 1, readings.get(readings.size() - 1).timestampMs());
            double vmin = Math.min(limit, readings.stream().mapToDouble(SensorReading::value).min().orElse(0));
            double vmax = Math.max(limit, readings.stream().mapToDouble(SensorReading::value).max().orElse(1));
            double span = Math.max(1e-6, vmax - vmin);
            vmin -= span * 0.1;
            vmax += span * 0.1;
            final double lo = vmin;
            final double hi = vmax;
            java.util.function.LongToIntFunction x = t -> PAD + (int) ((t - t0) * (W - 2 * PAD) / (double) (t1 - t0));
            java.util.function.DoubleToIntFunction y = v -> H - PAD - (int) ((v - lo) * (H - 2 * PAD) / (hi - lo));

            g.setColor(new Color(255, 230, 230));
            int ax = x.applyAsInt(Math.max(t0, alertFrom));
            g.fillRect(ax, PAD, Math.max(2, x.applyAsInt(Math.min(t1, alertTo)) - ax), H - 2 * PAD);
            g.setColor(Color.GRAY);
            g.drawRect(PAD, PAD, W - 2 * PAD, H - 2 * PAD);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int i = 0; i <= 4; i++) {
                double v = lo + (hi - lo) * i / 4;
                int yy = y.applyAsInt(v);
                g.drawString(String.format(java.util.Locale.ROOT, "%.1f", v), 8, yy + 4);
            }
            DateTimeFormatter fmt = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(zone);
            g.drawString(fmt.format(Instant.ofEpochMilli(t0)), PAD, H - PAD + 18);
            String end = fmt.format(Instant.ofEpochMilli(t1));
            g.drawString(end, W - PAD - g.getFontMetrics().stringWidth(end), H - PAD + 18);

            g.setColor(Color.RED);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
            int ly = y.applyAsInt(limit);
            g.drawLine(PAD, ly, W - PAD, ly);
            g.drawString(String.format(java.util.Locale.ROOT, "limit %.1f %s", limit, unit), W - PAD - 130, ly - 6);

            g.setColor(new Color(30, 90, 200));
            g.setStroke(new BasicStroke(2f));
            for (int i = 1; i < readings.size(); i++) {
                SensorReading a = readings.get(i - 1);
                SensorReading b = readings.get(i);
                g.drawLine(x.applyAsInt(a.timestampMs()), y.applyAsInt(a.value()), x.applyAsInt(b.timestampMs()), y.applyAsInt(b.value()));
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title + " (" + unit + ")", PAD, PAD - 16);
        } finally {
            g.dispose();
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
