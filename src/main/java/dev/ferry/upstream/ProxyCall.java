package dev.ferry.upstream;

import dev.ferry.http.Exchange;
import dev.ferry.http.Hop;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Date;

/**
 * One attempt to get a response from one server: borrows a pooled connection of the client's
 * event loop (or opens one on it), sends the request head and lets the {@link RequestStream} feed
 * it the body, and streams the response to the exchange. Each direction pauses the other side's
 * reads while the receiving side cannot take more.
 *
 * <p>It reports to its {@link Listener}: {@code failed} when nothing of its response reached the
 * client (the listener may try again), {@code finished} once the response is delivered or cut
 * off. A {@code 101} to a WebSocket upgrade turns both connections into a byte tunnel.
 */
final class ProxyCall {

    /** What the request-level logic learns from an attempt. */
    interface Listener {

        /** A final response head with this status arrived (a 5xx counts against the server); true means drop it and try elsewhere. */
        boolean onResponseStatus(int status);

        /**
         * The attempt failed before any of its response reached the client.
         *
         * @param staleConnection a pooled connection turned out closed before any response byte
         * @param requestMaybeSent the request head may have reached the server (its write did not fail)
         */
        void failed(UpstreamFailure failure, boolean staleConnection, boolean requestMaybeSent);

        /** The response reached the client in full, or was cut off after it started. */
        void finished();
    }

    private final Exchange exchange;
    private final HttpRequest request;
    private final Server server;
    private final CallOptions options;
    private final RequestStream body;
    private final Listener listener;
    private final boolean freshConnection;
    private final boolean upgrade;
    private final HAProxyMessage proxyHeader;
    private final Runnable onResponseTimeout = () -> fail(UpstreamFailure.RESPONSE_TIMEOUT);
    private final Runnable onIdleTimeout = () -> fail(UpstreamFailure.IDLE_TIMEOUT);

    private long startNanos;
    private Channel channel;
    private UpstreamConnection connection;
    private boolean done;
    private boolean headMaybeSent;
    private boolean requestWritten;
    private boolean responseStarted;
    private boolean responseHeadSent;
    private boolean skippingInterim;
    private boolean upstreamKeepAlive;
    private long keepAliveHint;

    /**
     * @param request the head to send, prepared with {@link Hop#prepareRequest}
     * @param freshConnection open a new connection rather than borrow a pooled one
     * @param upgrade the request asks for a WebSocket upgrade
     * @param proxyHeader a PROXY header to open the connection with (it then serves this request only), or null
     */
    ProxyCall(Exchange exchange, HttpRequest request, Server server, CallOptions options, RequestStream body,
              Listener listener, boolean freshConnection, boolean upgrade, HAProxyMessage proxyHeader) {
        this.exchange = exchange;
        this.request = request;
        this.server = server;
        this.options = options;
        this.body = body;
        this.listener = listener;
        this.freshConnection = freshConnection;
        this.upgrade = upgrade;
        this.proxyHeader = proxyHeader;
    }

    void start() {
        startNanos = System.nanoTime();
        // A connection that began with a PROXY header speaks for one client only, so it is never shared.
        Channel pooled = freshConnection || proxyHeader != null ? null : options.pool().poll(server.address());
        if (pooled != null) {
            attach(pooled);
            return;
        }
        options.connector().connect(exchange.eventLoop(), server.address(), options.timeouts().connect(), server.tls())
                .addListener((ChannelFutureListener) future -> {
                    if (done) {
                        future.channel().close();
                    } else if (future.isSuccess()) {
                        attach(future.channel());
                    } else {
                        done = true;
                        listener.failed(UpstreamFailure.ofConnect(future.cause()), false, false);
                    }
                });
    }

    private void attach(Channel ch) {
        channel = ch;
        connection = ch.pipeline().get(UpstreamConnection.class);
        connection.bind(this);
        if (proxyHeader != null) {
            ch.pipeline().addFirst("proxy-protocol-encoder", HAProxyMessageEncoder.INSTANCE);
            ch.write(proxyHeader, ch.voidPromise());
        }
        if (connection.reused()) {
            // On a reused connection, whether the head got out decides if the request may be sent again.
            ch.write(request).addListener(f -> headMaybeSent |= f.isSuccess());
        } else {
            headMaybeSent = true;
            ch.write(request, ch.voidPromise());
        }
        body.attach(this);
    }

    /** Sends a part of the request body (the attempt takes ownership). */
    void send(HttpContent part) {
        if (done) {
            part.release();
            return;
        }
        channel.write(part, channel.voidPromise());
        if (part instanceof LastHttpContent) {
            requestWritten = true;
            if (!responseStarted) {
                connection.arm(options.timeouts().response().toNanos(), onResponseTimeout);
            }
        }
        if (!channel.isWritable()) {
            exchange.pauseBody();
            if (!responseStarted) {
                // The server stopped taking the body: that is the upstream's idle time, not the client's.
                connection.arm(options.timeouts().idle().toNanos(), onIdleTimeout);
            }
        }
    }

    void flush() {
        if (!done && channel != null) {
            channel.flush();
        }
    }

    void onUpstreamWritabilityChanged() {
        if (channel.isWritable() && !done) {
            if (!requestWritten && !responseStarted) {
                connection.disarm();
            }
            exchange.resumeBody();
        }
    }

