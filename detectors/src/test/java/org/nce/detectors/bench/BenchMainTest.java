package org.nce.detectors.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nce.detectors.Detector;
import org.nce.detectors.eval.DetectorSuite;
import org.nce.detectors.eval.EvalMain;
import org.nce.model.EventType;
import org.nce.model.Json;

/**
 * Runs the real JMH wiring in this JVM (forks = 0) with tiny iterations, synthetic frames and a
 * fake suite: checks the plumbing (params, state reporting, table, JSON), not the numbers.
 */
class BenchMainTest {

    private static final BenchMain.Timing TINY = new BenchMain.Timing(1, 100, 1, 200, 0);

    @TempDir
    Path dir;

    private Properties saved;

    @BeforeEach
    void saveProperties() {
        saved = (Properties) System.getProperties().clone();
    }

    @AfterEach
    void restoreProperties() {
        System.setProperties(saved);
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(BenchMain.Options options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = BenchMain.run(options, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private BenchMain.Options options(Class<? extends DetectorSuite> suite, List<EventType> types, Path json) {
        return new BenchMain.Options(TINY, json, types,
                new BenchConfig(suite.getName(), dir.resolve("no-testdata"), 20, true, null));
    }

    @Test
    void measuresDecodeAndEveryDetectorAndWritesTheJson() throws Exception {
        Path json = dir.resolve("bench.json");
        Run r = run(options(FrameDiffFakeSuite.class, EvalMain.CAMERA_TYPES, json));
        assertEquals(0, r.exit(), r.err());

        JsonNode root = Json.MAPPER.readTree(json.toFile());
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("open_burning", "muck_dumping", "unleashed_dog", "jpeg_decode"), keys);
        for (String k : keys) {
            JsonNode n = root.get(k);
            double ms = n.get("ms_per_frame").asDouble();
            assertTrue(ms > 0, n.toString());
            assertEquals(1000.0 / ms, n.get("fps_per_core").asDouble(), 0.1 + 1e-3 * 1000.0 / ms, n.toString());
        }
        double expectedMb = FrameDiffFakeSuite.STATE_BYTES / (1024.0 * 1024.0);
        assertEquals(expectedMb, root.get("unleashed_dog").get("state_mb").asDouble(), 0.001);
        assertTrue(!root.get("jpeg_decode").has("state_mb"));

        assertTrue(r.out().contains("machine: "), r.out());
        assertTrue(r.out().contains("synthetic moving blob (20 frames)"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("jpeg_decode")), r.out());
    }

    @Test
    void aTypeMissingFromTheSuiteIsReportedAndTheRestStillRuns() throws Exception {
        Path json = dir.resolve("partial.json");
        Run r = run(options(FireOnlySuite.class, List.of(EventType.OPEN_BURNING, EventType.UNLEASHED_DOG), json));
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("has no unleashed_dog detector"), r.err());
        JsonNode root = Json.MAPPER.readTree(json.toFile());
        assertTrue(root.has("open_burning") && root.has("jpeg_decode") && !root.has("unleashed_dog"), root.toString());
    }

    @Test
    void commandLineErrorsExitWithTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, BenchMain.run(new String[] {"--only", "fire"}, sink, errStream));
        assertEquals(2, BenchMain.run(new String[] {"--frames", "x"}, sink, errStream));
        assertEquals(2, BenchMain.run(new String[] {"--bogus"}, sink, errStream));
        assertEquals(2, BenchMain.run(new String[] {"--suite", "org.example.Missing", "--forks", "0"}, sink, errStream));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("org.example.Missing not found"), err.toString());
    }

    @Test
    void parsesOptions() {
        BenchMain.Options o = BenchMain.parse(new String[] {"--quick", "--only", "muck_dumping", "--frames", "30",
            "--synthetic", "--forks", "0", "--suite", "x.Y", "--json", "out.json"});
        assertEquals(BenchMain.Timing.QUICK.withForks(0), o.timing());
        assertEquals(List.of(EventType.MUCK_DUMPING), o.types());
        assertEquals(30, o.config().frameCount());
        assertTrue(o.config().synthetic());
        assertEquals("x.Y", o.config().suiteClass());
        assertEquals(Path.of("out.json"), o.json());
        assertEquals(BenchMain.Timing.FULL, BenchMain.parse(new String[0]).timing());
    }

    @Test
    void cpuModelComesFromProcCpuinfo() throws Exception {
        Path cpuinfo = Files.writeString(dir.resolve("cpuinfo"),
                "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Test CPU @ 2.00GHz\n");
        assertEquals("Test CPU @ 2.00GHz", MachineInfo.cpuModel(cpuinfo));
        assertEquals("unknown", MachineInfo.cpuModel(dir.resolve("missing")));
    }

    /** A suite with a fire detector only. */
    public static class FireOnlySuite implements DetectorSuite {
        @Override
        public List<Detector> create(String cameraId) {
            return List.of(new FrameDiffFakeSuite.DiffDetector(EventType.OPEN_BURNING));
        }
    }
}
