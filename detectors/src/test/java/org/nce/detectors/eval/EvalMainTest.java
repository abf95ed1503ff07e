package org.nce.detectors.eval;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.detectors.video.TestClips;
import org.nce.model.Json;

/** End to end: generated clips + labels.csv, the colour fake suite, and the JSON EvalMain writes. */
class EvalMainTest {

    @TempDir
    static Path dataset;

    @BeforeAll
    static void writeDataset() throws Exception {
        // Red 10-19, gap of 7 frames (more than the fake's quiet time), red again 27-35: two fire
        // alerts inside one labelled interval -> 1 TP, 1 ignored.
        TestClips.write(dataset.resolve("fire.mp4"), 96, 64, 25, 40,
                i -> (i >= 10 && i <= 19) || (i >= 27 && i <= 35) ? TestClips.RED : TestClips.GRAY);
        // A negative clip with two separate blue runs: 2 dog false positives.
        TestClips.write(dataset.resolve("neg.avi"), 96, 64, 10, 40,
                i -> (i >= 5 && i <= 14) || (i >= 25 && i <= 34) ? TestClips.BLUE : TestClips.GRAY);
        // Green 0-19 labelled dumping (TP); a dog labelled at 20-29 that the fake never sees (FN).
        Files.createDirectories(dataset.resolve("sub"));
        TestClips.write(dataset.resolve("sub/mixed.gif"), 64, 48, 25, 30,
                i -> i < 20 ? TestClips.GREEN : TestClips.GRAY);
        Files.writeString(dataset.resolve("labels.csv"), String.join("\n",
                "file,event,first_frame,last_frame",
                "fire.mp4,open_burning,10,35",
                "neg.avi,none,0,39",
                "sub/mixed.gif,muck_dumping,0,19",
                "sub/mixed.gif,unleashed_dog,20,29",
                ""));
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--suite");
        all.add(ColourFakeSuite.class.getName());
        int exit = EvalMain.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void scoresEveryTypeAndWritesTheSummaryJson() throws Exception {
        Path json = dataset.resolve("out/summary.json");
        Path details = dataset.resolve("out/details.json");
        Run r = run(dataset.toString(), "--json", json.toString(), "--details", details.toString());
        assertEquals(0, r.exit(), r.err());

        JsonNode root = Json.MAPPER.readTree(json.toFile());
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("open_burning", "muck_dumping", "unleashed_dog"), keys);
        for (JsonNode n : root) {
            List<String> fields = new ArrayList<>();
            n.fieldNames().forEachRemaining(fields::add);
            assertEquals(List.of("tp", "fp", "fn", "precision", "recall", "f1", "fps"), fields);
            assertTrue(n.get("fps").asDouble() > 0, "fps measured: " + n);
        }
        assertCounts(root.get("open_burning"), 1, 0, 0, 1.0, 1.0, 1.0);
        assertCounts(root.get("muck_dumping"), 1, 0, 0, 1.0, 1.0, 1.0);
        // No TP: precision 0/2 = 0, recall 0/1 = 0, F1 0.
        assertCounts(root.get("unleashed_dog"), 0, 2, 1, 0.0, 0.0, 0.0);

        JsonNode clips = Json.MAPPER.readTree(details.toFile()).get("clips");
        assertEquals(3, clips.size());
        JsonNode fire = clips.get(0);
        assertEquals("fire.mp4", fire.get("file").asText());
        assertEquals(40, fire.get("frames").asInt());
        List<String> outcomes = new ArrayList<>();
        fire.get("alerts").forEach(a -> outcomes.add(a.get("outcome").asText()));
        assertEquals(List.of("TP", "IGNORED"), outcomes);
        // Alert raised on the 3rd red frame (12) at 25 fps -> 480 ms: the clip's own rate.
        JsonNode first = fire.get("alerts").get(0);
        assertEquals(12, first.get("raised_at_frame").asInt());
        assertEquals(10, first.get("first_frame").asInt());
        assertTrue(first.get("reason").asText().contains("t=480ms fps=25.0"), first.toString());
        // neg.avi at 10 fps: first blue run confirmed at frame 7 -> 700 ms.
        JsonNode neg = clips.get(1);
        assertTrue(neg.get("alerts").get(0).get("reason").asText().contains("t=700ms fps=10.0"), neg.toString());
        assertEquals("FP", neg.get("alerts").get(1).get("outcome").asText());
        JsonNode mixed = clips.get(2);
        assertEquals("unleashed_dog", mixed.get("missed").get(0).get("event").asText());

        assertTrue(r.out().contains("== Summary"), r.out());
        assertTrue(r.out().contains("FN      unleashed_dog frames 20-29"), r.out());
        assertTrue(r.err().contains("clip 3/3"), "progress bar on stderr: " + r.err());
    }

