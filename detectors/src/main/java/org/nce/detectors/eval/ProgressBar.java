package org.nce.detectors.eval;

import java.io.PrintStream;

/**
 * A one-line progress display for long evaluations: {@code [=====>    ] clip 3/19 frames 420
 * 0:12 name}. Redraws in place with a carriage return at most every 200 ms, so it costs nothing
 * measurable next to decoding. Errors are printed on their own line and the bar redrawn below.
 */
final class ProgressBar implements Evaluation.Progress {

    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream out;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int clipIndex;
    private int clipCount;
    private String file = "";
    private int frameHint;
    private long clipFrames;
    private long totalFrames;
    private int lastLength;

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public void clipStarted(int clipIndex, int clipCount, String file, int frameCountHint) {
        this.clipIndex = clipIndex;
        this.clipCount = clipCount;
        this.file = file;
        this.frameHint = frameCountHint;
        this.clipFrames = 0;
        draw(true);
    }

    @Override
    public void frameDone(long clipFrames) {
        this.clipFrames = clipFrames;
        totalFrames++;
        draw(false);
    }

    @Override
    public void clipFinished() {
        draw(true);
    }

    @Override
    public void error(String message) {
        clearLine();
        out.println("ERROR " + message);
        draw(true);
    }

    /** Ends the bar's line so later output starts on a fresh one. */
    void finish() {
        draw(true);
        out.println();
        out.flush();
    }

    private void draw(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double withinClip = frameHint > 0 ? Math.min(1.0, (double) clipFrames / frameHint) : 0.0;
        double done = clipCount == 0 ? 1.0 : (clipIndex + withinClip) / clipCount;
        int filled = (int) Math.round(done * WIDTH);
        StringBuilder bar = new StringBuilder("[");
        for (int i = 0; i < WIDTH; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        long secs = (now - start) / 1_000_000_000L;
        String line = String.format("%s] clip %d/%d  frames %d  %d:%02d  %s", bar, Math.min(clipIndex + 1, clipCount),
                clipCount, totalFrames, secs / 60, secs % 60, file);
        StringBuilder padded = new StringBuilder("\r").append(line);
        for (int i = line.length(); i < lastLength; i++) {
            padded.append(' ');
        }
        lastLength = line.length();
        out.print(padded);
        out.flush();
    }

    private void clearLine() {
        StringBuilder blank = new StringBuilder("\r");
        for (int i = 0; i < lastLength; i++) {
            blank.append(' ');
        }
        out.print(blank.append('\r'));
        lastLength = 0;
    }
}
