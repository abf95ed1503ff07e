package org.nce.gateway.camera;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How one camera is read: where from, how often a frame is kept, how it is encoded, and when a
 * silent stream counts as stalled. Immutable; {@link #problems()} names every invalid field at
 * once (by its YAML key) so a config check can print them all, and {@link CameraCapture} refuses
 * settings that have any.
 *
 * <p>{@code source} is {@code scene:<name>} (a built-in synthetic scene), {@code rtsp://},
 * {@code rtsps://}, {@code rtmp://}, {@code rtmps://}, {@code http://} or {@code https://} (MJPEG
 * over HTTP, {@code multipart/x-mixed-replace}), or a local file path (played at its own rate,
 * looped when {@code loop}). {@code loop} only matters for files and scenes: a network stream
 * that ends is always reconnected.
 */
public record CameraSettings(String id, String source, double sampleFps, int longEdge, int jpegQuality, boolean loop,
                             int stallSeconds) {
    public static final double DEFAULT_SAMPLE_FPS = 2.0;
    public static final int DEFAULT_LONG_EDGE = 640;
    public static final int DEFAULT_JPEG_QUALITY = 80;
    public static final boolean DEFAULT_LOOP = true;
    public static final int DEFAULT_STALL_SECONDS = 10;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final List<String> NETWORK_SCHEMES = List.of("rtsp://", "rtsps://", "rtmp://", "rtmps://", "http://",
            "https://");

    /** A camera with every setting at its default. */
    public static CameraSettings of(String id, String source) {
        return new CameraSettings(id, source, DEFAULT_SAMPLE_FPS, DEFAULT_LONG_EDGE, DEFAULT_JPEG_QUALITY, DEFAULT_LOOP,
                DEFAULT_STALL_SECONDS);
    }

    public CameraSettings withSampleFps(double value) {
        return new CameraSettings(id, source, value, longEdge, jpegQuality, loop, stallSeconds);
    }

    public CameraSettings withLongEdge(int value) {
        return new CameraSettings(id, source, sampleFps, value, jpegQuality, loop, stallSeconds);
    }

    public CameraSettings withJpegQuality(int value) {
        return new CameraSettings(id, source, sampleFps, longEdge, value, loop, stallSeconds);
    }

    public CameraSettings withLoop(boolean value) {
        return new CameraSettings(id, source, sampleFps, longEdge, jpegQuality, value, stallSeconds);
    }

    public CameraSettings withStallSeconds(int value) {
        return new CameraSettings(id, source, sampleFps, longEdge, jpegQuality, loop, value);
    }

    /** Every invalid field, each as {@code key: what is wrong}; empty when the settings are usable. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (id == null || !ID.matcher(id).matches()) {
            out.add("id: required, 1-64 letters, digits, '-' or '_', got " + quote(id));
        }
        if (source == null || source.isBlank()) {
            out.add("source: required (scene:<name>, rtsp://, rtmp://, http:// or a file path)");
        } else if (source.contains("://") && kindOf(source) == Kind.FILE) {
            out.add("source: unsupported scheme in " + quote(source) + ", expected one of " + NETWORK_SCHEMES
                    + ", scene:<name> or a file path");
        } else if (source.startsWith("scene:") && source.length() == "scene:".length()) {
            out.add("source: scene name missing after 'scene:'");
        }
        if (!(sampleFps > 0 && sampleFps <= 30)) {
            out.add("sample_fps: must be in (0, 30], got " + sampleFps);
        }
        if (longEdge < 32 || longEdge > 4096) {
            out.add("long_edge: must be 32..4096 pixels, got " + longEdge);
        }
        if (jpegQuality < 10 || jpegQuality > 100) {
            out.add("jpeg_quality: must be 10..100, got " + jpegQuality);
        }
        if (stallSeconds < 1 || stallSeconds > 3600) {
            out.add("stall_seconds: must be 1..3600, got " + stallSeconds);
        }
        return out;
    }

    /** What kind of source {@link #source()} names. */
    public Kind kind() {
        return kindOf(source);
    }

    /** Source kinds: how each is opened and whether it is live (read as fast as it arrives). */
    public enum Kind {
        SCENE(false), FILE(false), RTSP(true), RTMP(true), HTTP(true);

        private final boolean live;

        Kind(boolean live) {
            this.live = live;
        }

        /** Live sources are read as they deliver and reconnected when they end; stored media is paced. */
        public boolean live() {
            return live;
        }
    }

    static Kind kindOf(String source) {
        if (source == null) {
            return Kind.FILE;
        }
        String s = source.toLowerCase(Locale.ROOT);
        if (s.startsWith("scene:")) {
            return Kind.SCENE;
        }
        if (s.startsWith("rtsp://") || s.startsWith("rtsps://")) {
            return Kind.RTSP;
        }
        if (s.startsWith("rtmp://") || s.startsWith("rtmps://")) {
            return Kind.RTMP;
        }
        if (s.startsWith("http://") || s.startsWith("https://")) {
            return Kind.HTTP;
        }
        return Kind.FILE;
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