    @Test
    void writesEachAlertsConfirmingFrameNamedByItsOutcome() throws Exception {
        Path frames = dataset.resolve("out/frames");
        Run r = run(dataset.toString(), "--frames", frames.toString(), "--no-progress");
        assertEquals(0, r.exit(), r.err());
        List<String> names;
        try (var files = Files.list(frames)) {
            names = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        // fire.mp4: TP at frame 12, the second alert inside the same interval ignored; neg.avi: two
        // dog false alarms; mixed.gif: the dumping TP.
        assertEquals(5, names.size(), names::toString);
        assertTrue(names.contains("TP_fire-mp4_open_burning_f12.jpg"), names::toString);
        assertTrue(names.contains("FP_neg-avi_unleashed_dog_f7.jpg"), names::toString);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("IGNORED_fire-mp4_open_burning_")), names::toString);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("TP_sub-mixed-gif_muck_dumping_")), names::toString);
        try (Mat img = imread(frames.resolve("TP_fire-mp4_open_burning_f12.jpg").toString())) {
            assertEquals(96, img.cols());
            assertEquals(64, img.rows());
        }
        assertTrue(r.out().contains("key frame: " + frames.resolve("TP_fire-mp4_open_burning_f12.jpg")), r.out());
    }

    @Test
    void onlyRunsAndReportsTheChosenType() throws Exception {
        Path json = dataset.resolve("only.json");
        Run r = run(dataset.toString(), "--only", "unleashed_dog", "--json", json.toString(), "--no-progress");
        assertEquals(0, r.exit(), r.err());
        JsonNode root = Json.MAPPER.readTree(json.toFile());
        assertEquals(1, root.size());
        assertCounts(root.get("unleashed_dog"), 0, 2, 1, 0.0, 0.0, 0.0);
        assertFalse(r.out().contains("open_burning"), r.out());
    }

    @Test
    void badLinesAndUnreadableClipsAreCountedAndTheRestIsScored(@TempDir Path dir) throws Exception {
        Files.copy(dataset.resolve("fire.mp4"), dir.resolve("fire.mp4"));
        Files.writeString(dir.resolve("broken.mp4"), "not a video");
        Files.writeString(dir.resolve("labels.csv"), String.join("\n",
                "file,event,first_frame,last_frame",
                "fire.mp4,open_burning,10,35",
                "gone.mp4,open_burning,0,10",
                "broken.mp4,none,0,5",
                "odd.mp4,fire,0,10",
                "short.mp4,open_burning,5",
                ""));
        Path json = dir.resolve("s.json");
        Run r = run(dir.toString(), "--json", json.toString(), "--no-progress");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("labels.csv line 5: unknown event 'fire'"), r.err());
        assertTrue(r.err().contains("labels.csv line 6: expected 4 columns"), r.err());
        assertTrue(r.err().contains("gone.mp4") && r.err().contains("line 3"), r.err());
        assertTrue(r.err().contains("broken.mp4") && r.err().contains("line 4"), r.err());
        assertTrue(r.err().contains("6 error(s)"), r.err()); // 2 bad lines, 2 skipped clips, 2 unreadable
        // The readable clip still counts, and the unreadable ones are not FNs.
        assertCounts(Json.MAPPER.readTree(json.toFile()).get("open_burning"), 1, 0, 0, 1.0, 1.0, 1.0);
    }

    @Test
    void usageErrorsExitWithTwo(@TempDir Path dir) {
        assertEquals(2, run().exit());
        assertEquals(2, run(dir.toString(), "--bogus").exit());
        assertEquals(2, run(dir.toString(), "--only", "noise_exceedance").exit());
        Run noLabels = run(dir.toString());
        assertEquals(2, noLabels.exit());
        assertTrue(noLabels.err().contains("labels.csv"), noLabels.err());
    }

    @Test
    void missingSuiteClassFailsWithAClearMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = EvalMain.run(new String[] {dataset.toString(), "--suite", "org.example.NoSuchSuite"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("org.example.NoSuchSuite not found"), err.toString());
    }

    private static void assertCounts(JsonNode n, int tp, int fp, int fn, double p, double r, double f1) {
        assertEquals(tp, n.get("tp").asInt(), n.toString());
        assertEquals(fp, n.get("fp").asInt(), n.toString());
        assertEquals(fn, n.get("fn").asInt(), n.toString());
        assertEquals(p, n.get("precision").asDouble(), 1e-9, n.toString());
        assertEquals(r, n.get("recall").asDouble(), 1e-9, n.toString());
        assertEquals(f1, n.get("f1").asDouble(), 1e-9, n.toString());
    }

}
