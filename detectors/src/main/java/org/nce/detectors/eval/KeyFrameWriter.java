package org.nce.detectors.eval;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.nce.model.Box;
import org.nce.model.Detection;

/**
 * Writes, for every alert of an evaluation, the frame that confirmed it as a JPEG with the alert's
 * boxes and its reason drawn in, so a person can see at a glance what a detector saw, above all in
 * its false alarms. Files are named {@code <outcome>_<clip-ext>_<type>_f<frame>.jpg} once the clip is
 * scored (TP/FP); until then they carry {@code alert} as their outcome.
 */
final class KeyFrameWriter {

    private static final Scalar BOX_COLOUR = new Scalar(0, 0, 255, 0);
    private static final Scalar TEXT_COLOUR = new Scalar(255, 255, 255, 0);
    private static final Scalar BANNER_COLOUR = new Scalar(0, 0, 0, 0);
    private static final double FONT_SCALE = 0.45;
    private static final int LINE_HEIGHT = 16;
    /** Hershey simplex at 0.45 is about 8 px per character. */
    private static final int CHAR_WIDTH = 8;

    private final Path dir;

    KeyFrameWriter(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** Draws the alert on a copy of {@code frame} and writes it; returns the file. */
    Path write(String clipFile, Detection alert, Mat frame) throws IOException {
        Path file = dir.resolve(name("alert", clipFile, alert));
        try (Mat canvas = frame.clone()) {
            for (Box b : alert.boxes()) {
                try (Rect r = new Rect(b.x(), b.y(), Math.max(1, b.w()), Math.max(1, b.h()))) {
                    rectangle(canvas, r, BOX_COLOUR, 2, LINE_AA, 0);
                }
            }
            List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT, "%s  frame %d  score %.2f", alert.type().wireName(),
                    alert.lastFrame(), alert.score()));
            lines.addAll(wrap(alert.reason(), Math.max(20, canvas.cols() / CHAR_WIDTH - 2)));
            int bannerHeight = Math.min(canvas.rows(), LINE_HEIGHT * lines.size() + 6);
            try (Rect banner = new Rect(0, 0, canvas.cols(), bannerHeight)) {
                rectangle(canvas, banner, BANNER_COLOUR, -1, LINE_AA, 0);
            }
            for (int i = 0; i < lines.size(); i++) {
                try (Point at = new Point(4, LINE_HEIGHT * (i + 1))) {
                    putText(canvas, lines.get(i), at, FONT_HERSHEY_SIMPLEX, FONT_SCALE, TEXT_COLOUR, 1, LINE_AA, false);
                }
            }
            if (!imwrite(file.toString(), canvas)) {
                throw new IOException("OpenCV could not write " + file);
            }
        }
        return file;
    }

    /** Renames a written key frame once its outcome is known. */
    Path markOutcome(Path written, String clipFile, Detection alert, String outcome) throws IOException {
        return Files.move(written, dir.resolve(name(outcome, clipFile, alert)), StandardCopyOption.REPLACE_EXISTING);
    }

    static String name(String outcome, String clipFile, Detection alert) {
        // The extension stays in (as "-mp4"): x.mp4 and x.avi must not overwrite each other's frames.
        String clip = clipFile.replaceAll("[^A-Za-z0-9_-]+", "-");
        return outcome + "_" + clip + "_" + alert.type().wireName() + "_f" + alert.lastFrame() + ".jpg";
    }

    /** Greedy word wrap; Hershey fonts draw ASCII only, so anything else becomes '?'. */
    static List<String> wrap(String text, int width) {
        String ascii = text.replaceAll("[^\\x20-\\x7E]", "?");
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : ascii.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                out.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            out.add(line.toString());
        }
        return out;
    }
}
