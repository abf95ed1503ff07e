package org.nce.gateway.camera;

import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nce.detectors.video.ClipReader;

/**
 * Frames through FFmpeg from an RTSP, RTMP or HTTP (MJPEG) stream or a local file; a file can be
 * replayed in a loop. Network reads have an I/O timeout, so a stalled stream returns null (ended)
 * instead of blocking its reader for good.
 *
 * <p>MJPEG over HTTP ({@code multipart/x-mixed-replace}) is read part by part and each part decoded
 * here: FFmpeg (8.0.1, found by trying) detects the {@code mpjpeg} demuxer by itself when every
 * part has a {@code Content-Type} header (forcing it changes nothing; without the header it fails
 * either way), but JavaCV's decode loop silently skips a part that does not decode, so only
 * decoding the parts here lets a corrupt one be counted ({@link CorruptFrameException}).
 */
public final class GrabberFrameSource implements FrameSource {
    /** The I/O timeout when none is given: a read that returns nothing for this long ends the stream. */
    public static final int DEFAULT_IO_TIMEOUT_SECONDS = 10;

    private final String location;
    private final boolean loop;
    private final CameraSettings.Kind kind;
    private final long ioTimeoutMicros;
    private final int longEdge;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private FFmpegFrameGrabber grabber;
    private boolean multipartJpeg;
    private int videoStream = -1;
    private long loopOffsetUs;
    private long lastMediaUs = -1;
    private long streamClockMs = -1;

    public GrabberFrameSource(String location, boolean loop) throws Exception {
        this(location, loop, DEFAULT_IO_TIMEOUT_SECONDS);
    }

    /** Opens the source; {@code ioTimeoutSeconds} bounds every network read (files have none). */
    public GrabberFrameSource(String location, boolean loop, int ioTimeoutSeconds) throws Exception {
        this(location, loop, ioTimeoutSeconds, 0);
    }

    /**
     * As above; {@code longEdge} > 0: frames come out no larger than that on their long edge. FFmpeg
     * scales while it converts to BGR (one pass, and a quarter of the pixels to copy for 720p → 640);
     * only frames taken with {@link #next()} are converted, those passed with {@link #skip()} only
     * decoded.
     */
    public GrabberFrameSource(String location, boolean loop, int ioTimeoutSeconds, int longEdge) throws Exception {
        this.longEdge = longEdge;
        this.location = location;
        this.loop = loop;
        this.kind = CameraSettings.kindOf(location);
        if (kind == CameraSettings.Kind.SCENE) {
            throw new IllegalArgumentException("scene sources are not read through FFmpeg: " + location);
        }
        this.ioTimeoutMicros = ioTimeoutSeconds * 1_000_000L;
        open();
    }

    private void open() throws Exception {
        if (kind == CameraSettings.Kind.FILE && !Files.isRegularFile(Path.of(location))) {
            throw new NoSuchFileException(location);
        }
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(location);
        String timeout = Long.toString(ioTimeoutMicros);
        switch (kind) {
            case RTSP -> {
                g.setOption("rtsp_transport", "tcp");
                g.setOption("timeout", timeout); // the RTSP demuxer's socket I/O timeout, µs
            }
            case HTTP -> {
                g.setOption("rw_timeout", timeout);
                g.setOption("timeout", timeout); // http's socket timeout, µs (connect included)
            }
            // not "timeout" for RTMP: there it is a listen timeout and turns the client into a server
            case RTMP -> g.setOption("rw_timeout", timeout);
            default -> {
            }
        }
        // One decoder thread per camera: FFmpeg's default (cores + 1) multiplies frame buffers and
        // threads by the number of cameras, for no gain at 25 fps; the cameras are the parallelism.
        g.setVideoOption("threads", "1");
        try {
            g.start();
        } catch (FrameGrabber.Exception e) {
            closeQuietly(g);
            throw e;
        }
        int w = g.getImageWidth();
        int h = g.getImageHeight();
        if (longEdge > 0 && Math.max(w, h) > longEdge) {
            double scale = (double) longEdge / Math.max(w, h);
            g.setImageWidth(Math.max(1, (int) Math.round(w * scale)));
            g.setImageHeight(Math.max(1, (int) Math.round(h * scale)));
        }
        grabber = g;
        multipartJpeg = "mpjpeg".equals(g.getFormat());
        videoStream = -1;
        AVFormatContext oc = g.getFormatContext();
        for (int i = 0; i < oc.nb_streams(); i++) {
            if (oc.streams(i).codecpar().codec_type() == AVMEDIA_TYPE_VIDEO) {
                videoStream = i;
                break;
            }
        }
        if (videoStream < 0) {
            closeQuietly(g);
            grabber = null;
            throw new IllegalStateException("no video stream in " + location);
        }
    }

