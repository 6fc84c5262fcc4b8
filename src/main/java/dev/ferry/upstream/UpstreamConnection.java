package dev.ferry.upstream;

import dev.ferry.http.Deadline;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a connection to a server. It passes events to the {@link ProxyCall} that
 * currently uses the connection; while the connection is idle in a pool, anything the server
 * sends is a protocol error and closes it. It also owns the connection's one timer.
 */
public final class UpstreamConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(UpstreamConnection.class);

    private ChannelHandlerContext ctx;
    private ProxyCall owner;
    private int requests;
    private Deadline deadline;
    private Runnable onDeadline;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deadline = new Deadline(ctx.executor(), () -> {
            if (onDeadline != null) {
                onDeadline.run();
            }
        });
    }

    /** Gives the connection to {@code call} for one request. */
    void bind(ProxyCall call) {
        owner = call;
        requests++;
    }

    /** Takes the connection back from its call, e.g. before it returns to the pool. */
    void unbind() {
        owner = null;
        deadline.disarm();
        onDeadline = null;
    }

    /** Requests sent on this connection so far, this one included. */
    int requests() {
        return requests;
    }

    /** Whether an earlier request used this connection (a pooled connection may be stale). */
    boolean reused() {
        return requests > 1;
    }

    void arm(long nanos, Runnable expiry) {
        onDeadline = expiry;
        deadline.arm(nanos);
    }

    void disarm() {
        deadline.disarm();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ProxyCall call = owner;
        if (call == null) {
            ReferenceCountUtil.release(msg);
            log.debug("unexpected data on idle upstream connection {}", ctx.channel());
            ctx.close();
        } else if (msg instanceof HttpResponse response) {
            call.onResponseHead(response);
        } else if (msg instanceof HttpContent content) {
            call.onResponseContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (owner != null) {
            owner.onReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (owner != null) {
            owner.onUpstreamWritabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deadline.cancel();
        ProxyCall call = owner;
        owner = null;
        if (call != null) {
            call.onUpstreamClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("upstream connection {} failed: {}", ctx.channel(), cause.toString());
        } else {
            log.debug("upstream connection {} failed", ctx.channel(), cause);
        }
        // The close that follows reports the failure to the owner.
        ctx.close();
    }
}
