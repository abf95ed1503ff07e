package org.nce.detectors.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nce.model.EventType.MUCK_DUMPING;
import static org.nce.model.EventType.OPEN_BURNING;
import static org.nce.model.EventType.UNLEASHED_DOG;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nce.detectors.eval.EventScorer.ClipScore;
import org.nce.detectors.eval.EventScorer.Counts;
import org.nce.detectors.eval.EventScorer.Outcome;
import org.nce.model.Detection;
import org.nce.model.EventType;

class EventScorerTest {

    private static Detection alert(EventType type, long first, long last) {
        return new Detection(type, 0.8, List.of(), first, last, "test " + first + "-" + last);
    }

    private static LabelledInterval label(EventType type, long first, long last) {
        return new LabelledInterval(type, first, last);
    }

    private static List<Outcome> outcomes(ClipScore s) {
        return s.alerts().stream().map(EventScorer.ScoredAlert::outcome).toList();
    }

    @Test
    void firstOverlappingAlertIsATruePositive() {
        ClipScore s = EventScorer.score(List.of(label(OPEN_BURNING, 10, 50)), List.of(alert(OPEN_BURNING, 20, 30)));
        assertEquals(new Counts(1, 0, 0), s.counts(OPEN_BURNING));
        assertEquals(List.of(Outcome.TP), outcomes(s));
        assertEquals(label(OPEN_BURNING, 10, 50), s.alerts().get(0).matched());
        assertTrue(s.missed().isEmpty());
    }

    @Test
    void laterAlertsOnAMatchedIntervalAreIgnored() {
        ClipScore s = EventScorer.score(List.of(label(OPEN_BURNING, 10, 50)),
                List.of(alert(OPEN_BURNING, 12, 20), alert(OPEN_BURNING, 30, 40), alert(OPEN_BURNING, 45, 60)));
        assertEquals(new Counts(1, 0, 0), s.counts(OPEN_BURNING));
        assertEquals(List.of(Outcome.TP, Outcome.IGNORED, Outcome.IGNORED), outcomes(s));
    }

    @Test
    void alertOutsideEveryIntervalIsAFalsePositive() {
        ClipScore s = EventScorer.score(List.of(label(OPEN_BURNING, 10, 50)),
                List.of(alert(OPEN_BURNING, 60, 70), alert(OPEN_BURNING, 0, 9)));
        assertEquals(new Counts(0, 2, 1), s.counts(OPEN_BURNING));
        assertEquals(List.of(Outcome.FP, Outcome.FP), outcomes(s));
        assertNull(s.alerts().get(0).matched());
        assertEquals(List.of(label(OPEN_BURNING, 10, 50)), s.missed());
    }

    @Test
    void overlapIsInclusiveAtBothEnds() {
        // Touching the interval's first or last frame counts; one frame outside does not.
        assertEquals(1, EventScorer.score(List.of(label(MUCK_DUMPING, 10, 20)),
                List.of(alert(MUCK_DUMPING, 0, 10))).counts(MUCK_DUMPING).tp());
        assertEquals(1, EventScorer.score(List.of(label(MUCK_DUMPING, 10, 20)),
                List.of(alert(MUCK_DUMPING, 20, 40))).counts(MUCK_DUMPING).tp());
        assertEquals(new Counts(0, 1, 1), EventScorer.score(List.of(label(MUCK_DUMPING, 10, 20)),
                List.of(alert(MUCK_DUMPING, 21, 40))).counts(MUCK_DUMPING));
        assertEquals(new Counts(0, 1, 1), EventScorer.score(List.of(label(MUCK_DUMPING, 10, 20)),
                List.of(alert(MUCK_DUMPING, 0, 9))).counts(MUCK_DUMPING));
    }

    @Test
    void evidenceRangeCountsNotOnlyTheRaiseFrame() {
        // Raised at frame 25, after a 10-frame event ended, on evidence that started inside it.
        ClipScore s = EventScorer.score(List.of(label(MUCK_DUMPING, 5, 14)), List.of(alert(MUCK_DUMPING, 12, 25)));
        assertEquals(new Counts(1, 0, 0), s.counts(MUCK_DUMPING));
    }

    @Test
    void alertOfAnotherTypeNeverMatches() {
        ClipScore s = EventScorer.score(List.of(label(UNLEASHED_DOG, 0, 100)), List.of(alert(OPEN_BURNING, 10, 20)));
        assertEquals(new Counts(0, 1, 0), s.counts(OPEN_BURNING));
        assertEquals(new Counts(0, 0, 1), s.counts(UNLEASHED_DOG));
    }

