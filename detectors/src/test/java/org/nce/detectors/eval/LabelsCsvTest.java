package org.nce.detectors.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nce.detectors.eval.LabelsCsv.Labels;
import org.nce.model.EventType;

class LabelsCsvTest {

    private static Labels parse(String... lines) throws IOException {
        return LabelsCsv.parse("labels.csv", List.of(lines));
    }

    @Test
    void groupsLinesByClipInFileOrder() throws IOException {
        Labels l = parse("file,event,first_frame,last_frame",
                "b.mp4,open_burning,0,10",
                "a.gif, muck_dumping , 5 , 9 ",
                "b.mp4,open_burning,20,30",
                "neg.avi,none,0,99");
        assertTrue(l.errors().isEmpty(), l.errors().toString());
        assertEquals(List.of("b.mp4", "a.gif", "neg.avi"), l.clips().stream().map(LabelsCsv.ClipLabels::file).toList());
        assertEquals(List.of(new LabelledInterval(EventType.OPEN_BURNING, 0, 10),
                new LabelledInterval(EventType.OPEN_BURNING, 20, 30)), l.clips().get(0).intervals());
        assertEquals(List.of(new LabelledInterval(EventType.MUCK_DUMPING, 5, 9)), l.clips().get(1).intervals());
        assertTrue(l.clips().get(2).intervals().isEmpty(), "none -> negative");
        assertEquals(2, l.clips().get(0).firstLine());
    }

    @Test
    void skipsBlankLinesCommentsBomAndCrLf() throws IOException {
        Labels l = parse("\uFEFFfile,event,first_frame,last_frame\r", "", "# comment", "x.mp4,unleashed_dog,1,2\r");
        assertTrue(l.errors().isEmpty(), l.errors().toString());
        assertEquals(1, l.clips().size());
    }

    @Test
    void aBadLineIsReportedWithItsNumberAndItsClipIsSkipped() throws IOException {
        Labels l = parse("file,event,first_frame,last_frame",
                "good.mp4,open_burning,0,10",
                "bad.mp4,open_burning,0,10",
                "bad.mp4,open_burning,x,10");
        assertEquals(List.of("good.mp4"), l.clips().stream().map(LabelsCsv.ClipLabels::file).toList());
        assertEquals(2, l.errors().size());
        assertTrue(l.errors().get(0).startsWith("labels.csv line 4: first_frame 'x' is not an integer"), l.errors().get(0));
        assertTrue(l.errors().get(1).contains("skipping clip bad.mp4"), l.errors().get(1));
    }

    @Test
    void rejectsEachKindOfBadLine() throws IOException {
        assertError("labels.csv line 2: unknown event 'fire'", "a.mp4,fire,0,1");
        assertError("labels.csv line 2: unknown event 'noise_exceedance'", "a.mp4,noise_exceedance,0,1");
        assertError("labels.csv line 2: expected 4 columns", "a.mp4,open_burning,0");
        assertError("labels.csv line 2: expected 4 columns", "a.mp4,open_burning,0,1,2");
        assertError("labels.csv line 2: last_frame 3 < first_frame 5", "a.mp4,open_burning,5,3");
        assertError("labels.csv line 2: first_frame must be >= 0", "a.mp4,open_burning,-1,3");
        assertError("labels.csv line 2: file a.jpg is not a clip", "a.jpg,open_burning,0,0");
        assertError("labels.csv line 2: file is empty", ",open_burning,0,0");
    }

    private static void assertError(String expectedPrefix, String line) throws IOException {
        Labels l = parse("file,event,first_frame,last_frame", line);
        assertTrue(!l.errors().isEmpty() && l.errors().get(0).startsWith(expectedPrefix),
                "expected '" + expectedPrefix + "' for '" + line + "', got " + l.errors());
        assertTrue(l.clips().isEmpty());
    }

    @Test
    void aWrongHeaderIsFatal() {
        IOException e = assertThrows(IOException.class, () -> parse("clip,label,start,end", "a.mp4,none,0,1"));
        assertTrue(e.getMessage().contains("expected header file,event,first_frame,last_frame"), e.getMessage());
        assertThrows(IOException.class, () -> parse("", "  "));
    }

    @Test
    void theSharedTestdataLabelsParseCleanly() throws IOException {
        Path labels = Path.of(System.getProperty("nce.testdata", "../../shared/testdata")).resolve("labels.csv");
        Assumptions.assumeTrue(Files.isRegularFile(labels), "no shared testdata at " + labels);
        Labels l = LabelsCsv.read(labels);
        assertTrue(l.errors().isEmpty(), l.errors().toString());
        assertTrue(l.clips().size() > 10);
    }
}
