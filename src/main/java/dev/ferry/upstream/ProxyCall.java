package dev.ferry.upstream;

import dev.ferry.http.BodyReceiver;
import dev.ferry.http.Exchange;
import dev.ferry.http.Hop;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Sends one exchange's request to one server and streams the response back.
 *
 * <p>The connection comes from the pool of the client's event loop, or is opened on that loop.
 * The request body streams to the server and the response body to the client, each direction
 * pausing the other side's reads when the receiving side cannot take more. A request that finds
 * its pooled connection closed by the server before any response byte is sent again, once, on a
 * fresh connection, when that is safe: the method is idempotent or the request was never written,
 * and the body (if any) was small enough to keep. Any other failure ends in
 * {@link UpstreamFailure}: an error status before the response started, a closed client connection
 * after.
 */
public final class ProxyCall implements BodyReceiver {

    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE, HttpMethod.PUT, HttpMethod.DELETE);

    private final Exchange exchange;
    private final HttpRequest request;
    private final InetSocketAddress address;
    private final String addressText;
    private final CallOptions options;
    private final Runnable onResponseTimeout = () -> fail(UpstreamFailure.RESPONSE_TIMEOUT);
    private final Runnable onIdleTimeout = () -> fail(UpstreamFailure.IDLE_TIMEOUT);

    private Channel channel;
    private UpstreamConnection connection;
    private boolean released;
    private boolean cancelled;
    private boolean headWritten;
    private boolean requestWritten;
    private boolean responseStarted;
    private boolean responseHeadSent;
    private boolean skippingInterim;
    private boolean upstreamKeepAlive;
    private boolean retriedOnFreshConnection;

    private List<HttpContent> replay;
    private long replayBytes;
    private boolean replayable = true;

    /**
     * @param request the head to send, already prepared with {@link Hop#prepareRequest}
     */
    public ProxyCall(Exchange exchange, HttpRequest request, InetSocketAddress address, CallOptions options) {
        this.exchange = exchange;
        this.request = request;
        this.address = address;
        this.addressText = address.getAddress().getHostAddress() + ":" + address.getPort();
        this.options = options;
    }

    /** Borrows or opens a connection and sends the request. */
    public void start() {
        exchange.upstream(addressText);
        exchange.onCancel(this::cancel);
        exchange.onClientWritabilityChanged(this::onClientWritabilityChanged);
        Channel pooled = options.pool().poll(address);
        if (pooled != null) {
            attach(pooled);
        } else {
            connect();
        }
    }

    private void connect() {
        ChannelFuture connecting = options.connector().connect(exchange.eventLoop(), address, options.timeouts().connect());
        connecting.addListener((ChannelFutureListener) future -> {
            if (cancelled) {
                future.channel().close();
            } else if (future.isSuccess()) {
                attach(future.channel());
            } else {
                fail(UpstreamFailure.ofConnect(future.cause()));
            }
        });
    }

    private void attach(Channel ch) {
        channel = ch;
        released = false;
        connection = ch.pipeline().get(UpstreamConnection.class);
        connection.bind(this);
        if (connection.reused() && !IDEMPOTENT.contains(request.method())) {
            // Whether the head left this process decides if a non-idempotent request may be re-sent.
            ch.write(request).addListener(f -> headWritten |= f.isSuccess());
        } else {
            headWritten = true;
            ch.write(request, ch.voidPromise());
        }
        if (!exchange.hasBody()) {
            writeLast(LastHttpContent.EMPTY_LAST_CONTENT);
            ch.flush();
        } else if (replay != null) {
            for (HttpContent part : replay) {
                sendPart(part.retainedDuplicate());
            }
            ch.flush();
        } else {
            exchange.receiveBody(this);
        }
    }

    // ---- request body (BodyReceiver) ----

    @Override
    public void bodyPart(HttpContent part) {
        if (cancelled || released || channel == null) {
            part.release();
            return;
        }
        keepForReplay(part);
        sendPart(part);
        if (!channel.isWritable()) {
            exchange.pauseBody();
        }
    }

    private void sendPart(HttpContent part) {
        if (part instanceof LastHttpContent) {
            writeLast(part);
        } else {
            channel.write(part, channel.voidPromise());
        }
    }

    private void writeLast(HttpContent last) {
        channel.write(last, channel.voidPromise());
        requestWritten = true;
        if (!responseStarted) {
            connection.arm(options.timeouts().response().toNanos(), onResponseTimeout);
        }
    }

    private void keepForReplay(HttpContent part) {
        if (!replayable) {
            return;
        }
        int size = part.content().readableBytes();
        if (replayBytes + size > options.maxReplayBody()) {
            dropReplay();
            replayable = false;
            return;
        }
        if (replay == null) {
            replay = new ArrayList<>(4);
        }
        replay.add(part.retainedDuplicate());
        replayBytes += size;
    }

    private void dropReplay() {
        if (replay != null) {
            replay.forEach(HttpContent::release);
            replay = null;
        }
        replayBytes = 0;
    }

    @Override
    public void flushBody() {
        if (channel != null && !released) {
            channel.flush();
        }
    }

    void onUpstreamWritabilityChanged() {
        if (channel.isWritable()) {
            exchange.resumeBody();
        }
    }

    // ---- response ----

    void onResponseHead(HttpResponse response) {
        responseStarted = true;
        if (response.decoderResult().isFailure()) {
            closeUpstream();
            fail(UpstreamFailure.BAD_RESPONSE);
            return;
        }
        int code = response.status().code();
        if (code >= 100 && code < 200) {
            // Interim responses (100 Continue, 103 Early Hints) end here; Ferry answered Expect itself.
            skippingInterim = true;
            return;
        }
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        Hop.removeHopByHop(response.headers());
        Hop.addVia(response.headers(), response.protocolVersion(), options.via());
        armIdle();
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
        if (cancelled || released) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            closeUpstream();
            fail(UpstreamFailure.BAD_RESPONSE);
            return;
        }
        if (content instanceof LastHttpContent) {
            releaseConnection();
            exchange.response().body(content);
        } else {
            armIdle();
            exchange.response().body(content);
        }
    }

    void onReadComplete() {
        if (responseHeadSent) {
            exchange.response().flush();
            if (!released && !exchange.clientWritable()) {
                channel.config().setAutoRead(false);
            }
        }
    }

    private void onClientWritabilityChanged() {
        if (channel != null && !released && exchange.clientWritable()) {
            channel.config().setAutoRead(true);
        }
    }

    private void armIdle() {
        connection.arm(options.timeouts().idle().toNanos(), onIdleTimeout);
    }

    /** The response is complete: the connection goes back to the pool when it can carry another request. */
    private void releaseConnection() {
        released = true;
        dropReplay();
        connection.unbind();
        int max = options.maxRequestsPerConnection();
        boolean reusable = upstreamKeepAlive && requestWritten && channel.isActive()
                && (max == 0 || connection.requests() < max);
        if (reusable) {
            channel.config().setAutoRead(true);
            options.pool().offer(address, channel);
        } else {
            channel.close();
        }
    }

    // ---- failures ----

    void onUpstreamClosed() {
        if (released || cancelled) {
            return;
        }
        if (!responseStarted && mayResendOnFreshConnection()) {
            retriedOnFreshConnection = true;
            channel = null;
            headWritten = false;
            requestWritten = false;
            connect();
            return;
        }
        fail(UpstreamFailure.CLOSED);
    }

    void onUpstreamError(Throwable cause) {
        // The close that follows reports it; a reset reads like a close to the client.
    }

    private boolean mayResendOnFreshConnection() {
        return connection != null && connection.reused() && !retriedOnFreshConnection
                && (IDEMPOTENT.contains(request.method()) || !headWritten)
                && (!exchange.hasBody() || (replayable && (replay != null || !requestWritten)));
    }

    private void fail(UpstreamFailure failure) {
        if (cancelled || exchange.finished()) {
            closeUpstream();
            return;
        }
        closeUpstream();
        dropReplay();
        exchange.response().abort(failure.status(), failure.reason());
    }

    private void cancel() {
        cancelled = true;
        dropReplay();
        closeUpstream();
    }

    private void closeUpstream() {
        if (channel != null && !released) {
            released = true;
            connection.unbind();
            channel.close();
        }
    }
}
