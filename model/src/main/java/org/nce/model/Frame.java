package org.nce.model;

/**
 * One camera frame as it travels from a gateway to the pipeline: JPEG bytes plus where and when.
 * {@code seq} is the gateway's per-camera frame counter, which starts again at 0 whenever the
 * gateway restarts; {@code bootId} names that gateway run, so {@code (bootId, seq)} identifies a
 * frame for good and never repeats (alert ids and evidence keys are built on it, never on seq
 * alone). {@code timestampMs} is the capture time (epoch milliseconds, the gateway's clock).
 */
public record Frame(String siteId, String cameraId, String bootId, long seq, long timestampMs, int width, int height,
                    byte[] jpeg) {
    /** Boot ids go into alert ids, object keys and document ids: short and plain. */
    public static final java.util.regex.Pattern BOOT_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public Frame {
        require(siteId, "site_id");
        require(cameraId, "camera_id");
        require(bootId, "boot_id");
        if (!BOOT_ID.matcher(bootId).matches()) {
            throw new IllegalArgumentException("'boot_id' must be 1-64 letters, digits, '-' or '_', got '"
                    + (bootId.length() > 80 ? bootId.substring(0, 80) + "…" : bootId) + "'");
        }
        if (seq < 0) {
            throw new IllegalArgumentException("'seq' must be >= 0, got " + seq);
        }
        if (jpeg == null || jpeg.length == 0) {
            throw new IllegalArgumentException("frame has no JPEG payload");
        }
    }

    /** A frame's identity for good: the gateway run and its counter. */
    public String frameKey() {
        return bootId + "-" + seq;
    }

    static void require(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + key + "' is required");
        }
    }
}
