package org.nce.gateway.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
    @TempDir
    Path dir;

    @Test
    void whatWasCommittedIsThereAfterReopeningInOrder() throws Exception {
        Path file = dir.resolve("o.db");
        try (Outbox o = Outbox.open(file, 1 << 20, Outbox.Durability.FSYNC)) {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                done.add(o.append(Outbox.Lane.READINGS, "t/" + i, ("r" + i).getBytes(StandardCharsets.UTF_8)));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get();
            assertTrue(o.commits() < 1000, "group commit: " + o.commits() + " commits for 1000 appends");
            List<Outbox.Entry> first = o.after(Outbox.Lane.READINGS, 0, 10);
            o.delete(Outbox.Lane.READINGS, first.stream().map(e -> new Outbox.Acked(e.id(), e.payload().length)).toList());
        }
        try (Outbox o = Outbox.open(file, 1 << 20, Outbox.Durability.FSYNC)) {
            assertEquals(990, o.rows(Outbox.Lane.READINGS), "the deletes queued before close were committed");
            List<Outbox.Entry> all = o.after(Outbox.Lane.READINGS, 0, 2000);
            assertEquals(all.stream().mapToLong(e -> e.payload().length).sum(), o.bytes(), "bytes counted from the file");
            for (int i = 0; i < all.size(); i++) {
                assertEquals("t/" + (i + 10), all.get(i).topic());
            }
        }
    }

    /**
     * What the broker acknowledged is never handed out again, even before its delete is committed: a
     * forwarder starting again from the oldest entry after a reconnect sent a window of duplicates.
     * And an entry not handed out is either being deleted or after the last one handed out, so a
     * forwarder given nothing may move its cursor on. (Many rounds, each deleting a window and asking
     * at once, while the writer commits in between: without the filter most rounds saw acknowledged
     * entries again.)
     */
    @Test
    void acknowledgedEntriesAreNotHandedOutAgainWhileTheirDeleteWaits() throws Exception {
        try (Outbox o = Outbox.open(dir.resolve("d.db"), 64 << 20, Outbox.Durability.OS)) {
            int handedOutAgain = 0;
            for (int round = 0; round < 200; round++) {
                List<CompletableFuture<Void>> done = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    done.add(o.append(Outbox.Lane.READINGS, "t/" + round + "/" + i, new byte[100]));
                }
                CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get();
                List<Outbox.Entry> oldest = o.after(Outbox.Lane.READINGS, 0, 15);
                List<Outbox.Entry> window = oldest.subList(0, 10);
                List<Long> expected = oldest.subList(10, 15).stream().map(Outbox.Entry::id).toList();
                o.delete(Outbox.Lane.READINGS, window.stream().map(e -> new Outbox.Acked(e.id(), e.payload().length)).toList());
                java.util.Set<Long> acked = new java.util.HashSet<>();
                window.forEach(e -> acked.add(e.id()));
                List<Outbox.Entry> again = o.after(Outbox.Lane.READINGS, 0, 5); // as after a reconnect: from the oldest
                if (again.stream().anyMatch(e -> acked.contains(e.id()))) {
                    handedOutAgain++;
                } else {
                    // Passed over the window being deleted, it hands out the five after it: none skipped,
                    // never nothing (a forwarder given nothing would move its cursor past them all).
                    assertEquals(expected, again.stream().map(Outbox.Entry::id).toList(), "the five after the window");
                }
            }
            assertEquals(0, handedOutAgain, "rounds that handed out acknowledged entries again");
            // Everything not acknowledged is still there, in order, none passed over.
            List<Outbox.Entry> rest = o.after(Outbox.Lane.READINGS, 0, 10_000);
            assertEquals(200 * 20 - 200 * 10, rest.size());
            for (int i = 1; i < rest.size(); i++) {
                assertTrue(rest.get(i).id() > rest.get(i - 1).id());
            }
        }
    }

    /** A long outage: readings have filled the outbox; new frames must not push stored readings out. */
    @Test
    void framesNeverEvictStoredReadings() throws Exception {
        int max = 1 << 20;
        try (Outbox o = Outbox.open(dir.resolve("readings.db"), max, Outbox.Durability.OS)) {
            byte[] reading = new byte[1_000];
            int n = 0;
            while (o.bytes() + reading.length <= max) {
                o.append(Outbox.Lane.READINGS, "r/" + n++, reading).get();
            }
            long stored = o.rows(Outbox.Lane.READINGS);
            for (int i = 0; i < 20; i++) {
                CompletableFuture<Void> f = o.append(Outbox.Lane.FRAMES, "f/" + i, new byte[50_000]);
                assertTrue(assertThrowsExecution(f).contains("outbox full"));
            }
            assertEquals(stored, o.rows(Outbox.Lane.READINGS), "no stored reading evicted for a frame");
            assertEquals(0, o.readingsDroppedFull());
            assertEquals(20, o.framesRefusedFull());
        }
    }

    @Test
    void oneGatewayPerOutbox() throws Exception {
        Path file = dir.resolve("shared.db");
        try (Outbox first = Outbox.open(file, 1 << 20, Outbox.Durability.FSYNC)) {
            first.append(Outbox.Lane.READINGS, "t", new byte[1]).get();
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> Outbox.open(file, 1 << 20, Outbox.Durability.FSYNC));
            assertTrue(e.getMessage().contains("in use by another gateway"), e.getMessage());
        }
    }

    private static String assertThrowsExecution(CompletableFuture<Void> f) {
        try {
            f.get();
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
        throw new AssertionError("expected the append to fail");
    }

    @Test
    void whenFullFramesGoFirstAndReadingsOnlyWhenNoFrameIsLeft() throws Exception {
        int max = 1 << 20;
        try (Outbox o = Outbox.open(dir.resolve("full.db"), max, Outbox.Durability.OS)) {
            byte[] frame = new byte[100_000];
            for (int i = 0; i < 8; i++) {
                o.append(Outbox.Lane.FRAMES, "f/" + i, frame).get();
            }
            byte[] reading = new byte[1_000];
            for (int i = 0; i < 300; i++) {
                o.append(Outbox.Lane.READINGS, "r/" + i, reading).get();
            }
            assertTrue(o.bytes() <= max, o.bytes() + " > " + max);
            assertEquals(0, o.readingsDroppedFull(), "frames were there to drop");
            assertTrue(o.framesDroppedFull() >= 1);
            List<Outbox.Entry> frames = o.after(Outbox.Lane.FRAMES, 0, 100);
            assertEquals("f/7", frames.get(frames.size() - 1).topic(), "the newest frames are kept");
            for (int i = 300; i < 1_500; i++) {
                o.append(Outbox.Lane.READINGS, "r/" + i, reading).get();
            }
            assertEquals(0, o.rows(Outbox.Lane.FRAMES));
            assertTrue(o.readingsDroppedFull() > 0);
            List<Outbox.Entry> left = o.after(Outbox.Lane.READINGS, 0, 2_000);
            assertEquals("r/1499", left.get(left.size() - 1).topic(), "the oldest readings went, the newest stayed");
            assertTrue(o.bytes() <= max);
        }
    }
}
