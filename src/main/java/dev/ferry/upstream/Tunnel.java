package dev.ferry.upstream;

import dev.ferry.http.Deadline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Relays bytes both ways between two connections of the same event loop until either side closes
 * or nothing moves for the idle timeout. Backpressure: when one side cannot take more, the other
 * stops reading until it can. When one side closes, what it sent is flushed to the other, which is
 * then closed too.
 */
public final class Tunnel {

    private final Channel client;
    private final Channel server;
    private final Deadline idle;
    private final long idleNanos;
    private final BiConsumer<Long, Long> onClose;
    private long fromClient;
    private long fromServer;
    private boolean closed;

    /**
     * @param onClose receives the bytes relayed from the client and from the server, once
     */
    public Tunnel(Channel client, Channel server, Duration idleTimeout, BiConsumer<Long, Long> onClose) {
        this.client = client;
        this.server = server;
        this.idleNanos = idleTimeout.toNanos();
        this.onClose = onClose;
        this.idle = new Deadline(client.eventLoop(), this::close);
    }

    /** The handler for the client connection's pipeline. */
    public ChannelHandler clientSide() {
        return new Relay(server, true);
    }

    /** The handler for the server connection's pipeline. */
    public ChannelHandler serverSide() {
        return new Relay(client, false);
    }

    /** Starts reading both sides; call once both handlers are in place. */
    public void start() {
        idle.arm(idleNanos);
        client.config().setAutoRead(true);
        server.config().setAutoRead(true);
        client.closeFuture().addListener(f -> close());
        server.closeFuture().addListener(f -> close());
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        idle.cancel();
        closeAfterFlush(client);
        closeAfterFlush(server);
        onClose.accept(fromClient, fromServer);
    }

    private static void closeAfterFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** One direction: what this side reads goes to {@code peer}. */
    private final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private final boolean isClient;

        Relay(Channel peer, boolean isClient) {
            this.peer = peer;
            this.isClient = isClient;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf bytes) || closed) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (isClient) {
                fromClient += bytes.readableBytes();
            } else {
                fromServer += bytes.readableBytes();
            }
            idle.arm(idleNanos);
            peer.write(bytes, peer.voidPromise());
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && !closed) {
                peer.config().setAutoRead(true);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
