package org.nce.detectors.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.nce.model.EventType;

/**
 * Parses a dataset's {@code labels.csv}: header {@code file,event,first_frame,last_frame}, one
 * labelled interval per line, frames 0-based and inclusive. A clip may have several lines; a clip
 * whose only line has event {@code none} is a negative (a {@code none} line next to event lines
 * adds nothing). Blank lines and lines starting with {@code #} are skipped. Fields are split on
 * commas and trimmed; quoting is not supported (no file name in a dataset needs a comma).
 *
 * <p>A bad line does not stop parsing: it becomes an error naming the file and line, and its
 * clip is left out entirely, because scoring a clip with one of its labels missing would turn a
 * correct alert into a false positive.
 */
public final class LabelsCsv {

    public static final String NONE = "none";
    public static final List<String> COLUMNS = List.of("file", "event", "first_frame", "last_frame");
    public static final Set<String> CLIP_EXTENSIONS = Set.of("mp4", "avi", "gif");

    /** The labels of one clip, in file order. {@code intervals} is empty for a negative clip. */
    public record ClipLabels(String file, int firstLine, List<LabelledInterval> intervals) {
        public ClipLabels {
            intervals = List.copyOf(intervals);
        }
    }

    /** Usable clips in order of first appearance, and one message per problem found. */
    public record Labels(List<ClipLabels> clips, List<String> errors) {
        public Labels {
            clips = List.copyOf(clips);
            errors = List.copyOf(errors);
        }
    }

    private LabelsCsv() {
    }

    /**
     * Reads and parses a labels file.
     *
     * @throws IOException if the file cannot be read or its header is not the expected one (then
     *                     no line can be interpreted, so there is nothing to continue with)
     */
    public static Labels read(Path labelsFile) throws IOException {
        return parse(labelsFile.getFileName().toString(), Files.readAllLines(labelsFile, StandardCharsets.UTF_8));
    }

    /** Parses lines already read; {@code sourceName} prefixes every message. */
    public static Labels parse(String sourceName, List<String> lines) throws IOException {
        int headerIndex = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (!skippable(lines.get(i))) {
                headerIndex = i;
                break;
            }
        }
        if (headerIndex < 0) {
            throw new IOException(sourceName + " is empty: expected header " + String.join(",", COLUMNS));
        }
        List<String> header = fields(stripBom(lines.get(headerIndex)));
        List<String> normalized = header.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        if (!normalized.equals(COLUMNS)) {
            throw new IOException(sourceName + " line " + (headerIndex + 1) + ": expected header "
                    + String.join(",", COLUMNS) + ", got " + String.join(",", header));
        }

        Map<String, List<LabelledInterval>> intervals = new LinkedHashMap<>();
        Map<String, Integer> firstLines = new LinkedHashMap<>();
        Set<String> badClips = new LinkedHashSet<>();
        List<String> errors = new ArrayList<>();
        for (int i = headerIndex + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (skippable(line)) {
                continue;
            }
            int lineNo = i + 1;
            List<String> f = fields(line);
            String file = f.isEmpty() ? "" : f.get(0);
            if (!file.isEmpty()) {
                firstLines.putIfAbsent(file, lineNo);
                intervals.computeIfAbsent(file, k -> new ArrayList<>());
            }
            try {
                LabelledInterval interval = parseLine(f);
                if (interval != null) {
                    intervals.get(file).add(interval);
                }
            } catch (IllegalArgumentException e) {
                errors.add(sourceName + " line " + lineNo + ": " + e.getMessage());
                if (!file.isEmpty()) {
                    badClips.add(file);
                }
            }
        }
        List<ClipLabels> clips = new ArrayList<>();
        for (Map.Entry<String, List<LabelledInterval>> e : intervals.entrySet()) {
            if (badClips.contains(e.getKey())) {
                errors.add(sourceName + ": skipping clip " + e.getKey() + " because of its bad label line(s) above");
            } else {
                clips.add(new ClipLabels(e.getKey(), firstLines.get(e.getKey()), e.getValue()));
            }
        }
        return new Labels(clips, errors);
    }

    /** One labelled interval, or null for a {@code none} line. */
    private static LabelledInterval parseLine(List<String> f) {
        if (f.size() != COLUMNS.size()) {
            throw new IllegalArgumentException("expected " + COLUMNS.size() + " columns " + String.join(",", COLUMNS)
                    + ", got " + f.size());
        }
        String file = f.get(0);
        if (file.isEmpty()) {
            throw new IllegalArgumentException("file is empty");
        }
        String ext = extension(file);
        if (!CLIP_EXTENSIONS.contains(ext)) {
            throw new IllegalArgumentException("file " + file + " is not a clip (accepted: .mp4, .avi, .gif)");
        }
        String event = f.get(1);
        long first = frame("first_frame", f.get(2));
        long last = frame("last_frame", f.get(3));
        if (last < first) {
            throw new IllegalArgumentException("last_frame " + last + " < first_frame " + first);
        }
        if (NONE.equals(event)) {
            return null;
        }
        EventType type;
        try {
            type = EventType.fromWire(event);
        } catch (IllegalArgumentException e) {
            type = null;
        }
        if (type == null || type.source() != EventType.Source.CAMERA) {
            throw new IllegalArgumentException("unknown event '" + event + "', expected one of "
                    + String.join(", ", knownEvents()));
        }
        return new LabelledInterval(type, first, last);
    }

    static List<String> knownEvents() {
        List<String> known = new ArrayList<>();
        for (EventType t : EventType.values()) {
            if (t.source() == EventType.Source.CAMERA) {
                known.add(t.wireName());
            }
        }
        known.add(NONE);
        return known;
    }

    private static long frame(String column, String value) {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(column + " '" + value + "' is not an integer");
        }
        if (v < 0) {
            throw new IllegalArgumentException(column + " must be >= 0, got " + v);
        }
        return v;
    }

    private static String extension(String file) {
        int dot = file.lastIndexOf('.');
        return dot < 0 ? "" : file.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static boolean skippable(String line) {
        String t = stripBom(line).trim();
        return t.isEmpty() || t.startsWith("#");
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private static List<String> fields(String line) {
        // -1 keeps trailing empty fields so "a,b,," counts as four columns.
        String[] parts = line.split(",", -1);
        List<String> out = new ArrayList<>(parts.length);
        for (String p : parts) {
            out.add(p.trim());
        }
        return out;
    }
}
