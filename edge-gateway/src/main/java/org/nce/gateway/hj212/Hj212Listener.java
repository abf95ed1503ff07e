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
    private final SplitPackets splits = new SplitPackets(60_000, 1_000);
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup workers = new NioEventLoopGroup(2);
    private final Map<String, LongAdder> refusedByKind = new ConcurrentHashMap<>();
    private final Map<String, DeviceSeen> seen = new ConcurrentHashMap<>();
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong readings = new AtomicLong();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong storeFailures = new AtomicLong();
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
        if (!ReadingMapper.isUpload(p.cn())) {
            count("not_upload");
            LOG.debug("HJ 212: {} sent CN {}, which is no upload; answered QnRtn 2", d.id(), p.cn());
            answer(ch, p, 2);
            return;
        }
        Hj212Packet whole = p;
        if (p.split()) {
            try {
                whole = splits.add(p, System.currentTimeMillis());
            } catch (Hj212Exception e) {
                refuse(ch, raw, e.kind(), e.getMessage(), p.mn());
                return;
            }
            if (whole == null) {
                // A part: taken into memory, acknowledged so the monitor sends the next one. A gateway
                // killed before the last part loses the parts it had (docs/edge-gateway.md).
                ack(ch, p);
                return;
            }
        }
        SensorReading r;
        try {
            r = mapper.map(whole, d);
        } catch (Hj212Exception e) {
            // The monitor's data is wrong, not its transmission: stored as a dead letter, then
            // acknowledged, so it is neither lost nor sent again for ever.
            Hj212Packet ackFor = p;
            refuseThen(raw, remote, e.kind(), e.getMessage() + " (device " + d.id() + ")", p.mn(), () -> ack(ch, ackFor));
            return;
        }
        if (r == null) {
            seen.compute(d.id(), (k, old) -> new DeviceSeen(System.currentTimeMillis(), old == null ? null : old.lastFlag(),
                    old == null ? 0 : old.readings()));
            ack(ch, p);
            return;
        }
        Hj212Packet ackFor = p;
        sink.reading(r).whenComplete((ok, err) -> {
            if (err != null) {
                storeFailures.incrementAndGet();
                LOG.warn("HJ 212: reading {} not stored ({}); not acknowledged, the monitor will send it again", r.messageId(), err.getMessage());
                return;
            }
            readings.incrementAndGet();
            seen.compute(d.id(), (k, old) -> new DeviceSeen(System.currentTimeMillis(), r.flag(), old == null ? 1 : old.readings() + 1));
            ack(ch, ackFor);
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
        refuseThen(raw, String.valueOf(ch.remoteAddress()), kind, reason, mn, () -> { });
    }

    private void refuseThen(byte[] raw, String remote, String kind, String reason, String mn, Runnable after) {
        count(kind);
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
        for (String what : splits.expire(System.currentTimeMillis())) {
            count("split_incomplete");
            sink.refused(Refusal.of(new byte[0], "-", "split_incomplete", "split message incomplete: " + what, null));
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
