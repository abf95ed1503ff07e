package org.nce.gateway.hj212;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nce.model.SensorKind;
import org.nce.model.SensorReading;

class Hj212ListenerTest {
    static final String MN = "NOISE0000000000000000001";

    final List<SensorReading> readings = new CopyOnWriteArrayList<>();
    final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    final List<Hj212Packet> statuses = new CopyOnWriteArrayList<>();
    /** When set, the store fails: the listener must not acknowledge. */
    volatile boolean storeDown;
    Hj212Listener listener;

    @BeforeEach
    void start() throws Exception {
        ReadingSink sink = new ReadingSink() {
            @Override
            public CompletableFuture<Void> reading(SensorReading r) {
                if (storeDown) {
                    return CompletableFuture.failedFuture(new IllegalStateException("disk full"));
                }
                readings.add(r);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> refused(Refusal r) {
                refusals.add(r);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> status(Hj212Device device, Hj212Packet p) {
                statuses.add(p);
                return CompletableFuture.completedFuture(null);
            }
        };
        Map<String, Hj212Device> devices = Map.of(MN, Hj212ParserTest.NOISE, "FUME00000000000000000001", Hj212ParserTest.FUME);
        listener = new Hj212Listener(devices, Map.of("noise-1", "123456", "fume-1", "654321")::get,
                new ReadingMapper("site-a", ZoneId.of("Asia/Shanghai")), sink, 60).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        listener.close();
    }

    static String upload(String mn, String pw, int second, String flag) {
        return Hj212Writer.frame(String.format("QN=20261201220000%03d;ST=23;CN=2011;PW=%s;MN=%s;Flag=%s;"
                + "CP=&&DataTime=202612012200%02d;LA-Rtd=55.%d,LA-Flag=N&&", second, pw, mn, flag, second, second % 10));
    }

    @Test
    void anUploadIsAcknowledgedOnlyOnceStored() throws Exception {
        try (Conn c = new Conn(listener.port())) {
            c.send(upload(MN, "123456", 1, "5"));
            Hj212Packet ack = Hj212Parser.parse(c.answer());
            assertEquals("9014", ack.cn());
            assertEquals("20261201220000001", ack.qn());
            assertEquals(MN + "-2011-20261201220001-LA", readings.get(0).messageId());

            storeDown = true;
            c.send(upload(MN, "123456", 2, "5"));
            assertNull(c.answerWithin(1_000), "a reading that was not stored must not be acknowledged");
            storeDown = false;
            c.send(upload(MN, "123456", 2, "5")); // the monitor sends it again
            assertEquals("9014", Hj212Parser.parse(c.answer()).cn());
            assertEquals(2, readings.size());
        }
    }

    @Test
    void unknownMnAndWrongPasswordAreRefusedWithTheirQnRtn() throws Exception {
        try (Conn c = new Conn(listener.port())) {
            c.send(upload("UNKNOWN00000000000000001", "123456", 1, "5"));
            Hj212Packet a = Hj212Parser.parse(c.answer());
            assertEquals("9011", a.cn());
            assertEquals("4", a.cp().get("QnRtn"));
            c.send(upload(MN, "000000", 2, "5"));
            assertEquals("3", Hj212Parser.parse(c.answer()).cp().get("QnRtn"));
            c.send(upload(MN, "123456", 3, "5"));
            assertEquals("9014", Hj212Parser.parse(c.answer()).cn());
        }
        assertEquals(1, readings.size());
        assertEquals(1L, listener.refusedByKind().get("unknown_mn"));
        assertEquals(1L, listener.refusedByKind().get("wrong_pw"));
        assertTrue(refusals.stream().anyMatch(r -> r.reason().contains("wrong PW") && r.preview().contains("PW=000000")));
    }

    @Test
    void splitPacketsArePutTogether() throws Exception {
        String qn = "20261201220000500";
        String p1 = Hj212Writer.frame("QN=" + qn + ";ST=23;CN=2011;PW=123456;MN=" + MN + ";Flag=7;PNUM=2;PNO=1;"
                + "CP=&&DataTime=20261201220030;LA-Rtd=60.1,LA-Flag=N&&");
        String p2 = Hj212Writer.frame("QN=" + qn + ";ST=23;CN=2011;PW=123456;MN=" + MN + ";Flag=7;PNUM=2;PNO=2;"
                + "CP=&&DataTime=20261201220030;LMx-Rtd=77.7,LMx-Flag=N&&");
        try (Conn c = new Conn(listener.port())) {
            c.send(p1);
            assertEquals("9014", Hj212Parser.parse(c.answer()).cn());
            assertTrue(readings.isEmpty(), "half a message is no reading");
            c.send(p2);
            assertEquals("9014", Hj212Parser.parse(c.answer()).cn());
        }
        assertEquals(1, readings.size());
        assertEquals(60.1, readings.get(0).value());
        assertEquals(77.7, readings.get(0).lmax());
    }

    @Test
    void aSplitMessageWhoseStoreFailedIsCompletedByTheResentLastPart() throws Exception {
        String qn = "20261201220000600";
        String p1 = Hj212Writer.frame("QN=" + qn + ";ST=23;CN=2011;PW=123456;MN=" + MN + ";Flag=7;PNUM=2;PNO=1;"
                + "CP=&&DataTime=20261201220040;LA-Rtd=61.1,LA-Flag=N&&");
        String p2 = Hj212Writer.frame("QN=" + qn + ";ST=23;CN=2011;PW=123456;MN=" + MN + ";Flag=7;PNUM=2;PNO=2;"
                + "CP=&&DataTime=20261201220040;LMx-Rtd=70.0,LMx-Flag=N&&");
        try (Conn c = new Conn(listener.port())) {
            c.send(p1);
            assertEquals("9014", Hj212Parser.parse(c.answer()).cn());
            storeDown = true;
            c.send(p2);
            assertNull(c.answerWithin(1_000), "not stored, not acknowledged");
            storeDown = false;
            c.send(p2); // the monitor sends its unanswered last part again; the first part is still held
            assertEquals("9014", Hj212Parser.parse(c.answer()).cn());
        }
        assertEquals(1, readings.size());
        assertEquals(61.1, readings.get(0).value());
        assertEquals(70.0, readings.get(0).lmax());
    }

    /**
     * A known device whose data is wrong (a factor map that does not fit): every such packet is
     * acknowledged, so every one must be stored, past the per-host budget for garbage too. (Before,
     * the 61st in a minute was acknowledged and only counted.)
     */
    @Test
    void aKnownDevicesRefusedDataIsAlwaysStoredBeforeItsAck() throws Exception {
        int n = Hj212Listener.DEAD_LETTERS_PER_MINUTE + 20;
        try (Conn c = new Conn(listener.port())) {
            for (int i = 0; i < n; i++) {
                c.send(Hj212Writer.frame(String.format("QN=20261201220000%03d;ST=23;CN=2011;PW=123456;MN=%s;Flag=5;"
                        + "CP=&&DataTime=202612012200%02d;LA-Rtd=250,LA-Flag=N&&", i, MN, i % 60)));
                assertEquals("9014", Hj212Parser.parse(c.answer()).cn());
            }
        }
        assertEquals(n, refusals.size(), "each acknowledged packet kept as a dead letter");
        assertEquals(0, listener.refusalsNotStored());
    }

    @Test
    void runningStatusIsStoredBeforeItIsAcknowledged() throws Exception {
        try (Conn c = new Conn(listener.port())) {
            c.send(Hj212Writer.frame("QN=20261201120000000;ST=32;CN=2021;PW=654321;MN=FUME00000000000000000001;Flag=5;"
                    + "CP=&&DataTime=20261201120000;FJ01-RS=1;JH01-RS=0&&"));
            assertEquals("9014", Hj212Parser.parse(c.answer()).cn());
        }
        assertEquals(1, statuses.size());
        assertEquals("0", statuses.get(0).factors().get("JH01").get("RS"));
    }

    /**
     * Random, truncated, oversized, bad-CRC, bad-length, non-ASCII and lying-length packets, mixed
     * with good ones on one connection: the listener never falls over, refuses each bad one with a
     * reason, and every good one still gets its reading and its ack, in order.
     */
    @Test
    void fuzzNeverCrashesTheListenerAndEveryBadPacketIsRefused() throws Exception {
        SplittableRandom rnd = new SplittableRandom(212);
        int good = 0;
        int bad = 0;
        try (Conn c = new Conn(listener.port())) {
            for (int i = 0; i < 400; i++) {
                String ok = upload(MN, "123456", i % 60, "4");
                String line = switch (i % 8) {
                    case 0 -> ok;
                    case 1 -> ok.substring(0, rnd.nextInt(1, ok.length() - 2)) + "\r\n";                    // truncated
                    case 2 -> "##" + "9".repeat(4) + "x".repeat(rnd.nextInt(10_000, 30_000)) + "\r\n";    // oversized
                    case 3 -> ok.substring(0, ok.length() - 6) + (ok.charAt(ok.length() - 6) == '0' ? '1' : '0') + ok.substring(ok.length() - 5); // bad CRC
                    case 4 -> "##" + String.format("%04d", rnd.nextInt(0, 9999)) + ok.substring(6);            // lying length
                    case 5 -> ok.replace("LA-Rtd", "LA-R\u00fcd");                                            // non-ASCII
                    case 6 -> randomBytes(rnd) + "\r\n";                                                       // noise
                    default -> "##0010" + ok.substring(6, 16) + "ZZZZ\r\n";                                   // short with garbage CRC
                };
                if (i % 8 == 0) {
                    good++;
                } else {
                    bad++;
                }
                c.sendRaw(line.getBytes(StandardCharsets.ISO_8859_1));
            }
            // A last good one that asks for an answer: once it is answered, everything before it was handled.
            c.send(upload(MN, "123456", 59, "5"));
            assertEquals("9014", Hj212Parser.parse(c.answer()).cn());
        }
        assertEquals(good + 1, readings.size(), "every good packet became a reading");
        long refused = listener.refusedByKind().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(bad, refused, "each bad packet refused once: " + listener.refusedByKind());
        // A flood from one peer: the first ones are stored as dead letters, the rest only counted.
        // (Two budgets when the run crosses a minute.)
        assertTrue(refusals.size() >= Hj212Listener.DEAD_LETTERS_PER_MINUTE && refusals.size() <= 2 * Hj212Listener.DEAD_LETTERS_PER_MINUTE,
                "dead letters stored within the per-host budget: " + refusals.size());
        assertEquals(bad, refusals.size() + listener.refusalsNotStored(), "every refusal stored or counted");
        assertTrue(refusals.stream().allMatch(r -> r.reason() != null && !r.reason().isBlank()));
        // And it still takes new connections.
        try (Conn c = new Conn(listener.port())) {
            c.send(upload(MN, "123456", 58, "5"));
            assertNotNull(c.answer());
        }
    }

    @Test
    void aFlagOtherThanNormalTravelsWithTheReading() throws Exception {
        try (Conn c = new Conn(listener.port())) {
            c.send(Hj212Writer.frame("QN=20261201220000001;ST=23;CN=2011;PW=123456;MN=" + MN + ";Flag=5;"
                    + "CP=&&DataTime=20261201220001;LA-Rtd=55.0,LA-Flag=D&&"));
            c.answer();
        }
        assertEquals("D", readings.get(0).flag());
        assertEquals(SensorKind.NOISE, readings.get(0).kind());
        assertEquals("D", listener.devicesSeen().get("noise-1").lastFlag());
    }

    private static String randomBytes(SplittableRandom rnd) {
        StringBuilder b = new StringBuilder();
        int n = rnd.nextInt(1, 300);
        for (int i = 0; i < n; i++) {
            char ch = (char) rnd.nextInt(1, 256);
            b.append(ch == '\n' || ch == '\r' ? 'x' : ch);
        }
        return b.toString();
    }

    /** A monitor's side of one connection. */
    static final class Conn implements AutoCloseable {
        final Socket s;
        final OutputStream out;
        final BufferedReader in;

        Conn(int port) throws Exception {
            s = new Socket("127.0.0.1", port);
            s.setSoTimeout(10_000);
            out = s.getOutputStream();
            in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        }

        void send(String packet) throws Exception {
            sendRaw(packet.getBytes(StandardCharsets.US_ASCII));
        }

        void sendRaw(byte[] b) throws Exception {
            out.write(b);
            out.flush();
        }

        String answer() throws Exception {
            return in.readLine();
        }

        String answerWithin(int ms) throws Exception {
            s.setSoTimeout(ms);
            try {
                return in.readLine();
            } catch (java.net.SocketTimeoutException e) {
                return null;
            } finally {
                s.setSoTimeout(10_000);
            }
        }

        @Override
        public void close() throws Exception {
            s.close();
        }
    }
}
