package dev.ferry.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin connection: each request is copied out of Netty's buffers and answered on the admin
 * thread, so that scraping, purging or reloading never runs on an event loop. One thread answers
 * in arrival order, so pipelined responses stay in order.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger("ferry.admin");

    private final AdminRouter router;
    private final Executor executor;

    AdminHandler(AdminRouter router, Executor executor) {
        this.router = router;
        this.executor = executor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            write(ctx, Reply.error(HttpResponseStatus.BAD_REQUEST, "malformed request: "
                    + request.decoderResult().cause().getMessage()), false);
            return;
        }
        AdminRequest copy = AdminRequest.of(request);
        try {
            executor.execute(() -> {
                Reply reply;
                try {
                    reply = router.handle(copy);
                } catch (RuntimeException e) {
                    log.error("admin: {} {} failed", copy.method(), copy.path(), e);
                    reply = Reply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
                }
                write(ctx, reply, keepAlive);
            });
        } catch (RejectedExecutionException e) {
            write(ctx, Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting down"), false);
        }
    }

    private static void write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(),
                Unpooled.wrappedBuffer(reply.body()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        if (!reply.headers().containsKey("Cache-Control")) {
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        }
        reply.headers().forEach(response.headers()::set);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response, ctx.voidPromise());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("admin connection {} failed: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("admin connection {} failed", ctx.channel(), cause);
        }
        ctx.close();
    }
}
