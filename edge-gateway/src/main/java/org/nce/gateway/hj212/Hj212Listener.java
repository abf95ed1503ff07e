package org.nce.gateway.hj212;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.nce.model.SensorReading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HJ 212 TCP listener: monitors connect, send one packet a line (CRLF), and get a data
 * acknowledgement (CN 9014) for an upload whose Flag asks for one — only after the reading is
 * stored in the outbox, so a monitor never deletes data the gateway could still lose.
 *
 * <p>Every refused packet (framing, length, CRC, fields, unknown MN, wrong PW, a value no device
 * can report) becomes a {@link Refusal} (the gateway's dead letter) and a count by reason; the
 * connection stays open. A known device with the wrong PW or an unknown MN gets a 9011 answer with
 * QnRtn 3 or 4 when it asked for an answer; a packet whose CRC fails gets none (nothing in it can
 * be trusted, and the monitor sends it again). Requests other than uploads are answered 9011 with
 * QnRtn 2: the gateway executes no remote commands. One slow or broken device never holds up
 * another: each connection is read on its own, and nothing on the event loop waits for the disk.
 */
public final class Hj212Listener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Hj212Listener.class);

    /** Last packet seen from a device: for the heartbeat. */
    public record DeviceSeen(long lastSeenMs, String lastFlag, long readings) {
    }

    private final Map<String, Hj212Device> byMn;
    private final Function<String, String> passwords;
    private final ReadingMapper mapper;
    private final ReadingSink sink;
    private final SplitPackets splits = new SplitPackets(60_000, 1_000, 16L << 20);
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup workers = new NioEventLoopGroup(2);
    private final Map<String, LongAdder> refusedByKind = new ConcurrentHashMap<>();
    private final Map<String, DeviceSeen> seen = new ConcurrentHashMap<>();
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong readings = new AtomicLong();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong storeFailures = new AtomicLong();
    private final AtomicLong lostUnacknowledged = new AtomicLong();
    private final AtomicLong refusalsNotStored = new AtomicLong();
    /** Dead letters stored per remote host in the current minute: a flood of garbage is counted, not stored. */
    private final Map<String, long[]> deadLetterBudget = new ConcurrentHashMap<>();
    static final int DEAD_LETTERS_PER_MINUTE = 60;
    /** A connection that sends this many refused packets in a row (and nothing valid) is closed. */
    static final int MAX_CONSECUTIVE_REFUSALS = 200;
    private static final io.netty.util.AttributeKey<int[]> REFUSED_IN_A_ROW = io.netty.util.AttributeKey.valueOf("refusedInARow");
    private final int idleSeconds;
    private Channel server;

    /**
     * @param passwords device id → its PW (resolved from the environment once, by the caller)
     */
    public Hj212Listener(Map<String, Hj212Device> byMn, Function<String, String> passwords, ReadingMapper mapper,
                         ReadingSink sink, int idleSeconds) {
        this.byMn = Map.copyOf(byMn);
        this.passwords = passwords;
        this.mapper = mapper;
        this.sink = sink;
        this.idleSeconds = idleSeconds;
    }

    public Hj212Listener start(String host, int port) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new IdleStateHandler(idleSeconds, 0, 0, TimeUnit.SECONDS))
                                .addLast(new LineBasedFrameDecoder(Hj212Parser.MAX_PACKET, true, true))
                                .addLast(new PacketHandler());
                    }
                });
        server = b.bind(host, port).sync().channel();
        workers.scheduleAtFixedRate(this::expireSplits, 10, 10, TimeUnit.SECONDS);
        LOG.info("HJ 212 listener on {} for {} devices", server.localAddress(), byMn.size());
        return this;
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private final class PacketHandler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            byte[] raw = ByteBufUtil.getBytes(msg);
            packets.incrementAndGet();
            handle(ctx.channel(), raw);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                LOG.info("HJ 212: {} sent nothing for {} s; closing", ctx.channel().remoteAddress(), idleSeconds);
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                // The decoder skips to the next CRLF; the connection carries on.
                packets.incrementAndGet();
                refuse(ctx.channel(), new byte[0], "oversized", "line longer than " + Hj212Parser.MAX_PACKET
                        + " bytes without CRLF: not an HJ 212 packet (" + cause.getMessage() + ")", null);
            } else {
                LOG.warn("HJ 212: {}: {}; closing", ctx.channel().remoteAddress(), cause.toString());
                ctx.close();
            }
        }
    }

    private void handle(Channel ch, byte[] raw) {
        String remote = String.valueOf(ch.remoteAddress());
        Hj212Packet p;
        try {
            p = Hj212Parser.parse(raw);
        } catch (Hj212Exception e) {
            refuse(ch, raw, e.kind(), e.getMessage(), null);
            return;
        }
        Hj212Device d = byMn.get(p.mn());
        if (d == null) {
            refuse(ch, raw, "unknown_mn", "MN " + p.mn() + " is not a device of this gateway", p.mn());
            answer(ch, p, Hj212Exception.QN_RTN_MN);
            return;
        }
        String pw = passwords.apply(d.id());
        if (pw == null || !java.security.MessageDigest.isEqual(pw.getBytes(StandardCharsets.UTF_8), p.pw().getBytes(StandardCharsets.UTF_8))) {
            refuse(ch, raw, "wrong_pw", "wrong PW for MN " + p.mn() + " (device " + d.id() + ")", p.mn());
            answer(ch, p, Hj212Exception.QN_RTN_PW);
            return;
        }
        int[] inARow = ch.attr(REFUSED_IN_A_ROW).get();
        if (inARow != null) {
            inARow[0] = 0;
        }
        if (!ReadingMapper.isUpload(p.cn())) {
            count("not_upload");
            LOG.debug("HJ 212: {} sent CN {}, which is no upload; answered QnRtn 2", d.id(), p.cn());
            answer(ch, p, 2);
            return;
        }
        Hj212Packet whole = p;
        if (p.split()) {
            try {
                whole = splits.add(p, raw, System.currentTimeMillis());
            } catch (Hj212Exception e) {
                refuse(ch, raw, e.kind(), e.getMessage(), p.mn());
                return;
            }
            if (whole == null) {
                // A part: held in memory and acknowledged so the monitor sends the next one. The
                // message is kept until it is stored; parts that never complete become a dead
                // letter with their bytes. Not kept across a gateway crash (docs/edge-gateway.md).
                ack(ch, p);
                return;
            }
        }
        Hj212Packet message = whole;
        Runnable stored = () -> {
            if (p.split()) {
                splits.stored(p);
            }
            ack(ch, p);
        };
        SensorReading r;
        try {
            r = mapper.map(message, d);
        } catch (Hj212Exception e) {
            // The monitor's data is wrong, not its transmission: stored as a dead letter, then
            // acknowledged, so it is neither lost nor sent again for ever.
            // Authenticated: always stored (never only counted), since it is acknowledged afterwards.
            refuseThen(raw, remote, e.kind(), e.getMessage() + " (device " + d.id() + ")", p.mn(), stored, false);
            return;
        }
        CompletableFuture<Void> done;
        if (r == null) {
            // Running status (2021): kept and forwarded as the device's status record.
            done = sink.status(d, message);
        } else {
            done = sink.reading(r);
        }
        if (sink.busy()) {
            // Backpressure, not refusal: stop reading this connection until the outbox has caught up,
            // so a monitor that asks for no acknowledgement (Flag A=0) loses nothing either.
            ch.config().setAutoRead(false);
            done.whenComplete((ok, err) -> ch.eventLoop().execute(() -> ch.config().setAutoRead(true)));
        }
        done.whenComplete((ok, err) -> {
            if (err != null) {
                storeFailures.incrementAndGet();
                if (p.ackRequested()) {
                    LOG.warn("HJ 212: {} from {} not stored ({}); not acknowledged, the monitor will send it again",
                            r == null ? "status" : r.messageId(), d.id(), err.getMessage());
                } else {
                    lostUnacknowledged.incrementAndGet();
                    LOG.error("HJ 212: {} from {} not stored ({}) and lost: the monitor asks for no acknowledgement (Flag A=0), "
                            + "so it will not send it again", r == null ? "status" : r.messageId(), d.id(), err.getMessage());
                }
                return;
            }
            if (r != null) {
                readings.incrementAndGet();
            }
            seen.compute(d.id(), (k, old) -> new DeviceSeen(System.currentTimeMillis(), r != null ? r.flag() : old == null ? null : old.lastFlag(),
                    (old == null ? 0 : old.readings()) + (r != null ? 1 : 0)));
            stored.run();
        });
    }

    private void ack(Channel ch, Hj212Packet p) {
        if (p.ackRequested() && ch.isActive()) {
            acks.incrementAndGet();
            ch.writeAndFlush(Unpooled.copiedBuffer(Hj212Writer.dataAck(p), StandardCharsets.US_ASCII));
        }
    }

    private void answer(Channel ch, Hj212Packet p, int qnRtn) {
        if (p.ackRequested() && ch.isActive()) {
            ch.writeAndFlush(Unpooled.copiedBuffer(Hj212Writer.requestAnswer(p, qnRtn), StandardCharsets.US_ASCII));
        }
    }

    private void refuse(Channel ch, byte[] raw, String kind, String reason, String mn) {
        int[] inARow = ch.attr(REFUSED_IN_A_ROW).setIfAbsent(new int[1]);
        if (inARow == null) {
            inARow = ch.attr(REFUSED_IN_A_ROW).get();
        }
        if (++inARow[0] >= MAX_CONSECUTIVE_REFUSALS) {
            count("connection_closed");
            LOG.warn("HJ 212: {} sent {} refused packets in a row and nothing valid; closing the connection", ch.remoteAddress(), inARow[0]);
            ch.close();
        }
        refuseThen(raw, String.valueOf(ch.remoteAddress()), kind, reason, mn, () -> { }, true);
    }

    /**
     * @param budgeted true for what arrives before a device is authenticated (framing, CRC, MN, PW):
     *                 past the per-host budget it is counted, not stored. A known device's refused
     *                 data is always stored, because it is acknowledged once stored.
     */
    private void refuseThen(byte[] raw, String remote, String kind, String reason, String mn, Runnable after, boolean budgeted) {
        count(kind);
        String host = remote.contains(":") ? remote.substring(0, remote.lastIndexOf(':')) : remote;
        long minute = System.currentTimeMillis() / 60_000;
        if (deadLetterBudget.size() > 10_000) {
            deadLetterBudget.values().removeIf(b -> b[0] != minute); // old minutes of hosts long gone
        }
        long[] budget = budgeted ? deadLetterBudget.compute(host, (k, b) -> b == null || b[0] != minute ? new long[] {minute, 1}
                : new long[] {minute, b[1] + 1}) : new long[] {minute, 0};
        if (budget[1] > DEAD_LETTERS_PER_MINUTE) {
            // Counted, not stored: garbage from one peer must not crowd real readings out of the outbox.
            refusalsNotStored.incrementAndGet();
            after.run();
            return;
        }
        LOG.info("HJ 212: refused a packet from {}: {}", remote, reason);
        sink.refused(Refusal.of(raw, remote, kind, reason, mn)).whenComplete((ok, err) -> {
            if (err != null) {
                storeFailures.incrementAndGet();
                LOG.warn("HJ 212: dead letter not stored: {}", err.getMessage());
                return;
            }
            after.run();
        });
    }

    private void count(String kind) {
        refusedByKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    private void expireSplits() {
        for (SplitPackets.Expired x : splits.expire(System.currentTimeMillis())) {
            count("split_incomplete");
            sink.refused(Refusal.of(x.raw(), "-", "split_incomplete", "split message incomplete: " + x.what(), x.mn()))
                    .exceptionally(e -> {
                        storeFailures.incrementAndGet();
                        return null;
                    });
        }
    }

    /** Refused packets by reason ({@code not_upload} counts requests answered with QnRtn 2). */
    public Map<String, Long> refusedByKind() {
        Map<String, Long> out = new java.util.TreeMap<>();
        refusedByKind.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public Map<String, DeviceSeen> devicesSeen() {
        return Map.copyOf(seen);
    }

    public long packets() {
        return packets.get();
    }

    public long readings() {
        return readings.get();
    }

    public long acks() {
        return acks.get();
    }

    /** Readings from monitors that ask for no acknowledgement that could not be stored: lost. */
    public long lostUnacknowledged() {
        return lostUnacknowledged.get();
    }

    /** Refusals counted but not stored as dead letters (over the per-host budget). */
    public long refusalsNotStored() {
        return refusalsNotStored.get();
    }

    public long storeFailures() {
        return storeFailures.get();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
