package dev.ferry.demo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

/**
 * Counts connections and raw bytes. It sits at the head of the pipeline, before TLS and HTTP decoding,
 * so "the origin received nothing" means nothing at all reached the socket.
 */
@Sharable
final class TrafficCounter extends ChannelInboundHandlerAdapter {

    /** The connection's number, read by the handlers that record requests. */
    static final AttributeKey<Integer> CONNECTION_ID = AttributeKey.valueOf(TrafficCounter.class, "connectionId");

    private final OriginStats stats;

    TrafficCounter(OriginStats stats) {
        this.stats = stats;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.channel().attr(CONNECTION_ID).set(stats.connectionAccepted());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            stats.bytesRead(bytes.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }
}
