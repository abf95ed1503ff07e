package org.nce.gateway.camera;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/** Frames from a file or an RTSP stream through FFmpeg. A file can be replayed in a loop. */
public final class GrabberFrameSource implements FrameSource {
    private final String location;
    private final boolean loop;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private FFmpegFrameGrabber grabber;

    public GrabberFrameSource(String location, boolean loop) throws FFmpegFrameGrabber.Exception {
        this.location = location;
        this.loop = loop;
        open();
    }

    private void open() throws FFmpegFrameGrabber.Exception {
        grabber = new FFmpegFrameGrabber(location);
        if (location.startsWith("rtsp://")) {
            grabber.setOption("rtsp_transport", "tcp");
            grabber.setOption("timeout", "5000000");
        }
        grabber.start();
    }

    @Override
    public Mat next() throws Exception {
        Frame f = grabber.grabImage();
        if (f == null) {
            if (!loop || location.startsWith("rtsp://")) {
                return null;
            }
            grabber.close();
            open();
            f = grabber.grabImage();
            if (f == null) {
                return null;
            }
        }
        org.nce.detectors.video.ClipReader.fixChannels(f, grabber);
        return converter.convert(f).clone();
    }

    @Override
    public double fps() {
        return grabber.getFrameRate();
    }

    @Override
    public void close() {
        try {
            grabber.close();
        } catch (org.bytedeco.javacv.FrameGrabber.Exception e) {
            // closing a dead stream: nothing left to release
        }
        converter.close();
    }
}
