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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's store-and-forward queue: every reading and frame is written here before it is
 * published, and deleted only when the broker has acknowledged it, so what the broker has not
 * taken survives a broker outage and a {@code kill -9} of the gateway, and is replayed in order.
 *
 * <p><b>Store.</b> SQLite in WAL mode, a file per lane ({@code path} for readings,
 * {@code path.frames} for frames), each with its own writer thread: a reading never waits for a
 * commit that carries frames, nor for their fsync or checkpoint. It was chosen over hand-made segment files for
 * its documented crash behaviour (a committed transaction survives the process dying at any
 * point), over H2 MVStore and MapDB for the one-line "drop the oldest frames" query and its use
 * on countless embedded boxes, and over Chronicle Queue because a queue we must delete from the
 * middle (frames first) is not an append-only log.
 *
 * <p><b>Fsync policy.</b> Readings: {@link Durability#FSYNC} ({@code synchronous=FULL}, the default):
 * every commit is fsynced, so an acknowledged reading survives power loss too. Frames always
 * {@code synchronous=NORMAL} (a {@code kill -9} loses none; a power cut may lose the last second of
 * them; and the disk is spared an fsync per frame commit). {@link Durability#OS}
 * ({@code synchronous=NORMAL}): commits reach the OS but the WAL is fsynced only at checkpoints: a
 * {@code kill -9} loses nothing, a power cut may lose the last commits. Appends are group-committed
 * by one writer thread (one transaction, one fsync, for whatever arrived meanwhile), so the fsync
 * cost is paid per batch, not per reading. {@link #append} completes only after the commit, and the
 * HJ 212 listener acknowledges a packet to the monitor only then.
 *
 * <p><b>Threads.</b> Per lane, one writer thread owns the write connection: appends, evictions and
 * the deletes of acknowledged entries ride in its transactions (one fsync for all of them).
 * Forwarders read through a second connection (WAL lets it read while the writer commits), so
 * reading the next entries never waits for an fsync. When the outbox is full, the readings writer
 * asks the frames writer to evict (one writer per file, always) and waits for it.
 *
 * <p><b>Bounds.</b> At most {@code maxBytes} of payload in both files. When an append would go over,
 * the oldest frames are deleted first ({@code framesDroppedFull}); when no stored frame is left,
 * incoming frames are refused ({@code framesRefusedFull}); stored readings are deleted only to make
 * room for newer readings, and then at ERROR ({@code readingsDroppedFull}).
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

    /** An entry the broker acknowledged: its id, and its size for the byte count. */
    public record Acked(long id, int size) {
    }

    /**
     * Frames taken into one commit at most (count, and bytes once one is in): what arrives meanwhile
     * waits for one commit of this size at most.
     */
    static final int FRAMES_PER_COMMIT = 16;
    static final long FRAME_BYTES_PER_COMMIT = 1L << 20;

    private final Store readings;
    private final Store frames;
    private final java.nio.channels.FileChannel lockFile;
    private final java.nio.channels.FileLock fileLock;
    private final long maxBytes;
    private final AtomicLong framesDroppedFull = new AtomicLong();
    private final AtomicLong readingsDroppedFull = new AtomicLong();
    private final AtomicLong framesRefusedBusy = new AtomicLong();
    private final AtomicLong framesRefusedFull = new AtomicLong();
    private volatile long lastReadingDropLog;
    private volatile java.util.function.Consumer<Throwable> failureHandler = t -> { };

    private Outbox(Path file, Durability durability, long maxBytes, java.nio.channels.FileChannel lockFile,
                   java.nio.channels.FileLock fileLock) throws SQLException {
        this.maxBytes = maxBytes;
        this.lockFile = lockFile;
        this.fileLock = fileLock;
        // Room for every connection's read buffer of lines beyond the listener's backpressure mark.
        this.readings = new Store(Lane.READINGS, file, durability, 100_000);
        Store f;
        try {
            f = new Store(Lane.FRAMES, framesFile(file), Durability.OS, FRAMES_PER_COMMIT * 4);
        } catch (SQLException | RuntimeException e) {
            readings.closeConnections();
            throw e;
        }
        this.frames = f;
        readings.start();
        frames.start();
    }

    /** Where the frames lane lives: beside the readings file. */
    public static Path framesFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".frames");
    }

    public static Outbox open(Path file, long maxBytes, Durability durability) throws SQLException, java.io.IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        // One gateway per outbox: a second process on the same files would send and delete the first
        // one's entries. An OS file lock beside the database refuses it (and is released if we die).
        java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new IllegalStateException("outbox " + file + " is in use by another gateway process (one gateway per outbox)");
        }
        try {
            Outbox o = new Outbox(file, durability, maxBytes, ch, lock);
            if (o.readings.rows() + o.frames.rows() > 0) {
                LOG.info("outbox {}: {} readings and {} frames ({} bytes) left from before, to be sent first", file,
                        o.readings.rows(), o.frames.rows(), o.bytes());
            }
            return o;
        } catch (SQLException | RuntimeException e) {
            lock.release();
            ch.close();
            throw e;
        }
    }

    private Store store(Lane lane) {
        return lane == Lane.FRAMES ? frames : readings;
    }

    /**
     * Queues a message; the future completes once it is committed (or fails: outbox closed, too
     * many appends waiting for the writer, or — a frame — no room without evicting readings). Never blocks.
     */
    public CompletableFuture<Void> append(Lane lane, String topic, byte[] payload) {
        return store(lane).append(topic, payload);
    }

    /**
     * Up to {@code limit} committed entries of a lane with id greater than {@code afterId}, oldest
     * first, leaving out those already deleted with {@link #delete} (even before that commits).
     */
    public List<Entry> after(Lane lane, long afterId, int limit) throws SQLException {
        return store(lane).after(afterId, limit);
    }

    /** Waits up to {@code millis} for a commit that adds entries after {@code afterId}. */
    public void awaitAfter(Lane lane, long afterId, long millis) throws InterruptedException {
        store(lane).awaitAfter(afterId, millis);
    }

    /**
     * Deletes acknowledged entries, in the lane writer's next transaction (a delete lost in a crash
     * only means the entry is sent again, and recognised downstream by its message id). Never blocks.
     */
    public void delete(Lane lane, Collection<Acked> acked) {
        Store st = store(lane);
        for (Acked a : acked) {
            st.deleting.add(a.id()); // first: after() must not hand it out again while the delete waits
        }
        st.pendingDeletes.addAll(acked);
    }

    public long rows(Lane lane) {
        return store(lane).rows();
    }

    public long bytes() {
        return readings.bytes() + frames.bytes();
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

    /** False once a writer thread died (an Error); the heartbeat shows it. */
    public boolean writerAlive() {
        return readings.alive() && frames.alive();
    }

    /** The highest id committed in a lane (every entry up to it is visible to {@link #after}). */
    public long maxId(Lane lane) {
        Store st = store(lane);
        st.state.lock();
        try {
            return st.maxId;
        } finally {
            st.state.unlock();
        }
    }

    /**
     * Called once if a lane's writer dies (an Error): the gateway cannot store any more, so the
     * process should end and be restarted by its supervisor (what was committed survives).
     */
    public void onWriterFailure(java.util.function.Consumer<Throwable> handler) {
        this.failureHandler = handler;
    }

    /** Readings waiting for the writer: the listener stops reading a connection while this is high. */
    public int pendingReadings() {
        return readings.pending.size();
    }

    /** Commits of the readings lane (group commit: fewer than appends). */
    public long commits() {
        return readings.commits.get();
    }

    /** Commits what is queued (appends and deletes), then closes the files and releases the lock. */
    @Override
    public void close() throws InterruptedException {
        readings.stop();
        frames.stop();
        readings.closeConnections();
        frames.closeConnections();
        try {
            fileLock.release();
            lockFile.close();
        } catch (java.io.IOException e) {
            LOG.warn("outbox lock: {}", e.toString());
        }
    }

    private record Pending(String topic, byte[] payload, CompletableFuture<Void> done) {
    }

    private record EvictRequest(long bytes, CompletableFuture<Long> freed) {
    }

    /** One lane: its file, its writer thread and connection, a reader connection, its counters. */
    private final class Store {
        final Lane lane;
        final String table;
        final Connection writeDb;
        final Connection readDb;
        /** Bytes the readings writer needs freed (outbox full), done by this lane's own writer. */
        final ConcurrentLinkedQueue<EvictRequest> evictRequests = new ConcurrentLinkedQueue<>();
        final BlockingQueue<Pending> pending;
        final ConcurrentLinkedQueue<Acked> pendingDeletes = new ConcurrentLinkedQueue<>();
        /**
         * Ids whose delete is queued or in a transaction not yet committed: {@link #after} passes over
         * them, so a forwarder starting again from the oldest entry after a reconnect does not send
         * what the broker already acknowledged (it did: a window's worth of duplicates per reconnect).
         */
        final java.util.Set<Long> deleting = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final ReentrantLock state = new ReentrantLock();
        final Condition appended = state.newCondition();
        final AtomicLong commits = new AtomicLong();
        final Thread writer;
        long bytes;
        long rows;
        long maxId;
        volatile boolean open = true;
        volatile Throwable failure;

        Store(Lane lane, Path file, Durability durability, int capacity) throws SQLException {
            this.lane = lane;
            this.table = lane.table;
            org.sqlite.SQLiteConfig cfg = new org.sqlite.SQLiteConfig();
            cfg.setJournalMode(org.sqlite.SQLiteConfig.JournalMode.WAL);
            cfg.setSynchronous(durability == Durability.FSYNC ? org.sqlite.SQLiteConfig.SynchronousMode.FULL
                    : org.sqlite.SQLiteConfig.SynchronousMode.NORMAL);
            cfg.setBusyTimeout(10_000);
            String url = "jdbc:sqlite:" + file.toAbsolutePath();
            Connection w = DriverManager.getConnection(url, cfg.toProperties());
            Connection r = null;
            try {
                try (Statement s = w.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + table
                            + " (id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, payload BLOB NOT NULL)");
                    try (ResultSet rs = s.executeQuery("SELECT count(*), coalesce(sum(length(payload)), 0), coalesce(max(id), 0) FROM " + table)) {
                        rs.next();
                        rows = rs.getLong(1);
                        bytes = rs.getLong(2);
                        maxId = rs.getLong(3);
                    }
                }
                w.setAutoCommit(false);
                r = DriverManager.getConnection(url, cfg.toProperties());
            } catch (SQLException | RuntimeException ex) {
                for (Connection c : new Connection[] {r, w}) {
                    if (c != null) {
                        c.close();
                    }
                }
                throw ex;
            }
            writeDb = w;
            readDb = r;
            pending = new ArrayBlockingQueue<>(capacity);
            writer = new Thread(this::writeLoop, "outbox-writer-" + table);
            writer.setDaemon(true);
        }

        void start() {
            writer.start();
        }

        CompletableFuture<Void> append(String topic, byte[] payload) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            if (!open) {
                done.completeExceptionally(new IllegalStateException("outbox closed"));
            } else if (!pending.offer(new Pending(topic, payload, done))) {
                if (lane == Lane.FRAMES) {
                    framesRefusedBusy.incrementAndGet();
                }
                done.completeExceptionally(new IllegalStateException("outbox writer is " + pending.size() + " " + table + " behind"));
            } else if (!open && pending.remove(new Pending(topic, payload, done))) {
                // Closed between the check and the offer: the writer may be gone already.
                done.completeExceptionally(new IllegalStateException("outbox closed"));
            }
            return done;
        }

        private void writeLoop() {
            List<Pending> batch = new ArrayList<>();
            List<Acked> deletes = new ArrayList<>();
            try {
                while (open || !pending.isEmpty() || !pendingDeletes.isEmpty()) {
                    try {
                        for (EvictRequest q; (q = evictRequests.poll()) != null; ) {
                            evictFor(q);
                        }
                        if (lane == Lane.FRAMES) {
                            long frameBytes = 0;
                            for (int n = 0; n < FRAMES_PER_COMMIT && frameBytes < FRAME_BYTES_PER_COMMIT; n++) {
                                Pending f = pending.poll();
                                if (f == null) {
                                    break;
                                }
                                batch.add(f);
                                frameBytes += f.payload.length;
                            }
                        } else {
                            pending.drainTo(batch, 5_000);
                        }
                        for (Acked a; deletes.size() < 20_000 && (a = pendingDeletes.poll()) != null; ) {
                            deletes.add(a);
                        }
                        if (batch.isEmpty() && deletes.isEmpty()) {
                            Pending first = pending.poll(5, TimeUnit.MILLISECONDS);
                            if (first == null) {
                                continue;
                            }
                            batch.add(first);
                        }
                        boolean refuseAll = commit(batch, deletes);
                        if (!deletes.isEmpty()) {
                            // Under the reader's lock: a query under way may have read before the commit
                            // and still checks these ids; any later query reads after it and finds none.
                            synchronized (readDb) {
                                for (Acked a : deletes) {
                                    deleting.remove(a.id());
                                }
                            }
                        }
                        for (Pending p : batch) {
                            if (refuseAll) {
                                p.done.completeExceptionally(new IllegalStateException("outbox full: frame refused, readings kept"));
                            } else {
                                p.done.complete(null);
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    } catch (SQLException | RuntimeException e) {
                        LOG.error("outbox {}: commit of {} messages failed (none stored; readings stay unacknowledged): {}", table,
                                batch.size(), e.toString());
                        batch.forEach(p -> p.done.completeExceptionally(e));
                        pendingDeletes.addAll(deletes); // tried again next commit (a row is never counted twice)
                    }
                    batch.clear();
                    deletes.clear();
                }
            } catch (Throwable t) {
                // An Error (out of memory…) must not leave appends waiting for ever with nobody writing.
                failure = t;
                LOG.error("outbox writer {} stopped: {}", table, t.toString(), t);
                batch.forEach(p -> p.done.completeExceptionally(t));
                failureHandler.accept(t);
            } finally {
                // Closed, interrupted or failed: nothing queued may wait for ever.
                open = false;
                IllegalStateException closed = new IllegalStateException("outbox " + table + " writer stopped");
                for (Pending p; (p = pending.poll()) != null; ) {
                    p.done.completeExceptionally(closed);
                }
                for (EvictRequest q; (q = evictRequests.poll()) != null; ) {
                    q.freed().completeExceptionally(closed);
                }
            }
        }

        /**
         * One transaction: acknowledged entries deleted, room made, the batch inserted, committed;
         * counters change by what the commit did, only once it succeeded. True when the batch (frames)
         * was refused for room.
         */
        private boolean commit(List<Pending> batch, List<Acked> deletes) throws SQLException {
            long removedBytes = 0;
            long removedRows = 0;
            long incoming = 0;
            for (Pending p : batch) {
                incoming += p.payload.length;
            }
            boolean refuse = false;
            long droppedOwn = 0;
            long newMax = -1;
            try {
                if (!deletes.isEmpty()) {
                    int[] counts = deleteIds(writeDb, table, deletes.stream().map(Acked::id).toList());
                    for (int i = 0; i < counts.length; i++) {
                        if (counts[i] > 0) { // an entry evicted meanwhile is not counted twice
                            removedBytes += deletes.get(i).size();
                            removedRows++;
                        }
                    }
                }
                long over = bytes() - removedBytes + other().bytes() + incoming - maxBytes;
                if (over > 0 && lane == Lane.FRAMES) {
                    if (bytes() - removedBytes >= over) {
                        long[] freed = evict(writeDb, table, over);
                        removedBytes += freed[0];
                        removedRows += freed[1];
                        droppedOwn = freed[1];
                    } else {
                        // Stored frames cannot make the room (readings fill the outbox): keep them and
                        // refuse the incoming ones; a stored reading is never evicted for a frame.
                        refuse = true;
                    }
                } else if (over > 0) {
                    over -= frames.evictForReadings(over); // frames go first
                    if (over > 0) {
                        long[] freed = evict(writeDb, table, over);
                        removedBytes += freed[0];
                        removedRows += freed[1];
                        droppedOwn = freed[1];
                    }
                }
                if (!refuse && !batch.isEmpty()) {
                    try (PreparedStatement ins = writeDb.prepareStatement("INSERT INTO " + table + " (topic, payload) VALUES (?, ?)")) {
                        for (Pending p : batch) {
                            ins.setString(1, p.topic);
                            ins.setBytes(2, p.payload);
                            ins.addBatch();
                        }
                        ins.executeBatch();
                    }
                    try (Statement s = writeDb.createStatement(); ResultSet r = s.executeQuery("SELECT max(id) FROM " + table)) {
                        r.next();
                        newMax = r.getLong(1);
                    }
                }
                writeDb.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    writeDb.rollback();
                } catch (SQLException re) {
                    LOG.warn("outbox rollback: {}", re.toString());
                }
                throw e;
            }
            commits.incrementAndGet();
            if (lane == Lane.FRAMES) {
                framesDroppedFull.addAndGet(droppedOwn);
                if (refuse) {
                    framesRefusedFull.addAndGet(batch.size());
                }
            } else if (droppedOwn > 0) {
                readingsDropped(droppedOwn);
            }
            state.lock();
            try {
                bytes += (refuse ? 0 : incoming) - removedBytes;
                rows += (refuse ? 0 : batch.size()) - removedRows;
                if (newMax >= 0) {
                    maxId = newMax;
                }
                appended.signalAll();
            } finally {
                state.unlock();
            }
            return refuse;
        }

        /** The readings writer needs {@code over} bytes: the oldest frames go, in this lane's writer; returns what was freed. */
        long evictForReadings(long over) throws SQLException {
            if (rows() == 0) {
                return 0;
            }
            if (!alive()) {
                // Frames are on disk but nobody can delete them: refuse rather than evict readings first.
                throw new SQLException("the frames writer is stopped; no room made (frames first)");
            }
            EvictRequest q = new EvictRequest(over, new CompletableFuture<>());
            evictRequests.add(q);
            try {
                return q.freed().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while the frames writer made room", e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new SQLException("the frames writer could not make room: " + e, e);
            }
        }

        private void evictFor(EvictRequest q) {
            try {
                long[] freed;
                try {
                    freed = evict(writeDb, table, q.bytes());
                    writeDb.commit();
                } catch (SQLException | RuntimeException e) {
                    writeDb.rollback();
                    throw e;
                }
                framesDroppedFull.addAndGet(freed[1]);
                state.lock();
                try {
                    bytes -= freed[0];
                    rows -= freed[1];
                } finally {
                    state.unlock();
                }
                q.freed().complete(freed[0]);
            } catch (SQLException | RuntimeException e) {
                q.freed().completeExceptionally(e);
            }
        }

        Store other() {
            return lane == Lane.FRAMES ? readings : frames;
        }

        /**
         * Up to {@code limit} entries after {@code afterId}, oldest first, passing over those being
         * deleted. It reads on past them until it has {@code limit} or there are no more rows, so an
         * entry it does not return is either being deleted or after the last one it returns (or
         * not yet committed): a caller may move its cursor to what was committed when it gets none.
         */
        List<Entry> after(long afterId, int limit) throws SQLException {
            List<Entry> out = new ArrayList<>();
            long from = afterId;
            synchronized (readDb) {
                try (PreparedStatement q = readDb.prepareStatement("SELECT id, topic, payload FROM " + table + " WHERE id > ? ORDER BY id LIMIT ?")) {
                    while (out.size() < limit) {
                        // Pages of at least 32 rows: after a reconnect many marked ids can lead the lane,
                        // and a query per entry would hold the reader (and the writer's unmarking) long.
                        int page = Math.max(limit - out.size(), 32);
                        q.setLong(1, from);
                        q.setInt(2, page);
                        int seen = 0;
                        try (ResultSet r = q.executeQuery()) {
                            while (out.size() < limit && r.next()) {
                                seen++;
                                from = r.getLong(1);
                                if (!deleting.contains(from)) {
                                    out.add(new Entry(from, r.getString(2), r.getBytes(3))); // payload read only when kept
                                }
                            }
                        }
                        if (seen < page) {
                            break; // no more rows, or enough
                        }
                    }
                }
            }
            return out;
        }

        void awaitAfter(long afterId, long millis) throws InterruptedException {
            state.lock();
            try {
                if (maxId <= afterId) {
                    appended.await(millis, TimeUnit.MILLISECONDS);
                }
            } finally {
                state.unlock();
            }
        }

        long rows() {
            state.lock();
            try {
                return rows;
            } finally {
                state.unlock();
            }
        }

        long bytes() {
            state.lock();
            try {
                return bytes;
            } finally {
                state.unlock();
            }
        }

        boolean alive() {
            return failure == null && writer.isAlive();
        }

        void stop() throws InterruptedException {
            open = false;
            writer.join(10_000);
        }

        void closeConnections() {
            for (Connection c : new Connection[] {readDb, writeDb}) {
                try {
                    synchronized (c) {
                        c.close();
                    }
                } catch (SQLException e) {
                    LOG.warn("outbox close: {}", e.toString());
                }
            }
        }
    }

    private void readingsDropped(long n) {
        long total = readingsDroppedFull.addAndGet(n);
        long now = System.nanoTime();
        if (now - lastReadingDropLog > 10_000_000_000L || lastReadingDropLog == 0) {
            // Loud, but once per 10 s: a full outbox would otherwise log at the rate readings arrive.
            lastReadingDropLog = now;
            LOG.error("outbox full ({} bytes) and no frame left to drop: dropped the oldest readings, {} so far; "
                    + "raise outbox.max_bytes or bring the broker back", maxBytes, total);
        }
    }

    /** Deletes the oldest entries of a table until {@code over} bytes are freed (or none is left): {bytes, rows}. */
    private static long[] evict(Connection db, String table, long over) throws SQLException {
        long freedBytes = 0;
        long freedRows = 0;
        while (freedBytes < over) {
            List<Long> ids = new ArrayList<>();
            long freed = 0;
            try (PreparedStatement q = db.prepareStatement("SELECT id, length(payload) FROM " + table + " ORDER BY id LIMIT 256");
                 ResultSet r = q.executeQuery()) {
                while (r.next() && freedBytes + freed < over) {
                    ids.add(r.getLong(1));
                    freed += r.getLong(2);
                }
            }
            if (ids.isEmpty()) {
                break;
            }
            deleteIds(db, table, ids);
            freedBytes += freed;
            freedRows += ids.size();
        }
        return new long[] {freedBytes, freedRows};
    }

    private static int[] deleteIds(Connection db, String table, List<Long> ids) throws SQLException {
        try (PreparedStatement del = db.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            for (long id : ids) {
                del.setLong(1, id);
                del.addBatch();
            }
            return del.executeBatch();
        }
    }
}
