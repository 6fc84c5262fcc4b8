package dev.ferry.http;

import dev.ferry.observe.AccessRecord;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of one client connection: takes decoded requests one at a time, admits them,
 * hands each to the listener's {@link RequestHandler} as an {@link Exchange}, and writes the
 * response back. It owns the connection's keep-alive decision, its reads (auto-read is switched
 * off while anything asks for it to be) and the answers to client timeouts.
 *
 * <p>Lifecycle of a request: head decoded → in-flight slot taken (503 when none) → handler → body
 * parts to the exchange → response head and body through the exchange's sink → exchange finished
 * → access log, slot released → next request decoded, or the connection closed.
 */
public final class HttpFrontend extends ChannelDuplexHandler implements Connection {

    public static final String TIMEOUTS = "client-timeouts";
    public static final String DECODER = "request-decoder";
    public static final String ENCODER = "response-encoder";
    public static final String FRONTEND = "http-frontend";

    /** Reasons to stop reading the client; reads resume when none is left. */
    static final int BLOCK_BACKPRESSURE = 1;
    static final int BLOCK_BUFFERING = 2;
    static final int BLOCK_PIPELINE = 4;

    private static final Logger log = LoggerFactory.getLogger(HttpFrontend.class);
    private static final long LINGER_MILLIS = 2000;
    private static final DefaultFullHttpResponse CONTINUE =
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER);

    private final FrontendContext context;
    private final StrictRequestDecoder decoder;
    private final FrontendResponseEncoder encoder = new FrontendResponseEncoder();
    private final ClientTimeouts timeouts;
    private ChannelHandlerContext ctx;
    private InetSocketAddress clientAddress;
    private Exchange current;
    private int readBlocks;
    private boolean closing;
    private boolean lingering;

    private HttpFrontend(FrontendContext context) {
        this.context = context;
        this.decoder = new StrictRequestDecoder(context.limits().maxHeaderSize());
        this.timeouts = new ClientTimeouts(context.limits());
    }

    /** Adds the HTTP handlers of a client connection to {@code pipeline}. */
    public static void install(ChannelPipeline pipeline, FrontendContext context) {
        HttpFrontend frontend = new HttpFrontend(context);
        pipeline.addLast(TIMEOUTS, frontend.timeouts)
                .addLast(DECODER, frontend.decoder)
                .addLast(ENCODER, frontend.encoder)
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
        } else if (msg instanceof DecodeFailure failure) {
            onDecodeFailure(failure);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequestHead(HttpRequest request) {
        if (current != null || closing) {
            // The decoder pauses after each request, so this means a bug, not a client mistake.
            log.warn("request head while another exchange is active on {}", ctx.channel());
            closeAfterWrites();
            return;
        }
        // The decoder left exactly one framing field, normalised: Transfer-Encoding: chunked or digits.
        boolean hasBody = request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
                || request.headers().contains(HttpHeaderNames.CONTENT_LENGTH) && HttpUtil.getContentLength(request, 0L) > 0;
        timeouts.headReceived(hasBody);
        encoder.answering(request.method() == HttpMethod.HEAD);
        Exchange exchange = new Exchange(this, request, hasBody, Hop.keepAlive(request));
        current = exchange;

        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null) {
            request.headers().remove(HttpHeaderNames.EXPECT);
            if (!expect.equalsIgnoreCase(HttpHeaderValues.CONTINUE.toString())) {
                exchange.respond(ErrorResponses.of(HttpResponseStatus.EXPECTATION_FAILED,
                        "unsupported expectation", hasBody));
                return;
            }
            exchange.expectContinue();
        }
        if (!context.inFlight().tryAcquire()) {
            exchange.respond(ErrorResponses.of(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "too many requests in flight", hasBody));
            return;
        }
        exchange.holdPermit();
        try {
            context.handler().handle(exchange);
        } catch (RuntimeException e) {
            log.error("request handler failed for {} {}", request.method(), exchange.originalTarget(), e);
            exchange.response().abort(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
        }
    }

    private void onRequestPart(HttpContent part) {
        Exchange exchange = current;
        if (exchange == null || exchange.requestComplete()) {
            // The empty end of a body-less request, or a body nobody waits for any more.
            part.release();
            return;
        }
        if (part instanceof LastHttpContent) {
            timeouts.bodyReceived();
        }
        exchange.requestPart(part);
    }

    private void onDecodeFailure(DecodeFailure failure) {
        Exchange exchange = current;
        if (exchange != null && !exchange.finished()) {
            log.debug("malformed request body from {}: {}", clientAddress(), failure.reason());
            exchange.cancel();
            exchange.response().abort(failure.status(), failure.reason());
        } else {
            log.debug("malformed request from {}: {}", clientAddress(), failure.reason());
            reject(ErrorResponses.of(failure.status(), failure.reason(), true));
        }
        closing = true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Exchange exchange = current;
        if (exchange != null) {
            exchange.flushRequest();
            if (exchange.requestComplete() && decoder.bufferedBytes() > context.limits().maxHeaderSize()) {
                blockReads(BLOCK_PIPELINE);
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        timeouts.clientWritable(writable);
        if (current != null) {
            current.clientWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
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
            onTimeout(expired);
        } else if (event == DrainSignal.INSTANCE) {
            if (current == null && !decoder.hasPartialHead()) {
                closeAfterWrites();
            }
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    private void onTimeout(ClientTimeouts.Expired expired) {
        if (lingering) {
            ctx.close();
            return;
        }
        Exchange exchange = current;
        switch (expired) {
            case HEADER -> {
                reject(ErrorResponses.of(HttpResponseStatus.REQUEST_TIMEOUT, "request header timeout", true));
                closing = true;
            }
            case IDLE -> closeAfterWrites();
            case BODY, STALLED -> {
                if (exchange != null) {
                    exchange.cancel();
                    exchange.response().abort(HttpResponseStatus.REQUEST_TIMEOUT,
                            expired == ClientTimeouts.Expired.BODY ? "request body timeout" : "client stopped reading");
                }
                closeAfterWrites();
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("client connection {} failed: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("client connection {} failed", ctx.channel(), cause);
        }
        ctx.close();
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

    /** The client: the socket peer, or the one a trusted PROXY header named (known before any request). */
    @Override
    public InetSocketAddress clientAddress() {
        if (clientAddress == null) {
            clientAddress = ClientAddress.of(ctx.channel());
        }
        return clientAddress;
    }

    @Override
    public boolean draining() {
        return closing || context.draining().getAsBoolean();
    }

    @Override
    public void write(HttpObject message) {
        ctx.write(message, ctx.voidPromise());
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public void writeContinue() {
        ctx.writeAndFlush(CONTINUE.retainedDuplicate(), ctx.voidPromise());
    }

    /** Writes a 101 head (no body) through the encoder, before the connection stops being HTTP. */
    @Override
    public void writeUpgrade(HttpResponse switching) {
        ctx.write(switching, ctx.voidPromise());
        ctx.write(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
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
        if (readBlocks == 0 && !closing) {
            ctx.channel().config().setAutoRead(true);
            timeouts.readsPaused(false);
        }
    }

    @Override
    public void closeAfterWrites() {
        closeGracefully(ctx.writeAndFlush(Unpooled.EMPTY_BUFFER));
    }

    /**
     * Closes once {@code written} is out, in stages (RFC 9112 §9.6): half-close, then read and
     * discard what the client still sends until it closes, for {@value #LINGER_MILLIS} ms at
     * most. Closing with unread bytes would make the kernel reset the connection, and a reset can
     * destroy the response the client has not read yet (a 400 for a request still uploading).
     */
    private void closeGracefully(ChannelFuture written) {
        closing = true;
        if (lingering) {
            return;
        }
        lingering = true;
        decoder.discardRest();
        written.addListener(f -> {
            Channel channel = ctx.channel();
            if (f.isSuccess() && channel.isActive() && channel instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
                channel.config().setAutoRead(true);
                channel.eventLoop().schedule(() -> {
                    channel.close();
                }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                channel.close();
            }
        });
    }

    @Override
    public void exchangeFinished(Exchange exchange) {
        ClientResponse response = exchange.clientResponse();
        logExchange(exchange, response);
        context.metrics().requestFinished(exchange.routeName(), exchange.isForwardProxied(), response.status(),
                exchange.cacheStatusValue(), System.nanoTime() - exchange.startNanos(), response.tunnel());
        if (exchange != current) {
            // A tunnel: the connection stopped being HTTP when it started.
            return;
        }
        current = null;
        if (response.keepAlive() && !draining() && ctx.channel().isActive()) {
            ctx.flush();
            unblockReads(BLOCK_BACKPRESSURE | BLOCK_BUFFERING | BLOCK_PIPELINE);
            timeouts.awaitNextRequest(decoder.bufferedBytes() > 0);
            decoder.resume();
        } else if (ctx.channel().isActive()) {
            closeAfterWrites();
        }
    }

    /** Replaces the HTTP handlers by {@code relay}; bytes read ahead by the decoder go to the relay. */
    @Override
    public void switchToTunnel(ChannelHandler relay, byte[] preface) {
        current = null;
        closing = true;
        Channel channel = ctx.channel();
        ChannelPipeline pipeline = ctx.pipeline();
        channel.config().setAutoRead(false);
        pipeline.addLast("tunnel", relay);
        pipeline.remove(this);
        pipeline.remove(encoder);
        pipeline.remove(timeouts);
        // The preface goes out as raw bytes, once the HTTP encoder is gone.
        if (preface.length > 0) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(preface), channel.voidPromise());
        }
        // Removing the decoder hands the bytes it read ahead (a TLS ClientHello, say) to the relay.
        pipeline.remove(decoder);
    }

    // ---- access log ----

    private void logExchange(Exchange exchange, ClientResponse response) {
        if (!context.accessLog().enabled()) {
            return;
        }
        context.accessLog().log(new AccessRecord(
                exchange.startMillis(),
                context.listener(),
                addressText(),
                exchange.method().name(),
                exchange.originalTarget(),
                exchange.clientVersion().text(),
                response.status(),
                exchange.bytesIn(),
                response.bytesOut(),
                (System.nanoTime() - exchange.startNanos()) / 1000,
                exchange.upstreamAddress(),
                exchange.cacheStatusValue(),
                exchange.routeName()));
    }

    /** Answers a request that never became an exchange, logs it, and closes the connection. */
    private void reject(FullHttpResponse response) {
        context.metrics().requestRejected(response.status().code());
        if (context.accessLog().enabled()) {
            context.accessLog().log(new AccessRecord(System.currentTimeMillis(), context.listener(), addressText(),
                    "-", "-", "-", response.status().code(), 0, response.content().readableBytes(), 0,
                    null, null, null));
        }
        closeGracefully(ctx.writeAndFlush(response));
    }

    private String addressText() {
        InetSocketAddress client = clientAddress();
        return client == null ? "-" : client.getAddress().getHostAddress() + ":" + client.getPort();
    }
}
