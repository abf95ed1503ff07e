package org.nce.detectors.motion;

/**
 * Settings of a camera's shared motion gate (see {@link MotionGate}). Validated once, here.
 *
 * @param enabled            false: every frame reaches every detector (as before the gate)
 * @param width              width of the grey image the gate compares (height keeps the aspect)
 * @param pixelDelta         a pixel of that image has changed when it differs from the reference by more
 *                           than this (grey levels, after the global brightness change is taken out)
 * @param minChangedFraction motion when more than this fraction of the pixels changed
 * @param cellSize           side of the square cells (pixels of the gate's image) whose mean may drift
 * @param cellDelta          motion when one cell's mean moved by at least this (grey levels): a thin,
 *                           slow change (smoke, a distant plume) that stays under {@code pixelDelta}
 * @param holdMs             after motion, every frame for this long (stream time) still passes, so the
 *                           detectors see an event through to its end (the actor leaving, a pile settling)
 * @param heartbeatMs        a still camera's frame passes at least this often (stream time), so a dog
 *                           lying still or a pile left in the quiet is still seen, and backgrounds learn;
 *                           at most {@link #MAX_HEARTBEAT_MS}
 */
public record MotionGateConfig(boolean enabled, int width, int pixelDelta, double minChangedFraction, int cellSize,
                               double cellDelta, long holdMs, long heartbeatMs) {

    /** The longest heartbeat the detectors' own gap limits allow. */
    public static final long MAX_HEARTBEAT_MS = 5_000;

    public MotionGateConfig {
        if (width < 32 || width > 640) {
            throw new IllegalArgumentException("motion_gate.width must be in [32, 640], got " + width);
        }
        if (pixelDelta < 1 || pixelDelta > 255) {
            throw new IllegalArgumentException("motion_gate.pixel_delta must be in [1, 255], got " + pixelDelta);
        }
        if (!(minChangedFraction > 0 && minChangedFraction < 1)) {
            throw new IllegalArgumentException("motion_gate.min_changed_fraction must be in (0, 1), got " + minChangedFraction);
        }
        if (cellSize < 2 || cellSize > width) {
            throw new IllegalArgumentException("motion_gate.cell_size must be in [2, width], got " + cellSize);
        }
        if (!(cellDelta > 0 && cellDelta < 255)) {
            throw new IllegalArgumentException("motion_gate.cell_delta must be in (0, 255), got " + cellDelta);
        }
        if (holdMs < 0) {
            throw new IllegalArgumentException("motion_gate.hold_ms must be >= 0, got " + holdMs);
        }
        // At most 5 s: the dumping detector starts its backgrounds afresh after a gap of 10 s, and the
        // fire detector counts at most 1 s of smoke per frame it sees (docs/detectors/motion-gate.md).
        if (heartbeatMs < 1 || heartbeatMs > MAX_HEARTBEAT_MS) {
            throw new IllegalArgumentException("motion_gate.heartbeat_ms must be in [1, " + MAX_HEARTBEAT_MS + "], got " + heartbeatMs);
        }
    }

    /** The defaults; docs/detectors/motion-gate.md says how each was chosen. */
    public static MotionGateConfig defaults() {
        return new MotionGateConfig(true, 160, 10, 0.001, 8, 2.5, 2000, 2000);
    }

    public MotionGateConfig withEnabled(boolean on) {
        return new MotionGateConfig(on, width, pixelDelta, minChangedFraction, cellSize, cellDelta, holdMs, heartbeatMs);
    }

    public MotionGateConfig withHeartbeatMs(long ms) {
        return new MotionGateConfig(enabled, width, pixelDelta, minChangedFraction, cellSize, cellDelta, holdMs, ms);
    }
}
