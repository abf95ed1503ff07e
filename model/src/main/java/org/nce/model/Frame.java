package org.nce.model;

/**
 * One camera frame as it travels from a gateway to the pipeline: JPEG bytes plus where and when.
 * {@code seq} is the gateway's per-camera frame counter; {@code timestampMs} is the capture time
 * (epoch milliseconds, the gateway's clock).
 */
public record Frame(String siteId, String cameraId, long seq, long timestampMs, int width, int height,
                    byte[] jpeg) {
    public Frame {
        require(siteId, "site_id");
        require(cameraId, "camera_id");
        if (jpeg == null || jpeg.length == 0) {
            throw new IllegalArgumentException("frame has no JPEG payload");
        }
    }

    static void require(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + key + "' is required");
        }
    }
}
