package org.nce.gateway.hj212;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.nce.model.SensorKind;
import org.nce.model.SensorReading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated monitor that speaks HJ 212-2017 over TCP, as an installed one does: real-time
 * uploads (CN 2011) with Flag=5 (answer wanted), kept until the listener's 9014 names their QN, sent
 * again on a timeout or a new connection, reconnecting with back-off. Up to {@code window} packets
 * may wait for their answer at once (a real monitor waits for each: window 1). What it has not yet
 * sent waits in a bounded queue, like a monitor's own storage; {@link #offer} refuses when it is full.
 */
public final class Hj212Simulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Hj212Simulator.class);

    /** The device as configured at the gateway: MN, PW, kind and its factor codes (role → code). */
    public record Device(String mn, String pw, SensorKind kind, Map<String, String> factors) {
        public Device {
            factors = factors == null ? Map.of() : Map.copyOf(factors);
        }
    }

    private record Sent(String qn, String packet, long sentNanos) {
    }

    private final String host;
    private final int port;
    private final Device device;
    private final ZoneId zone;
    private final int window;
    private final long ackTimeoutMs;
    private final BlockingQueue<String> unsent;
    private final Deque<Sent> waiting = new ArrayDeque<>();
    private final Object lock = new Object();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private final Thread thread;
    private long qnCounter;
    private volatile boolean running = true;

    public Hj212Simulator(String host, int port, Device device, ZoneId zone, int window, long ackTimeoutMs, int capacity) {
        this.host = host;
        this.port = port;
        this.device = device;
        this.zone = zone;
        this.window = window;
        this.ackTimeoutMs = ackTimeoutMs;
        this.unsent = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "hj212-sim-" + device.mn());
        thread.setDaemon(true);
    }

    public Hj212Simulator start() {
        thread.start();
        return this;
    }

    /** Queues the real-time upload of {@code r} (its time becomes DataTime); false when the queue is full. */
    public boolean offer(SensorReading r) {
        return unsent.offer(realtimePacket(r));
    }

    /** The 2011 packet this simulator sends for a reading (QN unique per simulator). */
    public String realtimePacket(SensorReading r) {
        String qn;
        synchronized (lock) {
            // QN is a time to the millisecond; a counter in the last digits keeps it unique at any rate.
            qn = Hj212Writer.QN.format(Instant.ofEpochMilli(r.timestampMs()).atZone(zone)).substring(0, 14)
                    + String.format(Locale.ROOT, "%03d", qnCounter++ % 1000);
        }
        String dataTime = Hj212Writer.DATA_TIME.format(Instant.ofEpochMilli(r.timestampMs()).atZone(zone));
        StringBuilder cp = new StringBuilder("DataTime=").append(dataTime);
        if (device.kind() == SensorKind.NOISE) {
            String la = device.factors().getOrDefault("laeq", "LA");
            cp.append(';').append(la).append("-Rtd=").append(num(r.value())).append(',').append(la).append("-Flag=").append(r.flag());
            if (r.lmax() != null) {
                String lmx = device.factors().getOrDefault("lmax", "LMx");
                cp.append(';').append(lmx).append("-Rtd=").append(num(r.lmax())).append(',').append(lmx).append("-Flag=N");
            }
        } else {
            String c = device.factors().get("concentration");
            cp.append(';').append(c).append("-Rtd=").append(num(r.value())).append(',').append(c).append("-Flag=").append(r.flag());
            state(cp, "fan", r.fanOn());
            state(cp, "purifier", r.purifierOn());
        }
        String segment = "QN=" + qn + ";ST=" + (device.kind() == SensorKind.NOISE ? "23" : "32") + ";CN=2011;PW=" + device.pw()
                + ";MN=" + device.mn() + ";Flag=5;CP=&&" + cp + "&&";
        return Hj212Writer.frame(segment);
    }

    private void state(StringBuilder cp, String role, Boolean on) {
        String code = device.factors().get(role);
        if (code != null && on != null) {
            cp.append(';').append(code).append("-Rtd=").append(on ? 1 : 0).append(',').append(code).append("-Flag=N");
        }
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private void run() {
        long backoff = 200;
        while (running) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 2_000);
                s.setTcpNoDelay(true);
                s.setSoTimeout(50);
                backoff = 200;
                converse(s);
            } catch (IOException e) {
                if (running) {
                    reconnects.incrementAndGet();
                    LOG.debug("simulator {}: {}; again in {} ms", device.mn(), e.toString(), backoff);
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, 5_000);
                }
            }
        }
    }

    /** One connection: everything still unanswered first, then new packets, within the window. */
    private void converse(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        synchronized (lock) {
            for (Sent w : waiting) {
                out.write(w.packet().getBytes(StandardCharsets.US_ASCII));
                resent.incrementAndGet();
            }
            Deque<Sent> again = new ArrayDeque<>();
            waiting.forEach(w -> again.add(new Sent(w.qn(), w.packet(), System.nanoTime())));
            waiting.clear();
            waiting.addAll(again);
        }
        out.flush();
        while (running) {
            synchronized (lock) {
                while (waiting.size() < window) {
                    String p = unsent.poll();
                    if (p == null) {
                        break;
                    }
                    out.write(p.getBytes(StandardCharsets.US_ASCII));
                    waiting.add(new Sent(qnOf(p), p, System.nanoTime()));
                }
                Sent oldest = waiting.peekFirst();
                if (oldest != null && System.nanoTime() - oldest.sentNanos() > ackTimeoutMs * 1_000_000L) {
                    throw new IOException("no answer to QN " + oldest.qn() + " within " + ackTimeoutMs + " ms");
                }
            }
            out.flush();
            String line;
            try {
                line = in.readLine();
            } catch (java.net.SocketTimeoutException e) {
                if (unsent.isEmpty()) {
                    sleep(5);
                }
                continue;
            }
            if (line == null) {
                throw new IOException("listener closed the connection");
            }
            answered(line);
        }
    }

    private void answered(String line) {
        try {
            Hj212Packet a = Hj212Parser.parse(line);
            synchronized (lock) {
                if ("9014".equals(a.cn())) {
                    if (waiting.removeIf(w -> w.qn().equals(a.qn()))) {
                        acked.incrementAndGet();
                    }
                } else if ("9011".equals(a.cn())) {
                    refusals.incrementAndGet();
                    LOG.warn("simulator {}: request answer QnRtn={} for QN {}", device.mn(), a.cp().get("QnRtn"), a.qn());
                    waiting.removeIf(w -> w.qn().equals(a.qn()));
                }
            }
        } catch (Hj212Exception e) {
            LOG.warn("simulator {}: unreadable answer: {}", device.mn(), e.getMessage());
        }
    }

    private static String qnOf(String packet) {
        int at = packet.indexOf("QN=");
        return packet.substring(at + 3, at + 20);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Packets the listener has acknowledged. */
    public long acked() {
        return acked.get();
    }

    public long resent() {
        return resent.get();
    }

    public long reconnects() {
        return reconnects.get();
    }

    public long refusals() {
        return refusals.get();
    }

    /** Nothing queued and nothing waiting for an answer. */
    public boolean drained() {
        synchronized (lock) {
            return unsent.isEmpty() && waiting.isEmpty();
        }
    }

    public boolean awaitDrained(long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (!drained()) {
            if (System.currentTimeMillis() > end) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(3_000);
    }
}
