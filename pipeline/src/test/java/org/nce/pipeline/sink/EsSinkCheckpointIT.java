package org.nce.pipeline.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;

/**
 * Finding 9: a checkpoint must not wait on a slow Elasticsearch. The writer's checkpoint (flush
 * without end of input, then snapshotState) returns at once and carries every document not yet
 * confirmed; a writer restored from that state writes them.
 */
class EsSinkCheckpointIT {
    static final String URL = System.getenv().getOrDefault("NCE_ES_URL", "http://127.0.0.1:9200");

    /** A loopback TCP proxy to Elasticsearch that holds every request for {@code delayMs} first. */
    static final class SlowProxy implements AutoCloseable {
        final ServerSocket server;
        final long delayMs;
        final List<Socket> sockets = new ArrayList<>();

        SlowProxy(long delayMs) throws IOException {
            this.delayMs = delayMs;
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "slow-proxy");
            t.setDaemon(true);
            t.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        void accept() {
            URI es = URI.create(URL);
            try {
                while (!server.isClosed()) {
                    Socket client = server.accept();
                    Socket upstream = new Socket();
                    upstream.connect(new InetSocketAddress(es.getHost(), es.getPort()), 2000);
                    synchronized (sockets) {
                        sockets.add(client);
                        sockets.add(upstream);
                    }
                    pump(client.getInputStream(), upstream.getOutputStream(), delayMs);
                    pump(upstream.getInputStream(), client.getOutputStream(), 0);
                }
            } catch (IOException e) {
                // closed
            }
        }

        static void pump(InputStream in, OutputStream out, long delayMs) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16384];
                try {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        if (delayMs > 0) {
                            Thread.sleep(delayMs);
                        }
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // connection closed
                }
            }, "slow-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    static EsSink.Writer<EsDoc> writer(String url, List<EsDoc> unconfirmed) {
        return new EsSink.Writer<>(Es.connect(url), d -> List.of(d), 100, 1000, new SimpleCounter(), new SimpleCounter(), new SimpleCounter(),
                "es-sender-it", unconfirmed);
    }

    static boolean found(Es.Handle es, String id) throws IOException {
        return es.client().get(g -> g.index(Es.ALERTS).id(id), Map.class).found();
    }

    @Test
    void aCheckpointDoesNotWaitOnASlowElasticsearchAndCarriesWhatIsUnconfirmed() throws Exception {
        try (Es.Handle es = Es.connect(URL); SlowProxy proxy = new SlowProxy(3_000)) {
            Es.ensureIndices(es.client());
            String run = UUID.randomUUID().toString();
            EsSink.Writer<EsDoc> w = writer(proxy.url(), List.of());
            for (int i = 0; i < 5; i++) {
                w.write(new EsDoc(Es.ALERTS, run + "-" + i, Map.of("alert_id", run + "-" + i), false), null);
            }
            // What Flink does at a checkpoint: flush (not end of input), then snapshot the writer.
            w.flush(false);
            List<EsDoc> owed = w.snapshotState(1);
            assertEquals(5, owed.size(), "every unconfirmed document is in the checkpoint");
            assertFalse(found(es, run + "-0"), "the checkpoint came back before Elasticsearch answered");
            w.flush(true); // end of input waits for them
            w.close();
            for (int i = 0; i < 5; i++) {
                assertTrue(found(es, run + "-" + i));
            }
        }
    }

    @Test
    void documentsOwedWhenElasticsearchIsAwayAreWrittenByTheRestoredWriter() throws Exception {
        String run = UUID.randomUUID().toString();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort(); // nothing listens there once closed
        }
        EsSink.Writer<EsDoc> away = writer("http://127.0.0.1:" + deadPort, List.of());
        for (int i = 0; i < 3; i++) {
            away.write(new EsDoc(Es.ALERTS, run + "-" + i, Map.of("alert_id", run + "-" + i), false), null);
        }
        away.write(new EsDoc(Es.CASES, "case-" + run, Map.of("id", "case-" + run, "status", "draft"), true), null);
        away.flush(false);
        List<EsDoc> state = away.snapshotState(7);
        away.close();
        assertEquals(4, state.size());
        // The checkpointed state survives serialization, as Flink stores it.
        EsSink.EsDocSerializer ser = new EsSink.EsDocSerializer();
        List<EsDoc> restored = new ArrayList<>();
        for (EsDoc d : state) {
            restored.add(ser.deserialize(ser.getVersion(), ser.serialize(d)));
        }
        assertEquals(state, restored);
        try (Es.Handle es = Es.connect(URL)) {
            Es.ensureIndices(es.client());
            EsSink.Writer<EsDoc> w = writer(URL, restored);
            w.flush(true);
            w.close();
            for (int i = 0; i < 3; i++) {
                assertTrue(found(es, run + "-" + i));
            }
            assertEquals("draft", es.client().get(g -> g.index(Es.CASES).id("case-" + run), Map.class).source().get("status"));
        }
    }

    /**
     * A replay writes an alert again (the job restored from a checkpoint taken before the sink
     * confirmed it): its first record stands, with what the console added to it since. Before, the
     * replay's index call replaced the document: the first {@code stored_at} and an operator's review
     * were gone.
     */
    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aReplayedAlertKeepsItsFirstRecordAndTheReviewAddedToIt() throws Exception {
        try (Es.Handle es = Es.connect(URL)) {
            Es.ensureIndices(es.client());
            String id = "replay-" + UUID.randomUUID();
            SimpleCounter again = new SimpleCounter();
            EsSink.Writer<EsDoc> first = writer(URL, List.of());
            first.write(new EsDoc(Es.ALERTS, id, Map.of("alert_id", id, "stored_at", 1), false), null);
            first.flush(true);
            first.close();
            // What the console does when an operator confirms the alert.
            es.client().update(u -> u.index(Es.ALERTS).id(id).doc(Map.of("review", Map.of("decision", "confirm"))), Map.class);
            EsSink.Writer<EsDoc> replay = new EsSink.Writer<>(Es.connect(URL), d -> List.of(d), 100, 1000, new SimpleCounter(),
                    new SimpleCounter(), again, "es-sender-replay", List.of());
            replay.write(new EsDoc(Es.ALERTS, id, Map.of("alert_id", id, "stored_at", 2), false), null);
            replay.flush(true);
            replay.close();
            Map<String, Object> doc = es.client().get(g -> g.index(Es.ALERTS).id(id), Map.class).source();
            assertEquals(1, doc.get("stored_at"), "the first record stands");
            assertEquals(Map.of("decision", "confirm"), doc.get("review"), "the operator's review stands");
            assertEquals(1, again.getCount(), "the replay's write is counted as already written");
        }
    }
}
