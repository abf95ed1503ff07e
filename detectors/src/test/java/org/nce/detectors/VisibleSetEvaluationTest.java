package org.nce.detectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nce.detectors.eval.Evaluation;
import org.nce.detectors.eval.EventScorer;
import org.nce.detectors.eval.LabelsCsv;
import org.nce.model.EventType;

/**
 * Runs the default detectors over the visible set with the evaluation harness (the same code as
 * {@code ./nce eval}) and prints what they did on every clip, with precision, recall and F1 per event
 * type. Quality is reported, not asserted: thresholds tuned until this test passes would be tuned to
 * these clips. It fails only if a clip cannot be evaluated. Skipped without the test data.
 */
class VisibleSetEvaluationTest {

    static Path testdata() {
        return Path.of(System.getProperty("nce.testdata", "../../shared/testdata"));
    }

    @Test
    void reportsQualityOnTheVisibleSet() throws Exception {
        Path data = testdata();
        Assumptions.assumeTrue(Files.isRegularFile(data.resolve("labels.csv")), "no test data at " + data.toAbsolutePath());
        LabelsCsv.Labels labels = LabelsCsv.read(data.resolve("labels.csv"));
        Evaluation.Result r = new Evaluation(new DefaultDetectorSuite(),
                EnumSet.of(EventType.OPEN_BURNING, EventType.MUCK_DUMPING, EventType.UNLEASHED_DOG), null).run(data, labels);
        for (Evaluation.ClipResult c : r.clips()) {
            System.out.println(c.file() + (c.failed() ? "  ERROR " + c.error() : ""));
            if (!c.failed()) {
                for (EventScorer.ScoredAlert a : c.score().alerts()) {
                    System.out.printf(Locale.ROOT, "  %-4s %s at frame %d: %s%n", a.outcome(), a.alert().type().wireName(),
                            a.alert().lastFrame(), a.alert().reason());
                }
                c.score().missed().forEach(m -> System.out.println("  FN   " + m));
            }
        }
        for (Evaluation.TypeStats s : r.stats().values()) {
            System.out.printf(Locale.ROOT, "%-14s TP %d FP %d FN %d  precision %.2f recall %.2f F1 %.2f  %.0f fps%n",
                    s.type().wireName(), s.counts().tp(), s.counts().fp(), s.counts().fn(), s.counts().precision(),
                    s.counts().recall(), s.counts().f1(), s.fps());
        }
        assertEquals(List.of(), r.errors(), "every labelled clip is readable and evaluated");
    }
}
