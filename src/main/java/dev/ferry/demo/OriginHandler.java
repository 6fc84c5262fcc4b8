package dev.ferry.demo;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the requests of one connection and answers them one at a time, in order:
 *
 * <ol>
 *   <li>the head arrives and is counted;
 *   <li>body chunks are hashed as they arrive and dropped, so any body size fits in little memory;
 *   <li>after the last chunk the request is recorded and reading stops;
 *   <li>the reply for it is written, possibly after a delay or as a long stream;
 *   <li>once written, reading resumes (keep-alive) or the connection closes.
 * </ol>
 *
 * <p>Because reading stops in step 3, a pipelined request already decoded waits in the {@link
 * FlowControlHandler} in front of this handler, and replies never interleave.
 */
final class OriginHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(OriginHandler.class);

    private final OriginStats stats;
    private final Endpoints endpoints;
    private HttpRequest request;
    private BodyDigest body;

    OriginHandler(OriginStats stats, Endpoints endpoints) {
        this.stats = stats;
        this.endpoints = endpoints;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest head) {
                receiveHead(ctx, head);
            }
            if (msg instanceof HttpContent content && request != null) {
                receiveContent(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void receiveHead(ChannelHandlerContext ctx, HttpRequest head) {
        if (head.decoderResult().isFailure()) {
            refuse(ctx, head, head.decoderResult().cause());
            return;
        }
        stats.requestReceived();
        request = head;
        body = new BodyDigest();
    }

    private void receiveContent(ChannelHandlerContext ctx, HttpContent content) {
        if (content.decoderResult().isFailure()) {
            HttpRequest head = request;
            record(ctx, false);
            refuse(ctx, head, content.decoderResult().cause());
            return;
        }
        body.update(content.content());
        if (content instanceof LastHttpContent) {
            respond(ctx);
        }
    }

    private void respond(ChannelHandlerContext ctx) {
        HttpRequest head = request;
        RecordedRequest recorded = record(ctx, true);
        ctx.channel().config().setAutoRead(false);
        if (WebSocketUpgrade.requested(head)) {
            WebSocketUpgrade.upgrade(ctx, head, endpoints.origin());
            return;
        }
        Reply reply = endpoints.reply(recorded);
        boolean keepAlive = HttpUtil.isKeepAlive(head) && reply.keepsConnection();
        reply.write(ctx, head, keepAlive).addListener(written -> {
            if (written.isSuccess() && keepAlive) {
                // on a later turn of the loop: resuming from this listener could recurse once per
                // pipelined request already waiting
                ctx.channel().eventLoop().execute(() -> ctx.channel().config().setAutoRead(true));
            } else {
                ctx.close();
            }
        });
    }

    /** A request the codec could not parse: answered, then the connection closes, as framing is lost. */
    private void refuse(ChannelHandlerContext ctx, HttpRequest head, Throwable cause) {
        ctx.channel().config().setAutoRead(false);
        HttpResponseStatus status = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                : HttpResponseStatus.BAD_REQUEST;
        HttpReply reply = HttpReply.text(status, status.reasonPhrase());
        reply.headers().set(DemoOrigin.ORIGIN_HEADER, endpoints.origin());
        reply.write(ctx, head, false).addListener(ChannelFutureListener.CLOSE);
    }

    private RecordedRequest record(ChannelHandlerContext ctx, boolean complete) {
        Integer connectionId = ctx.channel().attr(TrafficCounter.CONNECTION_ID).get();
        RecordedRequest recorded = RecordedRequest.of(connectionId == null ? 0 : connectionId, request, body,
                ctx.channel().remoteAddress(), complete);
        stats.record(recorded);
        request = null;
        body = null;
        return recorded;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (request != null) {
            record(ctx, false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // peers resetting connections are routine for an origin under a proxy's tests
        log.debug("closing {}", ctx.channel(), cause);
        ctx.close();
    }
}
