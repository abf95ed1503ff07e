package org.nce.pipeline.evidence;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nce.model.Frame;

/**
 * Encodes evidence frames (JPEG) into an MP4 in memory. H.264 through libopenh264 (the LGPL FFmpeg
 * build has no libx264; asking for it silently falls back to MPEG-4 Part 2), MPEG-4 Part 2 only if
 * openh264 is unavailable. Written to a stream, so the moov atom goes first and fragments follow
 * ({@code frag_keyframe+empty_moov}). {@link Result#codec()} reports the codec actually written.
 */
public final class ClipEncoder {

    public record Result(byte[] mp4, String codec, int frames, int width, int height) {
    }

    private ClipEncoder() {
    }

    public static Result encode(List<Frame> frames, double fps) throws org.bytedeco.javacv.FrameRecorder.Exception {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("no frames to encode");
        }
        Mat first = decode(frames.get(0));
        // H.264 needs even dimensions.
        int w = first.cols() & ~1;
        int h = first.rows() & ~1;
        first.close();
        try {
            return encode(frames, fps, w, h, avcodec.AV_CODEC_ID_H264, "libopenh264");
        } catch (org.bytedeco.javacv.FrameRecorder.Exception e) {
            return encode(frames, fps, w, h, avcodec.AV_CODEC_ID_MPEG4, null);
        }
    }

    private static Result encode(List<Frame> frames, double fps, int w, int h, int codecId, String codecName)
            throws org.bytedeco.javacv.FrameRecorder.Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        int written = 0;
        String codec;
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(out, w, h, 0);
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            rec.setFormat("mp4");
            rec.setOption("movflags", "frag_keyframe+empty_moov");
            rec.setVideoCodec(codecId);
            if (codecName != null) {
                rec.setVideoCodecName(codecName);
            }
            rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            rec.setFrameRate(fps > 0 ? fps : 10);
            rec.setGopSize((int) Math.max(1, Math.round(fps > 0 ? fps : 10)));
            rec.setVideoBitrate(1_500_000);
            rec.start();
            codec = rec.getVideoCodecName() != null ? rec.getVideoCodecName() : avcodec.avcodec_get_name(rec.getVideoCodec()).getString();
            for (Frame f : frames) {
                try (Mat m = decode(f)) {
                    if (m.empty()) {
                        continue;
                    }
                    Mat sized = m;
                    if (m.cols() != w || m.rows() != h) {
                        sized = new Mat();
                        org.bytedeco.opencv.global.opencv_imgproc.resize(m, sized, new org.bytedeco.opencv.opencv_core.Size(w, h));
                    }
                    rec.record(conv.convert(sized));
                    written++;
                    if (sized != m) {
                        sized.close();
                    }
                }
            }
            rec.stop();
        }
        return new Result(out.toByteArray(), codec, written, w, h);
    }

    static Mat decode(Frame f) {
        try (Mat buf = new Mat(new BytePointer(f.jpeg()))) {
            return opencv_imgcodecs.imdecode(buf, opencv_imgcodecs.IMREAD_COLOR);
        }
    }
}
