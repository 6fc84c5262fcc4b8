package dev.ferry.demo;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import java.util.concurrent.TimeUnit;

/** A reply written after a pause, scheduled on the connection's event loop rather than sleeping on it. */
final class DelayedReply implements Reply {

    private final Reply reply;
    private final long delayMillis;

    DelayedReply(Reply reply, long delayMillis) {
        this.reply = reply;
        this.delayMillis = delayMillis;
    }

    @Override
    public ChannelFuture write(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive) {
        // If the connection closes meanwhile, the late write fails and Netty frees what it carried.
        ChannelPromise written = ctx.newPromise();
        ctx.executor().schedule(() -> reply.write(ctx, request, keepAlive).addListener(f -> {
            if (f.isSuccess()) {
                written.trySuccess();
            } else {
                written.tryFailure(f.cause());
            }
        }), delayMillis, TimeUnit.MILLISECONDS);
        return written;
    }

    @Override
    public boolean keepsConnection() {
        return reply.keepsConnection();
    }

    @Override
    public void discard() {
        reply.discard();
    }
}