    void onResponseHead(HttpResponse response) {
        responseStarted = true;
        if (response.decoderResult().isFailure()) {
            fail(UpstreamFailure.BAD_RESPONSE);
            return;
        }
        int code = response.status().code();
        if (code == 101 && upgrade) {
            switchToTunnel(response);
            return;
        }
        if (code >= 100 && code < 200) {
            // 100 Continue ends here (Ferry answered Expect itself); 102, 103 and others go on to the client.
            skippingInterim = true;
            if (code != 100) {
                Hop.removeHopByHop(response.headers());
                exchange.response().interim(response);
            }
            return;
        }
        server.metrics().responded(code, System.nanoTime() - startNanos);
        if (listener.onResponseStatus(code)) {
            fail(UpstreamFailure.ERROR_STATUS);
            return;
        }
        upstreamKeepAlive = Hop.keepAlive(response);
        keepAliveHint = KeepAliveHint.timeoutNanos(response.headers());
        Hop.removeHopByHop(response.headers());
        Hop.addVia(response.headers(), response.protocolVersion(), options.via());
        if (!response.headers().contains(HttpHeaderNames.DATE)) {
            // RFC 9110 §6.6.1: a recipient with a clock adds the time it received the response; a cache
            // on the way to the client then stores (and replays) that time.
            response.headers().set(HttpHeaderNames.DATE, DateFormatter.format(new Date(options.clock().millis())));
        }
        connection.arm(options.timeouts().idle().toNanos(), onIdleTimeout);
        responseHeadSent = true;
        exchange.response().head(response);
    }

    void onResponseContent(HttpContent content) {
        if (skippingInterim) {
            content.release();
            if (content instanceof LastHttpContent) {
                skippingInterim = false;
                responseStarted = false;
            }
            return;
        }
        if (done) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            fail(UpstreamFailure.BAD_RESPONSE);
            return;
        }
        if (content instanceof LastHttpContent) {
            done = true;
            releaseConnection();
            listener.finished();
        } else {
            connection.arm(options.timeouts().idle().toNanos(), onIdleTimeout);
        }
        exchange.response().body(content);
    }

    void onReadComplete() {
        if (responseHeadSent && !done) {
            exchange.response().flush();
            if (!exchange.clientWritable()) {
                // Ferry stops reading the server while the client catches up; the server is not idle then.
                channel.config().setAutoRead(false);
                connection.disarm();
            }
        }
    }

    /** The client can take more again: resume reading the response. */
    void clientWritable() {
        if (!done && channel != null && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
            if (responseHeadSent) {
                connection.arm(options.timeouts().idle().toNanos(), onIdleTimeout);
            }
        }
    }

    /**
     * The response is complete: the connection goes back to the pool when it can carry another
     * request, and not when the server sent more than this response (say, a body longer than its
     * Content-Length): those bytes would be taken for the next response's start.
     */
    private void releaseConnection() {
        connection.unbind();
        int max = options.maxRequestsPerConnection();
        if (upstreamKeepAlive && requestWritten && proxyHeader == null && channel.isActive()
                && (max == 0 || connection.requests() < max) && !hasSurplusBytes()) {
            channel.config().setAutoRead(true);
            options.pool().offer(server.address(), channel, keepAliveHint);
        } else {
            channel.close();
        }
    }

    private boolean hasSurplusBytes() {
        return channel.pipeline().get(Connector.CODEC) instanceof UpstreamCodec codec && codec.hasBufferedInput();
    }

    private void switchToTunnel(HttpResponse response) {
        done = true;
        connection.unbind();
        String protocol = response.headers().get(HttpHeaderNames.UPGRADE);
        Hop.removeHopByHop(response.headers());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        if (protocol != null) {
            response.headers().set(HttpHeaderNames.UPGRADE, protocol);
        }
        Hop.addVia(response.headers(), response.protocolVersion(), options.via());
        channel.config().setAutoRead(false);
        Tunnel tunnel = new Tunnel(exchange.channel(), channel, options.timeouts().tunnel(), (in, out) -> {
            exchange.tunnelClosed(in, out);
            listener.finished();
        });
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("tunnel", tunnel.serverSide());
        pipeline.remove(UpstreamConnection.class);
        // Removing the codec hands bytes the server sent after its 101 to the tunnel.
        pipeline.remove(Connector.CODEC);
        exchange.upgrade(response, tunnel.clientSide());
        tunnel.start();
    }

    void onUpstreamClosed() {
        if (done) {
            return;
        }
        if (!responseStarted) {
            done = true;
            body.detach();
            listener.failed(UpstreamFailure.CLOSED, connection.reused(), headMaybeSent);
        } else {
            fail(UpstreamFailure.CLOSED);
        }
    }

    /** Ends the attempt: before the response reached the client the listener decides what next; after, the client is cut off. */
    private void fail(UpstreamFailure failure) {
        if (done) {
            return;
        }
        done = true;
        closeUpstream();
        if (responseHeadSent) {
            exchange.response().abort(failure.status(), failure.reason());
            listener.finished();
        } else {
            body.detach();
            listener.failed(failure, false, headMaybeSent);
        }
    }

    /** The client went away: drop the connection, whatever state it is in. */
    void cancel() {
        done = true;
        closeUpstream();
    }

    private void closeUpstream() {
        if (connection != null) {
            connection.unbind();
        }
        if (channel != null) {
            channel.close();
        }
    }
}
