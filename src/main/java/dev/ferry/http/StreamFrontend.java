package dev.ferry.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of one HTTP/2 stream: its request, translated to HTTP/1.1 semantics by Netty's
 * {@link Http2StreamFrameToHttpObjectCodec}, becomes an {@link Exchange} like any HTTP/1.1
 * request (same admission, handler, cache, access log), and the response goes back as HEADERS and
 * DATA frames of the stream. One exchange per stream: no keep-alive, no pipelining, no lingering
 * close; backpressure is the stream's flow-control window (reads stop, so its window is not
 * returned).
 *
 * <p>Lifecycle: HEADERS → checks ({@link Http2Requests}, 400 when malformed) → in-flight slot →
 * handler → DATA to the exchange (trailers in the last part) → response → exchange finished →
 * access log; RST_STREAM NO_ERROR if the request body is still coming (RFC 9113 §8.1), or
 * INTERNAL_ERROR when a response cannot be completed.
 */
public final class StreamFrontend extends ChannelDuplexHandler implements Connection {

    public static final String TIMEOUTS = "stream-timeouts";
    public static final String CODEC = "stream-codec";
    public static final String FRONTEND = "stream-frontend";

    private static final Logger log = LoggerFactory.getLogger(StreamFrontend.class);
    private static final DefaultFullHttpResponse CONTINUE =
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER);

    private final FrontendContext context;
    private final ClientTimeouts timeouts;
    private ChannelHandlerContext ctx;
    private InetSocketAddress clientAddress;
    private Exchange current;
    private int readBlocks;
    private boolean responseEnded;
    private boolean reset;

    private StreamFrontend(FrontendContext context) {
        this.context = context;
        this.timeouts = new ClientTimeouts(context.limits());
    }

    /** Adds the handlers of one HTTP/2 stream (child channel) to {@code pipeline}. */
    public static void install(ChannelPipeline pipeline, FrontendContext context) {
        StreamFrontend frontend = new StreamFrontend(context);
        pipeline.addLast(TIMEOUTS, frontend.timeouts)
                .addLast(CODEC, new Http2StreamFrameToHttpObjectCodec(true, true))
                .addLast(FRONTEND, frontend);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            onRequestHead(request);
        } else if (msg instanceof HttpContent part) {
            onRequestPart(part);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequestHead(HttpRequest received) {
        if (current != null) {
            // A second HEADERS without END_STREAM after the first is not a request (RFC 9113 §8.1).
            ReferenceCountUtil.release(received);
            resetStream(Http2Error.PROTOCOL_ERROR);
            return;
        }
        HttpRequest request = received;
        boolean hasBody;
        if (received instanceof FullHttpRequest full) {
            // HEADERS with END_STREAM: no body at all.
            request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, full.method(), full.uri(), full.headers());
            full.release();
            hasBody = false;
        } else {
            // Netty added Transfer-Encoding: chunked when there is no content-length (the body streams).
            hasBody = request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
                    || HttpUtil.getContentLength(request, 0L) > 0;
            if (!hasBody) {
                request.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
            }
        }
        String problem = Http2Requests.check(request);
        request.setProtocolVersion(Http2Requests.HTTP_2);
        timeouts.headReceived(hasBody);
        Exchange exchange = new Exchange(this, request, hasBody, true);
        current = exchange;
        if (problem != null) {
            log.debug("malformed HTTP/2 request from {}: {}", clientAddress(), problem);
            exchange.respond(ErrorResponses.of(HttpResponseStatus.BAD_REQUEST, problem, false));
        } else if (request.method() == HttpMethod.CONNECT) {
            // A CONNECT stream would carry the tunnel in DATA frames; Ferry tunnels over HTTP/1.1 only.
            exchange.respond(ErrorResponses.of(HttpResponseStatus.NOT_IMPLEMENTED,
                    "CONNECT over HTTP/2 is not supported; use HTTP/1.1", false));
        } else {
            Admission.admit(exchange, context);
        }
    }

    private void onRequestPart(HttpContent part) {
        Exchange exchange = current;
        if (exchange == null || exchange.requestComplete()) {
            part.release();
            return;
        }
        if (part instanceof LastHttpContent last) {
            timeouts.bodyReceived();
            RequestHeadParser.dropForbiddenTrailers(last.trailingHeaders());
        }
        exchange.requestPart(part);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (current != null) {
            current.flushRequest();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        timeouts.clientWritable(ctx.channel().isWritable());
        if (current != null) {
            current.clientWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** The stream closed: completed, reset by the client, or its connection went away. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        reset = true;
        Exchange exchange = current;
        if (exchange != null && !exchange.finished()) {
            exchange.cancel();
            exchange.finish();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ClientTimeouts.Expired expired) {
            Exchange exchange = current;
            if (exchange != null && !exchange.finished()) {
                exchange.cancel();
                exchange.response().abort(HttpResponseStatus.REQUEST_TIMEOUT,
                        expired == ClientTimeouts.Expired.STALLED ? "client stopped reading" : "request body timeout");
            }
            closeAfterWrites();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    /** Stream errors Netty raises while converting (an invalid field value, say): the stream is reset. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP/2 stream {} failed: {}", ctx.channel(), cause.toString());
        Exchange exchange = current;
        if (exchange != null && !exchange.finished()) {
            exchange.cancel();
        }
        resetStream(Http2Error.PROTOCOL_ERROR);
    }

    private void resetStream(Http2Error error) {
        if (reset) {
            return;
        }
        reset = true;
        Channel channel = ctx.channel();
        if (channel.isActive()) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(error)).addListener(f -> channel.close());
        }
    }

    // ---- used by Exchange and ClientResponse ----

    @Override
    public FrontendContext context() {
        return context;
    }

    @Override
    public Channel channel() {
        return ctx.channel();
    }

    /** The client of the connection the stream belongs to (a trusted PROXY header names it there). */
    @Override
    public InetSocketAddress clientAddress() {
        if (clientAddress == null) {
            Channel connection = ctx.channel().parent();
            clientAddress = ClientAddress.of(connection != null ? connection : ctx.channel());
        }
        return clientAddress;
    }

    @Override
    public boolean draining() {
        return context.draining().getAsBoolean();
    }

    @Override
    public boolean multiplexed() {
        return true;
    }

    @Override
    public void write(HttpObject message) {
        if (reset) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof LastHttpContent) {
            responseEnded = true;
        }
        ctx.write(message, ctx.voidPromise());
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public void writeContinue() {
        if (!reset) {
            ctx.writeAndFlush(CONTINUE.retainedDuplicate(), ctx.voidPromise());
        }
    }

    @Override
    public void writeUpgrade(HttpResponse switching) {
        // RFC 9113 §8.6: HTTP/2 has no Upgrade (Netty refuses the field), so no exchange gets here.
        throw new UnsupportedOperationException("no protocol upgrade on an HTTP/2 stream");
    }

    @Override
    public void switchToTunnel(ChannelHandler relay, byte[] preface) {
        throw new UnsupportedOperationException("no tunnel on an HTTP/2 stream");
    }

    @Override
    public void blockReads(int reason) {
        int before = readBlocks;
        readBlocks |= reason;
        if (before == 0) {
            ctx.channel().config().setAutoRead(false);
            timeouts.readsPaused(true);
        }
    }

    @Override
    public void unblockReads(int reason) {
        if (readBlocks == 0) {
            return;
        }
        readBlocks &= ~reason;
        if (readBlocks == 0) {
            ctx.channel().config().setAutoRead(true);
            timeouts.readsPaused(false);
        }
    }

    /**
     * Ends the stream: a response that cannot be completed is reset with INTERNAL_ERROR, so the
     * client knows its body is incomplete; after a complete one, NO_ERROR only stops the upload.
     */
    @Override
    public void closeAfterWrites() {
        resetStream(responseEnded ? Http2Error.NO_ERROR : Http2Error.INTERNAL_ERROR);
    }

    @Override
    public void exchangeFinished(Exchange exchange) {
        AccessLogging.exchange(context, clientAddress(), exchange);
        if (reset) {
            return;
        }
        ctx.flush();
        if (!exchange.requestComplete() || !responseEnded) {
            // RFC 9113 §8.1: after a complete response, NO_ERROR tells the client to stop uploading.
            closeAfterWrites();
        }
    }
}
