package dev.ferry.http2;

import dev.ferry.http.Deadline;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tells HTTP/2 with prior knowledge from HTTP/1.1 by a connection's first bytes: the HTTP/2
 * preface {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n} can never start a valid HTTP/1.1 request, so
 * the first byte that differs from it decides for HTTP/1.1, and all 24 of them for HTTP/2. The
 * chosen handlers take its place and get every byte read so far. A client that sends nothing
 * within the header timeout is disconnected.
 */
final class PriorKnowledge extends ByteToMessageDecoder {

    private static final byte[] PREFACE = Http2Frontend.preface();

    private final long timeoutNanos;
    private final Consumer<ChannelPipeline> http2;
    private final Consumer<ChannelPipeline> http1;
    private Deadline deadline;

    PriorKnowledge(Duration timeout, Consumer<ChannelPipeline> http2, Consumer<ChannelPipeline> http1) {
        this.timeoutNanos = timeout.toNanos();
        this.http2 = http2;
        this.http1 = http1;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = new Deadline(ctx.executor(), () -> ctx.channel().close());
        deadline.arm(timeoutNanos);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        deadline.cancel();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.length);
        int start = in.readerIndex();
        for (int i = 0; i < n; i++) {
            if (in.getByte(start + i) != PREFACE[i]) {
                choose(ctx, http1);
                return;
            }
        }
        if (n == PREFACE.length) {
            choose(ctx, http2);
        }
    }

    /** Installs the protocol after this handler, then leaves: the bytes read so far go to it. */
    private void choose(ChannelHandlerContext ctx, Consumer<ChannelPipeline> protocol) {
        deadline.cancel();
        ChannelPipeline pipeline = ctx.pipeline();
        // The handlers go to the end, right behind this one (nothing follows it yet).
        protocol.accept(pipeline);
        pipeline.remove(this);
    }
}