    @Test
    void negativeClipMakesEveryAlertAFalsePositive() {
        ClipScore s = EventScorer.score(List.of(),
                List.of(alert(UNLEASHED_DOG, 1, 5), alert(UNLEASHED_DOG, 40, 50), alert(OPEN_BURNING, 3, 4)));
        assertEquals(new Counts(0, 2, 0), s.counts(UNLEASHED_DOG));
        assertEquals(new Counts(0, 1, 0), s.counts(OPEN_BURNING));
        assertEquals(Counts.ZERO, s.counts(MUCK_DUMPING));
    }

    @Test
    void noAlertsMeansEveryIntervalIsAFalseNegative() {
        ClipScore s = EventScorer.score(List.of(label(OPEN_BURNING, 0, 10), label(OPEN_BURNING, 50, 60),
                label(UNLEASHED_DOG, 5, 6)), List.of());
        assertEquals(new Counts(0, 0, 2), s.counts(OPEN_BURNING));
        assertEquals(new Counts(0, 0, 1), s.counts(UNLEASHED_DOG));
        assertEquals(3, s.missed().size());
    }

    @Test
    void eachIntervalNeedsItsOwnAlert() {
        List<LabelledInterval> labels = List.of(label(OPEN_BURNING, 0, 10), label(OPEN_BURNING, 50, 60));
        ClipScore s = EventScorer.score(labels, List.of(alert(OPEN_BURNING, 55, 58), alert(OPEN_BURNING, 2, 3)));
        assertEquals(new Counts(2, 0, 0), s.counts(OPEN_BURNING));
        // Raise order: the alert ending at 3 comes first even though it was listed second.
        assertEquals(3, s.alerts().get(0).alert().lastFrame());
    }

    @Test
    void anAlertSpanningTwoIntervalsIsCreditedOnceToTheEarliest() {
        List<LabelledInterval> labels = List.of(label(OPEN_BURNING, 50, 60), label(OPEN_BURNING, 0, 10));
        ClipScore s = EventScorer.score(labels, List.of(alert(OPEN_BURNING, 5, 55)));
        assertEquals(new Counts(1, 0, 1), s.counts(OPEN_BURNING));
        assertEquals(label(OPEN_BURNING, 0, 10), s.alerts().get(0).matched());
        assertEquals(List.of(label(OPEN_BURNING, 50, 60)), s.missed());
    }

    @Test
    void anAlertOverlappingAMatchedAndAnUnmatchedIntervalMatchesTheUnmatchedOne() {
        List<LabelledInterval> labels = List.of(label(OPEN_BURNING, 0, 10), label(OPEN_BURNING, 50, 60));
        ClipScore s = EventScorer.score(labels, List.of(alert(OPEN_BURNING, 2, 4), alert(OPEN_BURNING, 8, 52)));
        assertEquals(new Counts(2, 0, 0), s.counts(OPEN_BURNING));
        assertEquals(List.of(Outcome.TP, Outcome.TP), outcomes(s));
    }

    @Test
    void overlappingLabelsOfDifferentTypesAreScoredIndependently() {
        List<LabelledInterval> labels = List.of(label(MUCK_DUMPING, 0, 100), label(UNLEASHED_DOG, 0, 100));
        ClipScore s = EventScorer.score(labels, List.of(alert(UNLEASHED_DOG, 10, 20), alert(MUCK_DUMPING, 30, 40)));
        assertEquals(new Counts(1, 0, 0), s.counts(MUCK_DUMPING));
        assertEquals(new Counts(1, 0, 0), s.counts(UNLEASHED_DOG));
    }

    @Test
    void sameRaiseFrameKeepsEmissionOrder() {
        Detection a = alert(OPEN_BURNING, 5, 20);
        Detection b = alert(OPEN_BURNING, 10, 20);
        ClipScore s = EventScorer.score(List.of(label(OPEN_BURNING, 0, 30)), List.of(a, b));
        assertSame(a, s.alerts().get(0).alert());
        assertEquals(List.of(Outcome.TP, Outcome.IGNORED), outcomes(s));
    }

    @Test
    void ratiosAndTheirZeroOverZeroConvention() {
        Counts c = new Counts(3, 1, 2);
        assertEquals(0.75, c.precision(), 1e-12);
        assertEquals(0.6, c.recall(), 1e-12);
        assertEquals(2 * 0.75 * 0.6 / (0.75 + 0.6), c.f1(), 1e-12);
        assertFalse(c.precisionUndefined());

        Counts silent = new Counts(0, 0, 4); // never alerted
        assertTrue(silent.precisionUndefined());
        assertEquals(0.0, silent.precision());
        assertEquals(0.0, silent.recall());
        assertEquals(0.0, silent.f1());

        Counts nothingToFind = new Counts(0, 2, 0);
        assertTrue(nothingToFind.recallUndefined());
        assertEquals(0.0, nothingToFind.recall());
        assertEquals(0.0, nothingToFind.precision());

        assertEquals(0.0, Counts.ZERO.f1());
        assertEquals(new Counts(4, 3, 6), c.plus(new Counts(1, 2, 4)));
    }
}
