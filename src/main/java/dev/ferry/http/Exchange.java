package dev.ferry.http;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One request and its response on a client connection, from the arrival of the request head to
 * the last byte of the response. Handlers read the request, take its body with
 * {@link #receiveBody}, and answer through {@link #response()}. Confined to the client's event
 * loop: nothing here is thread-safe, and nothing needs to be.
 */
public final class Exchange {

    /** Body bytes buffered while nobody takes them yet (e.g. while the upstream connects). */
    private static final int MAX_PENDING_BODY = 64 * 1024;

    private final Connection frontend;
    private final HttpRequest request;
    private final String target;
    private final boolean clientKeepAlive;
    private final HttpVersion clientVersion;
    private final HttpMethod method;
    private final long startNanos = System.nanoTime();
    private final long startMillis = System.currentTimeMillis();
    private final ClientResponse clientResponse;
    private ResponseSink response;

    private BodyReceiver receiver;
    private ArrayDeque<HttpContent> pending;
    private int pendingBytes;
    private final boolean hasBody;
    private boolean requestComplete;
    private boolean expectContinue;
    private long bytesIn;

    private Runnable writabilityListener;
    private List<Runnable> cancelListeners;
    private boolean finished;
    private boolean holdsPermit;

    private String upstream;
    private String cacheStatus;
    private String route;
    private boolean forwardProxied;

    Exchange(Connection frontend, HttpRequest request, boolean hasBody, boolean clientKeepAlive) {
        this.frontend = frontend;
        this.request = request;
        this.target = request.uri();
        this.hasBody = hasBody;
        this.requestComplete = !hasBody;
        this.clientKeepAlive = clientKeepAlive;
        this.clientVersion = request.protocolVersion();
        this.method = request.method();
        this.clientResponse = new ClientResponse(frontend, this);
        this.response = clientResponse;
    }

    /**
     * A body-less exchange for {@code request} on this exchange's event loop that no client waits
     * for: what it answers goes only to the sinks its owner puts in front (a cache refresh). It
     * does not count as a request in flight and outlives this exchange.
     */
    public Exchange detached(HttpRequest request) {
        return new Exchange(new DetachedConnection(frontend), request, false, false);
    }

    /** The request head. Handlers may change it (headers, URI) before sending it on. */
    public HttpRequest request() {
        return request;
    }

    /** The request target exactly as received. */
    public String originalTarget() {
        return target;
    }

    public Channel channel() {
        return frontend.channel();
    }

    public EventLoop eventLoop() {
        return frontend.channel().eventLoop();
    }

    public InetSocketAddress clientAddress() {
        return frontend.clientAddress();
    }

    /** The socket peer (a load balancer, say): who to trust forwarding headers from. */
    public InetSocketAddress peerAddress() {
        return ClientAddress.peer(frontend.channel());
    }

    public String listener() {
        return frontend.context().listener();
    }

    /** {@code https} when the client reached Ferry over TLS, else {@code http}. */
    public String scheme() {
        return frontend.context().scheme();
    }

    /** The {@code Via} pseudonym of this Ferry. */
    public String via() {
        return frontend.context().via();
    }

    /** Where the response goes; decorators added by {@link #decorateResponse} come first. */
    public ResponseSink response() {
        return response;
    }

    /** Puts a decorator in front of the current response sink (a cache tee, a header rewrite). */
    public void decorateResponse(UnaryOperator<ResponseSink> decorator) {
        response = requireNonNull(decorator.apply(response), "decorated sink");
    }

    /** Answers with a complete response (head and body at once). */
    public void respond(FullHttpResponse full) {
        response.head(new DefaultHttpResponse(full.protocolVersion(), full.status(), full.headers()));
        response.body(new DefaultLastHttpContent(full.content()));
    }

    /** Answers {@code status} with a one-line plain-text reason; the connection stays open. */
    public void respond(HttpResponseStatus status, String reason) {
        respond(ErrorResponses.of(status, reason, false));
    }

    /** Whether the request has a body (Content-Length above 0 or chunked). */
    public boolean hasBody() {
        return hasBody;
    }

    /** True once the whole request body has arrived (at once when there is none). */
    public boolean requestComplete() {
        return requestComplete;
    }

    /** Request body bytes received so far. */
    public long bytesIn() {
        return bytesIn;
    }

    /**
     * Starts delivering the request body to {@code receiver}: what arrived already, then the rest as
     * it comes. Sends {@code 100 Continue} first if the client asked for it.
     */
    public void receiveBody(BodyReceiver receiver) {
        this.receiver = requireNonNull(receiver, "receiver");
        if (expectContinue && !requestComplete) {
            frontend.writeContinue();
        }
        expectContinue = false;
        if (pending != null) {
            HttpContent part;
            while ((part = pending.poll()) != null) {
                receiver.bodyPart(part);
            }
            pendingBytes = 0;
            frontend.unblockReads(HttpFrontend.BLOCK_BUFFERING);
        }
        receiver.flushBody();
    }

    /** Stops reading the request body from the client (the receiver cannot keep up). */
    public void pauseBody() {
        frontend.blockReads(HttpFrontend.BLOCK_BACKPRESSURE);
    }

    public void resumeBody() {
        frontend.unblockReads(HttpFrontend.BLOCK_BACKPRESSURE);
    }

    /** Whether the client can take more response bytes now. */
    public boolean clientWritable() {
        return frontend.channel().isWritable();
    }

    /** Runs {@code listener} whenever the client's writability changes. */
    public void onClientWritabilityChanged(Runnable listener) {
        this.writabilityListener = listener;
    }

    /** Runs {@code listener} if the exchange ends early: the client left or its request was malformed. */
    public void onCancel(Runnable listener) {
        if (cancelListeners == null) {
            cancelListeners = new ArrayList<>(2);
        }
        cancelListeners.add(listener);
    }

    /**
     * Turns the client connection into a byte tunnel: the HTTP handlers leave the pipeline,
     * {@code relay} takes their place (bytes already read but not decoded go to it first), and
     * {@code preface} (e.g. {@code HTTP/1.1 200 Connection established}) is written. The exchange
     * stops counting as a request in flight; {@link #tunnelClosed} records it in the access log.
     */
    public void startTunnel(ChannelHandler relay, byte[] preface, int status) {
        clientResponse.markTunnel(status);
        releasePermit();
        frontend.switchToTunnel(relay, preface);
    }

    /**
     * Completes a protocol upgrade: {@code switching} (the server's {@code 101}) goes to the client
     * through the HTTP encoder, then the connection becomes a byte tunnel through {@code relay}.
     */
    public void upgrade(HttpResponse switching, ChannelHandler relay) {
        clientResponse.markTunnel(switching.status().code());
        releasePermit();
        frontend.writeUpgrade(switching);
        frontend.switchToTunnel(relay, new byte[0]);
    }

    /** Ends a tunnel started by {@link #startTunnel}, recording the bytes relayed each way. */
    public void tunnelClosed(long bytesFromClient, long bytesToClient) {
        this.bytesIn = bytesFromClient;
        clientResponse.addBytesOut(bytesToClient);
        finish();
    }

    public void upstream(String address) {
        this.upstream = address;
    }

    public void cacheStatus(String status) {
        this.cacheStatus = status;
    }

    public void route(String name) {
        this.route = name;
    }

    /** The listener's forward proxy takes this request (for metrics: it has no route). */
    public void forwardProxied() {
        this.forwardProxied = true;
    }

    boolean isForwardProxied() {
        return forwardProxied;
    }

    public boolean finished() {
        return finished;
    }

    long startNanos() {
        return startNanos;
    }

    long startMillis() {
        return startMillis;
    }

    String upstreamAddress() {
        return upstream;
    }

    String cacheStatusValue() {
        return cacheStatus;
    }

    /** The route the request took, once routed; null before (or without routes). */
    public String routeName() {
        return route;
    }

    boolean clientKeepAlive() {
        return clientKeepAlive;
    }

    /** The protocol version the client spoke (the request may be rewritten to HTTP/1.1 for the upstream). */
    HttpVersion clientVersion() {
        return clientVersion;
    }

    /** The method as received. */
    HttpMethod method() {
        return method;
    }

    ClientResponse clientResponse() {
        return clientResponse;
    }

    void expectContinue() {
        expectContinue = !requestComplete;
    }

    void holdPermit() {
        holdsPermit = true;
    }

    void releasePermit() {
        if (holdsPermit) {
            holdsPermit = false;
            frontend.context().inFlight().release();
        }
    }

    /** A part of the request body arrived from the client. */
    void requestPart(HttpContent part) {
        bytesIn += part.content().readableBytes();
        if (part instanceof LastHttpContent) {
            requestComplete = true;
        }
        if (receiver != null) {
            receiver.bodyPart(part);
        } else if (finished) {
            part.release();
        } else {
            if (pending == null) {
                pending = new ArrayDeque<>(4);
            }
            pending.add(part);
            pendingBytes += part.content().readableBytes();
            if (pendingBytes > MAX_PENDING_BODY) {
                frontend.blockReads(HttpFrontend.BLOCK_BUFFERING);
            }
        }
    }

    void flushRequest() {
        if (receiver != null) {
            receiver.flushBody();
        }
    }

    void clientWritabilityChanged() {
        if (writabilityListener != null) {
            writabilityListener.run();
        }
    }

    /** The client connection closed or its request turned out malformed: stop everything. */
    void cancel() {
        if (finished) {
            return;
        }
        List<Runnable> listeners = cancelListeners;
        cancelListeners = null;
        if (listeners != null) {
            listeners.forEach(Runnable::run);
        }
    }

    /** Called once, when the response is complete or abandoned. */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        releasePermit();
        if (pending != null) {
            HttpContent part;
            while ((part = pending.poll()) != null) {
                part.release();
            }
        }
        frontend.exchangeFinished(this);
    }
}
