package dev.ferry.http2;

import dev.ferry.http.Deadline;
import dev.ferry.http.DrainSignal;
import dev.ferry.http.FrontendContext;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifetime of one HTTP/2 connection, at the end of its pipeline: closed with GOAWAY after
 * {@code idle_timeout} without an open stream, or when a graceful shutdown starts (then the
 * streams already open finish first, within the drain timeout, and new ones are refused). Frames
 * no stream takes (SETTINGS, PING, GOAWAY) end here.
 */
final class ConnectionGuard extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

    private final Http2Connection connection;
    private final long idleNanos;
    private Deadline idle;
    private ChannelHandlerContext ctx;

    ConnectionGuard(Http2Connection connection, FrontendContext context) {
        this.connection = connection;
        this.idleNanos = context.limits().idleTimeout().toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        idle = new Deadline(ctx.executor(), () -> {
            log.debug("HTTP/2 connection {} idle: closing", ctx.channel());
            closeGracefully();
        });
        idle.arm(idleNanos);
        connection.addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamActive(Http2Stream stream) {
                idle.disarm();
            }

            @Override
            public void onStreamClosed(Http2Stream stream) {
                if (connection.numActiveStreams() == 0) {
                    idle.arm(idleNanos);
                }
            }
        });
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        idle.cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        idle.cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == DrainSignal.INSTANCE) {
            closeGracefully();
        } else {
            ReferenceCountUtil.release(event);
        }
    }

    /**
     * Netty's close of an HTTP/2 connection is graceful: GOAWAY with the last stream it accepted,
     * then the close once every open stream has ended (or the drain timeout passed).
     */
    private void closeGracefully() {
        ctx.channel().close();
    }

    /**
     * Protocol errors (floods included) are shown here before Netty answers them: it sends GOAWAY
     * with their error code and closes, so closing here would replace that code by NO_ERROR.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Http2Exception protocolError = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
        if (protocolError != null) {
            log.debug("HTTP/2 connection {}: {} ({})", ctx.channel(), protocolError.getMessage(),
                    protocolError.error());
            return;
        }
        if (cause instanceof IOException) {
            log.debug("HTTP/2 connection {} failed: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("HTTP/2 connection {} failed", ctx.channel(), cause);
        }
        ctx.close();
    }
}
