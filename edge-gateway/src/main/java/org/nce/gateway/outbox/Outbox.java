package org.nce.gateway.outbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's store-and-forward queue: every reading and frame is written here before it is
 * published, and deleted only when the broker has acknowledged it, so what the broker has not
 * taken survives a broker outage and a {@code kill -9} of the gateway, and is replayed in order.
 *
 * <p><b>Store.</b> SQLite in WAL mode, one file. It was chosen over hand-made segment files for
 * its documented crash behaviour (a committed transaction survives the process dying at any
 * point), over H2 MVStore and MapDB for the one-line "drop the oldest frames" query and its use
 * on countless embedded boxes, and over Chronicle Queue because a queue we must delete from the
 * middle (frames first) is not an append-only log.
 *
 * <p><b>Fsync policy.</b> {@link Durability#FSYNC} ({@code synchronous=FULL}, the default): every
 * commit is fsynced, so an acknowledged reading survives power loss too. {@link Durability#OS}
 * ({@code synchronous=NORMAL}): commits reach the OS but the WAL is fsynced only at checkpoints: a
 * {@code kill -9} loses nothing, a power cut may lose the last commits. Appends are group-committed
 * by one writer thread (one transaction, one fsync, for whatever arrived meanwhile), so the fsync
 * cost is paid per batch, not per reading. {@link #append} completes only after the commit, and the
 * HJ 212 listener acknowledges a packet to the monitor only then.
 *
 * <p><b>Bounds.</b> At most {@code maxBytes} of payload. When an append would go over, the oldest
 * frames are deleted first ({@code framesDroppedFull}); when no stored frame is left, incoming
 * frames are refused ({@code framesRefusedFull}); stored readings are deleted only to make room for
 * newer readings, and then at ERROR ({@code readingsDroppedFull}).
 */
public final class Outbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    public enum Lane {
        READINGS("readings"), FRAMES("frames");

        final String table;

        Lane(String table) {
            this.table = table;
        }
    }

    public enum Durability { FSYNC, OS }

    public record Entry(long id, String topic, byte[] payload) {
    }

    private record Pending(Lane lane, String topic, byte[] payload, CompletableFuture<Void> done) {
    }

    /** Frames taken into one commit at most: readings queued behind them wait for this many, no more. */
    static final int FRAMES_PER_COMMIT = 16;

    private final Connection db;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final long maxBytes;
    private final long[] bytes = new long[2];
    private final long[] rows = new long[2];
    /** Readings and frames wait for the writer apart, so a burst of frames never delays readings. */
    private final BlockingQueue<Pending> pendingReadings;
    private final BlockingQueue<Pending> pendingFrames;
    private final Thread writer;
    private volatile boolean open = true;
    private final AtomicLong framesDroppedFull = new AtomicLong();
    private final AtomicLong readingsDroppedFull = new AtomicLong();
    private final AtomicLong framesRefusedBusy = new AtomicLong();
    private final AtomicLong framesRefusedFull = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private long lastReadingDropLog;
    private volatile Throwable writerFailure;

    private Outbox(Connection db, long maxBytes, int pendingCapacity) throws SQLException {
        this.db = db;
        this.maxBytes = maxBytes;
        this.pendingReadings = new ArrayBlockingQueue<>(pendingCapacity);
        this.pendingFrames = new ArrayBlockingQueue<>(FRAMES_PER_COMMIT * 4);
        for (Lane lane : Lane.values()) {
            try (Statement s = db.createStatement();
                 ResultSet r = s.executeQuery("SELECT count(*), coalesce(sum(length(payload)), 0) FROM " + lane.table)) {
                r.next();
                rows[lane.ordinal()] = r.getLong(1);
                bytes[lane.ordinal()] = r.getLong(2);
            }
        }
        this.writer = new Thread(this::writeLoop, "outbox-writer");
        writer.setDaemon(true);
        writer.start();
    }

    public static Outbox open(Path file, long maxBytes, Durability durability) throws SQLException, java.io.IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try {
            init(db, durability);
        } catch (SQLException e) {
            db.close();
            if (String.valueOf(e.getMessage()).contains("locked") || String.valueOf(e.getMessage()).contains("BUSY")) {
                throw new IllegalStateException("outbox " + file + " is in use by another gateway process (one gateway per outbox)", e);
            }
            throw e;
        }
        db.setAutoCommit(false);
        Outbox o = new Outbox(db, maxBytes, 20_000);
        if (o.rows[0] + o.rows[1] > 0) {
            LOG.info("outbox {}: {} readings and {} frames ({} bytes) left from before, to be sent first", file,
                    o.rows[0], o.rows[1], o.bytes[0] + o.bytes[1]);
        }
        return o;
    }

    private static void init(Connection db, Durability durability) throws SQLException {
        try (Statement s = db.createStatement()) {
            // One gateway per outbox: a second process on the same file would send and delete the
            // first one's entries. Exclusive locking refuses it (SQLITE_BUSY on open).
            s.execute("PRAGMA locking_mode=EXCLUSIVE");
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=" + (durability == Durability.FSYNC ? "FULL" : "NORMAL"));
            for (Lane lane : Lane.values()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + lane.table
                        + " (id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, payload BLOB NOT NULL)");
            }
        }
    }

    /**
     * Queues a message; the future completes once it is committed (or fails: outbox closed, or too
     * many appends waiting for the writer). Never blocks.
     */
    public CompletableFuture<Void> append(Lane lane, String topic, byte[] payload) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!open) {
            done.completeExceptionally(new IllegalStateException("outbox closed"));
        } else {
            BlockingQueue<Pending> q = lane == Lane.FRAMES ? pendingFrames : pendingReadings;
            if (!q.offer(new Pending(lane, topic, payload, done))) {
                if (lane == Lane.FRAMES) {
                    framesRefusedBusy.incrementAndGet();
                }
                done.completeExceptionally(new IllegalStateException("outbox writer is " + q.size() + " " + lane.table + " behind"));
            }
        }
        return done;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        try {
            while (open || !pendingReadings.isEmpty() || !pendingFrames.isEmpty()) {
                try {
                    pendingReadings.drainTo(batch, 5_000);
                    pendingFrames.drainTo(batch, FRAMES_PER_COMMIT);
                    if (batch.isEmpty()) {
                        Pending first = pendingReadings.poll(5, TimeUnit.MILLISECONDS);
                        if (first == null) {
                            first = pendingFrames.poll();
                        }
                        if (first == null) {
                            continue;
                        }
                        batch.add(first);
                    }
                    List<Pending> refused = commit(batch);
                    for (Pending p : batch) {
                        if (refused.contains(p)) {
                            p.done.completeExceptionally(new IllegalStateException("outbox full: frame refused, readings kept"));
                        } else {
                            p.done.complete(null);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (SQLException | RuntimeException e) {
                    LOG.error("outbox: commit of {} messages failed (none stored; readings stay unacknowledged): {}", batch.size(), e.toString());
                    batch.forEach(p -> p.done.completeExceptionally(e));
                }
                batch.clear();
            }
        } catch (Throwable t) {
            // An Error (out of memory…) must not leave appends waiting for ever with nobody writing.
            writerFailure = t;
            LOG.error("outbox writer stopped: {}", t.toString(), t);
            batch.forEach(p -> p.done.completeExceptionally(t));
            for (Pending p; (p = pendingReadings.poll()) != null || (p = pendingFrames.poll()) != null; ) {
                p.done.completeExceptionally(t);
            }
            open = false;
        }
    }

    /**
     * One transaction: room made, the batch inserted, committed; counters change only once the commit
     * succeeded, and a failure rolls back while the lock is still held (so no other thread's commit on
     * the shared connection can carry half of it). Returns the incoming frames refused for room.
     */
    private List<Pending> commit(List<Pending> batch) throws SQLException {
        lock.lock();
        try {
            long[] newBytes = bytes.clone();
            long[] newRows = rows.clone();
            long droppedFrames = 0;
            long droppedReadings = 0;
            long incomingReadings = 0;
            long incomingFrames = 0;
            for (Pending p : batch) {
                if (p.lane == Lane.FRAMES) {
                    incomingFrames += p.payload.length;
                } else {
                    incomingReadings += p.payload.length;
                }
            }
            List<Pending> refused = new ArrayList<>();
            try {
                long over = newBytes[0] + newBytes[1] + incomingReadings + incomingFrames - maxBytes;
                if (over > 0) {
                    droppedFrames = evict(Lane.FRAMES, over, newBytes, newRows);
                    over = newBytes[0] + newBytes[1] + incomingReadings + incomingFrames - maxBytes;
                }
                if (over > 0 && incomingFrames > 0) {
                    // Never evict a stored reading to make room for a frame: the incoming frames go instead.
                    for (Pending p : batch) {
                        if (p.lane == Lane.FRAMES) {
                            refused.add(p);
                        }
                    }
                    over -= incomingFrames;
                }
                if (over > 0) {
                    droppedReadings = evict(Lane.READINGS, over, newBytes, newRows);
                }
                for (Lane lane : Lane.values()) {
                    try (PreparedStatement ins = db.prepareStatement("INSERT INTO " + lane.table + " (topic, payload) VALUES (?, ?)")) {
                        int n = 0;
                        for (Pending p : batch) {
                            if (p.lane == lane && !refused.contains(p)) {
                                ins.setString(1, p.topic);
                                ins.setBytes(2, p.payload);
                                ins.addBatch();
                                n++;
                                newBytes[lane.ordinal()] += p.payload.length;
                                newRows[lane.ordinal()]++;
                            }
                        }
                        if (n > 0) {
                            ins.executeBatch();
                        }
                    }
                }
                db.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackHoldingLock();
                throw e;
            }
            commits.incrementAndGet();
            System.arraycopy(newBytes, 0, bytes, 0, 2);
            System.arraycopy(newRows, 0, rows, 0, 2);
            framesDroppedFull.addAndGet(droppedFrames);
            framesRefusedFull.addAndGet(refused.size());
            if (droppedReadings > 0) {
                long total = readingsDroppedFull.addAndGet(droppedReadings);
                long now = System.nanoTime();
                if (now - lastReadingDropLog > 10_000_000_000L || lastReadingDropLog == 0) {
                    // Loud, but once per 10 s: a full outbox would otherwise log at the rate readings arrive.
                    lastReadingDropLog = now;
                    LOG.error("outbox full ({} bytes) and no frame left to drop: dropped the oldest readings, {} so far; "
                            + "raise outbox.max_bytes or bring the broker back", maxBytes, total);
                }
            }
            appended.signalAll();
            return refused;
        } finally {
            lock.unlock();
        }
    }

    /** Deletes the oldest entries of a lane until {@code over} bytes are freed (or none is left); updates the given counters. */
    private long evict(Lane lane, long over, long[] newBytes, long[] newRows) throws SQLException {
        long count = 0;
        while (over > 0 && newRows[lane.ordinal()] > 0) {
            List<Long> ids = new ArrayList<>();
            long freed = 0;
            try (PreparedStatement q = db.prepareStatement("SELECT id, length(payload) FROM " + lane.table + " ORDER BY id LIMIT 256");
                 ResultSet r = q.executeQuery()) {
                while (r.next() && freed < over) {
                    ids.add(r.getLong(1));
                    freed += r.getLong(2);
                }
            }
            if (ids.isEmpty()) {
                break;
            }
            deleteIds(lane, ids);
            newBytes[lane.ordinal()] -= freed;
            newRows[lane.ordinal()] -= ids.size();
            over -= freed;
            count += ids.size();
        }
        return count;
    }

    /** Up to {@code limit} entries of a lane with id greater than {@code afterId}, oldest first. */
    public List<Entry> after(Lane lane, long afterId, int limit) throws SQLException {
        lock.lock();
        try (PreparedStatement q = db.prepareStatement("SELECT id, topic, payload FROM " + lane.table + " WHERE id > ? ORDER BY id LIMIT ?")) {
            q.setLong(1, afterId);
            q.setInt(2, limit);
            List<Entry> out = new ArrayList<>();
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    out.add(new Entry(r.getLong(1), r.getString(2), r.getBytes(3)));
                }
            }
            db.commit(); // ends the read transaction, so the WAL can be checkpointed
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code millis} for a commit that adds entries after {@code afterId}. */
    public void awaitAfter(Lane lane, long afterId, long millis) throws InterruptedException, SQLException {
        lock.lock();
        try {
            if (rows[lane.ordinal()] == 0 || newestId(lane) <= afterId) {
                appended.await(millis, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    private long newestId(Lane lane) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT coalesce(max(id), 0) FROM " + lane.table)) {
            r.next();
            long id = r.getLong(1);
            db.commit();
            return id;
        }
    }

    /** Deletes acknowledged entries; returns how many were still there. */
    public int delete(Lane lane, Collection<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return 0;
        }
        lock.lock();
        try {
            long freed = 0;
            int n = 0;
            try (PreparedStatement len = db.prepareStatement("SELECT length(payload) FROM " + lane.table + " WHERE id = ?")) {
                for (long id : ids) {
                    len.setLong(1, id);
                    try (ResultSet r = len.executeQuery()) {
                        if (r.next()) {
                            freed += r.getLong(1);
                            n++;
                        }
                    }
                }
            }
            deleteIds(lane, ids);
            db.commit();
            bytes[lane.ordinal()] -= freed;
            rows[lane.ordinal()] -= n;
            return n;
        } catch (SQLException e) {
            rollbackHoldingLock();
            throw e;
        } finally {
            lock.unlock();
        }
    }

    private void deleteIds(Lane lane, Collection<Long> ids) throws SQLException {
        try (PreparedStatement del = db.prepareStatement("DELETE FROM " + lane.table + " WHERE id = ?")) {
            for (long id : ids) {
                del.setLong(1, id);
                del.addBatch();
            }
            del.executeBatch();
        }
    }

    /** Caller holds {@link #lock}. */
    private void rollbackHoldingLock() {
        try {
            db.rollback();
        } catch (SQLException e) {
            LOG.warn("outbox rollback: {}", e.toString());
        }
    }

    public long rows(Lane lane) {
        lock.lock();
        try {
            return rows[lane.ordinal()];
        } finally {
            lock.unlock();
        }
    }

    public long bytes() {
        lock.lock();
        try {
            return bytes[0] + bytes[1];
        } finally {
            lock.unlock();
        }
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long framesDroppedFull() {
        return framesDroppedFull.get();
    }

    public long readingsDroppedFull() {
        return readingsDroppedFull.get();
    }

    /** Frames refused because the writer was too far behind (the camera drops and counts them). */
    public long framesRefusedBusy() {
        return framesRefusedBusy.get();
    }

    /** Incoming frames refused because the outbox was full of readings (stored readings are never evicted for frames). */
    public long framesRefusedFull() {
        return framesRefusedFull.get();
    }

    /** False once the writer thread died (an Error); the heartbeat shows it. */
    public boolean writerAlive() {
        return writerFailure == null && writer.isAlive();
    }

    /** Readings waiting for the writer: the listener stops reading a connection while this is high. */
    public int pendingReadings() {
        return pendingReadings.size();
    }

    public long commits() {
        return commits.get();
    }

    /** Commits what is queued, then closes the file. */
    @Override
    public void close() throws InterruptedException {
        open = false;
        writer.join(10_000);
        lock.lock();
        try {
            db.close();
        } catch (SQLException e) {
            LOG.warn("outbox close: {}", e.toString());
        } finally {
            lock.unlock();
        }
    }
}
