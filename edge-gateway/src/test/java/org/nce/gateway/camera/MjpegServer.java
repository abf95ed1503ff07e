package org.nce.gateway.camera;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * A camera's MJPEG endpoint on 127.0.0.1: {@code multipart/x-mixed-replace} parts of JPEGs encoded
 * with OpenCV, one every {@code intervalMs}. Each connection is served afresh from part 0. On the
 * first connection only, part {@code garbageAt} is random bytes and after {@code stallAfter} parts
 * the server stops sending without closing (until {@link #close()}).
 */
final class MjpegServer implements AutoCloseable {
    private final ServerSocket socket;
    private final int intervalMs;
    private final int stallAfter;
    private final int garbageAt;
    private final List<byte[]> jpegs = new CopyOnWriteArrayList<>();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);

    MjpegServer(int intervalMs, int stallAfter, int garbageAt) throws IOException {
        this.intervalMs = intervalMs;
        this.stallAfter = stallAfter;
        this.garbageAt = garbageAt;
        for (int i = 0; i < 8; i++) {
            try (Mat m = new Mat(240, 320, CV_8UC3, new Scalar(30 * i, 120, 255 - 30 * i, 0));
                 BytePointer buf = new BytePointer()) {
                opencv_imgcodecs.imencode(".jpg", m, buf);
                byte[] b = new byte[(int) buf.limit()];
                buf.get(b);
                jpegs.add(b);
            }
        }
        socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "mjpeg-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/video.mjpg";
    }

    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                clients.add(s);
                int n = connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s, n), "mjpeg-client-" + n);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int connection) {
        try (s) {
            InputStream in = s.getInputStream();
            int last4 = 0;
            while (last4 != 0x0d0a0d0a) { // to the end of the request's headers
                int b = in.read();
                if (b < 0) {
                    return;
                }
                last4 = (last4 << 8) | b;
            }
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.0 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=frame\r\n"
                    + "Cache-Control: no-cache\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            Random random = new Random(connection);
            for (int i = 0; closed.getCount() > 0; i++) {
                byte[] part = jpegs.get(i % jpegs.size());
                if (connection == 1 && i == garbageAt) {
                    part = new byte[3000];
                    random.nextBytes(part);
                }
                out.write(("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + part.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(part);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (connection == 1 && i + 1 == stallAfter) {
                    closed.await(); // silent, connection held open
                    return;
                }
                Thread.sleep(intervalMs);
            }
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        socket.close();
        for (Socket c : clients) {
            c.close();
        }
    }
}
