package org.nce.detectors.synthetic;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nce.model.EventType;

/**
 * A generated scene with exact ground truth, for unit tests of detector logic and for the demo's
 * simulated cameras. Frames are deterministic for a given seed: rendering frame {@code i} twice
 * gives the same pixels.
 */
public interface SyntheticScene {

    /** A labelled interval of frames, both ends inclusive, 0-based. */
    record Truth(EventType event, int firstFrame, int lastFrame) {
    }

    /** Frame size, playback rate and length of a scene. */
    record Format(int width, int height, double fps, int frames) {
    }

    String name();

    Format format();

    default int width() {
        return format().width();
    }

    default int height() {
        return format().height();
    }

    default double fps() {
        return format().fps();
    }

    default int frameCount() {
        return format().frames();
    }

    /** Renders frame {@code index} as a new BGR CV_8UC3 Mat the caller owns and must close. */
    Mat render(int index);

    /** Intervals where the event is present; empty for a negative scene. */
    List<Truth> truth();
}
