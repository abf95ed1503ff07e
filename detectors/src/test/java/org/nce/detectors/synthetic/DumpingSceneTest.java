package org.nce.detectors.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.nce.model.EventType;

class DumpingSceneTest {

    private static byte[] pixels(Mat m) {
        byte[] b = new byte[(int) (m.total() * m.channels())];
        m.data().get(b);
        return b;
    }

    @Test
    void defaultsAre640x360At10Fps() {
        DumpingScene s = DumpingScene.dumping(1);
        assertEquals(640, s.width());
        assertEquals(360, s.height());
        assertEquals(10.0, s.fps());
        try (Mat m = s.render(0)) {
            assertEquals(640, m.cols());
            assertEquals(360, m.rows());
            assertEquals(3, m.channels());
        }
    }

    @Test
    void rendersDeterministicallyForASeed() {
        try (Mat a = DumpingScene.dumping(5).render(120); Mat b = DumpingScene.dumping(5).render(120);
             Mat c = DumpingScene.dumping(6).render(120)) {
            assertArrayEquals(pixels(a), pixels(b));
            assertFalse(java.util.Arrays.equals(pixels(a), pixels(c)));
        }
    }

    @Test
    void truthIsTheDumpingIntervalOnlyForThePositiveVariant() {
        DumpingScene pos = DumpingScene.dumping(1);
        assertEquals(List.of(new SyntheticScene.Truth(EventType.MUCK_DUMPING, 90, pos.frameCount() - 1)), pos.truth());
        assertEquals(List.of(), DumpingScene.lightingAndPassing(1).truth());
        assertEquals(List.of(), DumpingScene.parkedTruck(1).truth());
    }

    @Test
    void thePileAppearsAtTheDropAndStays() {
        DumpingScene s = DumpingScene.dumping(1);
        assertTrue(meanAbsDiffInPile(s, 0, 80) < 5, "no pile before the drop");
        assertTrue(meanAbsDiffInPile(s, 0, 299) > 20, "pile at the end");
    }

    @Test
    void theTruckComesAndGoes() {
        DumpingScene s = DumpingScene.dumping(1);
        assertTrue(s.truckBox(0).isEmpty());
        assertTrue(s.truckBox(100).isPresent());
        assertTrue(s.truckBox(250).isEmpty());
        DumpingScene neg = DumpingScene.lightingAndPassing(1);
        assertTrue(neg.truckBox(90).isPresent());
        assertTrue(neg.truckBox(130).isEmpty());
    }

    @Test
    void theCloudDarkensTheWholeNegativeScene() {
        DumpingScene s = DumpingScene.lightingAndPassing(1);
        assertTrue(mean(s, 180) < 0.7 * mean(s, 20));
    }

    @Test
    void rejectsFramesOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> DumpingScene.dumping(1).render(300));
    }

    private static double mean(DumpingScene s, int i) {
        try (Mat m = s.render(i)) {
            byte[] p = pixels(m);
            long sum = 0;
            for (byte b : p) {
                sum += b & 0xff;
            }
            return (double) sum / p.length;
        }
    }

    private static double meanAbsDiffInPile(DumpingScene s, int a, int b) {
        var box = s.pileBox();
        try (Mat ma = s.render(a); Mat mb = s.render(b)) {
            byte[] pa = pixels(ma);
            byte[] pb = pixels(mb);
            long sum = 0;
            int n = 0;
            for (int y = box.y() + box.h() / 4; y < box.y() + 3 * box.h() / 4; y++) {
                for (int x = box.x() + box.w() / 4; x < box.x() + 3 * box.w() / 4; x++) {
                    for (int c = 0; c < 3; c++) {
                        int i = 3 * (y * s.width() + x) + c;
                        sum += Math.abs((pa[i] & 0xff) - (pb[i] & 0xff));
                        n++;
                    }
                }
            }
            return (double) sum / n;
        }
    }
}