    @Override
    public Mat next() throws Exception {
        if (multipartJpeg) {
            return nextPart(true);
        }
        Frame f = grab(true);
        if (f == null) {
            return null;
        }
        ClipReader.fixChannels(f, grabber);
        Mat m = converter.convert(f);
        if (m == null || m.empty()) {
            throw new CorruptFrameException("empty picture from " + kind);
        }
        return m.clone();
    }

    @Override
    public boolean skip() throws Exception {
        if (multipartJpeg) {
            try (Mat part = nextPart(false)) {
                return part != null;
            }
        }
        return grab(false) != null;
    }

    /**
     * The next video frame, decoded; converted to BGR at the output size only when {@code convert}
     * (JavaCV's doProcessing: without it the frame's image is stale and must not be read).
     */
    private Frame grab(boolean convert) throws Exception {
        Frame f = grabber.grabFrame(false, true, convert, false, false);
        if (f == null && kind == CameraSettings.Kind.FILE && loop) {
            loopOffsetUs = lastMediaUs < 0 ? loopOffsetUs : lastMediaUs + frameMicros();
            closeQuietly(grabber);
            grabber = null;
            open();
            f = grabber.grabFrame(false, true, convert, false, false);
        }
        if (f == null) {
            return null;
        }
        lastMediaUs = loopOffsetUs + f.timestamp;
        streamClockMs = -1;
        if (kind == CameraSettings.Kind.RTSP) {
            // pts 0 was captured at start_time_realtime (known once an RTCP sender report arrived)
            long realtime = grabber.getFormatContext().start_time_realtime();
            if (realtime != AV_NOPTS_VALUE && realtime > 0) {
                streamClockMs = (realtime + f.timestamp) / 1000;
            }
        }
        return f;
    }

    /** The next MJPEG part, decoded when {@code decode}; when not, a skipped part returns an empty Mat. */
    private Mat nextPart(boolean decode) throws Exception {
        while (true) {
            AVPacket pkt = grabber.grabPacket();
            if (pkt == null) {
                return null;
            }
            try {
                if (pkt.stream_index() != videoStream || pkt.size() <= 0) {
                    continue;
                }
                lastMediaUs = -1;
                streamClockMs = -1;
                if (!decode) {
                    return new Mat(); // a JPEG part depends on no other: skipping it costs nothing (nor is it checked)
                }
                byte[] bytes = new byte[pkt.size()];
                pkt.data().get(bytes);
                Mat decoded;
                try (Mat encoded = new Mat(bytes)) {
                    decoded = opencv_imgcodecs.imdecode(encoded, opencv_imgcodecs.IMREAD_COLOR);
                }
                if (decoded == null || decoded.empty()) {
                    if (decoded != null) {
                        decoded.close();
                    }
                    throw new CorruptFrameException("MJPEG part of " + bytes.length + " bytes does not decode");
                }
                return decoded;
            } finally {
                avcodec.av_packet_unref(pkt);
            }
        }
    }

    private long frameMicros() {
        double fps = grabber == null ? 0 : grabber.getFrameRate();
        return fps > 0 ? Math.round(1e6 / fps) : 40_000;
    }

    String location() {
        return location;
    }

    boolean loop() {
        return loop;
    }

    @Override
    public double fps() {
        return grabber == null ? 0 : grabber.getFrameRate();
    }

    @Override
    public long mediaTimeUs() {
        return lastMediaUs;
    }

    @Override
    public long streamClockMs() {
        return streamClockMs;
    }

    @Override
    public void close() {
        if (grabber != null) {
            closeQuietly(grabber);
            grabber = null;
        }
        converter.close();
    }

    private static void closeQuietly(FFmpegFrameGrabber g) {
        try {
            g.close();
        } catch (FrameGrabber.Exception e) {
            // closing a dead stream: nothing left to release
        }
    }
}
