package dev.ferry.upstream;

import dev.ferry.config.RetryConfig;
import dev.ferry.http.Exchange;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;

/**
 * Gets one exchange answered by an upstream: picks a server with the balancer, takes a slot on it
 * (or waits in the upstream's queue when every server is full), runs a {@link ProxyCall}, and
 * decides what a failed attempt leads to.
 *
 * <p>Retry rules: never once any of a response reached the client; always to a server not tried
 * yet; at most {@code attempts} tries; each retry needs a token from the upstream's retry budget;
 * the body must have been small enough to keep. Connect failures are retried for every method
 * (nothing was sent); other failures and 502/503/504 answers only for idempotent methods. Apart
 * from that, a request that could not even be written on its pooled connection (the server had
 * closed it) is sent once more on a fresh connection to the same server: nothing of it was sent,
 * so no server ever sees it twice.
 */
public final class UpstreamRequest implements ProxyCall.Listener {

    private final Exchange exchange;
    private final Upstream upstream;
    private final CallOptions options;
    private final int maxAttempts;
    private final int budgetPercent;
    private final HttpRequest request;
    private final boolean upgrade;
    private final boolean idempotent;
    private final RequestStream body;
    private final ServerSelection selection;

    private Server server;
    private boolean holdingSlot;
    private ProxyCall call;
    private int attempts;
    private boolean freshRetryUsed;
    /** A retry token taken for the next attempt (not dispatched yet). */
    private boolean tokenReserved;
    /** The running attempt is a retry and holds a token until it ends. */
    private boolean attemptHoldsToken;
    private boolean queued;
    /** When waiting in the queue must end (System.nanoTime), set the first time it queues; 0 before. */
    private long queueDeadline;
    private boolean done;

    private UpstreamRequest(Exchange exchange, Upstream upstream, CallOptions options, RetryConfig retries,
                            boolean upgrade) {
        this.exchange = exchange;
        this.upstream = upstream;
        this.options = options;
        this.maxAttempts = retries.attempts();
        this.budgetPercent = retries.budgetPercent();
        this.request = exchange.request();
        this.upgrade = upgrade;
        this.idempotent = idempotent(request.method());
        this.body = new RequestStream(exchange, options.maxReplayBody());
        this.selection = upstream.select(upstream.hashKeyOf(exchange));
    }

    /**
     * Sends the exchange's request (already prepared for the next hop) to {@code upstream}.
     *
     * @param options how to reach the servers, with the route's timeouts
     * @param retries attempts in all and the retry budget (the route's, or the upstream's)
     * @param upgrade the request asks for a WebSocket upgrade
     */
    public static void send(Exchange exchange, Upstream upstream, CallOptions options, RetryConfig retries,
                            boolean upgrade) {
        new UpstreamRequest(exchange, upstream, options, retries, upgrade).start();
    }

    /** Sends the exchange's request to one server, without queueing or retries (the forward proxy). */
    public static void sendDirect(Exchange exchange, Server server, CallOptions options) {
        Upstream direct = Upstream.direct(server, options);
        send(exchange, direct, options, direct.retries(), false);
    }

    /** RFC 9110 §9.2.2. Decoded methods are Netty's shared constants, so identity is enough. */
    static boolean idempotent(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS
                || method == HttpMethod.TRACE || method == HttpMethod.PUT || method == HttpMethod.DELETE;
    }

    private void start() {
        upstream.budget().requestStarted();
        exchange.onCancel(this::cancel);
        exchange.onClientWritabilityChanged(() -> {
            if (call != null && exchange.clientWritable()) {
                call.clientWritable();
            }
        });
        pick();
    }

    EventLoop eventLoop() {
        return exchange.eventLoop();
    }

    private void pick() {
        Server chosen = selection.next();
        if (chosen != null && chosen.tryAcquire()) {
            dispatch(chosen, false);
            return;
        }
        if (selection.anyLeft(null)) {
            // Every server we may still use is at max_connections: wait for a slot, boundedly.
            if (queueDeadline == 0) {
                queueDeadline = upstream.queue().deadlineFromNow();
            }
            if (!upstream.queue().offer(this, queueDeadline, chosen != null)) {
                end(System.nanoTime() - queueDeadline >= 0 ? UpstreamFailure.QUEUE_TIMEOUT : UpstreamFailure.QUEUE_FULL);
                return;
            }
            queued = true;
            // A slot may have freed between the look and the enqueue, waking nobody: look again.
            if (selection.anyFree() && upstream.queue().remove(this)) {
                queued = false;
                pick();
            }
            return;
        }
        end(UpstreamFailure.NO_SERVER);
    }

    /** Whether this waiting request could use {@code server} (called from the thread that freed it). */
    boolean couldUse(Server server) {
        return selection.couldUse(server);
    }

    private void dispatch(Server chosen, boolean freshConnection) {
        server = chosen;
        exchange.upstream(chosen.id());
        holdingSlot = true;
        attempts++;
        attemptHoldsToken = tokenReserved;
        tokenReserved = false;
        if (attemptHoldsToken) {
            upstream.metrics().retried();
        }
        HAProxyMessage proxyHeader = upstream.proxyProtocol().map(version -> ProxyHeaders.of(version,
                exchange.clientAddress(), (InetSocketAddress) exchange.channel().localAddress())).orElse(null);
        call = new ProxyCall(exchange, request, chosen, options, body, this, freshConnection, upgrade, proxyHeader);
        call.start();
    }

    /** Woken by the queue: a server slot was freed. */
    void retryPick() {
        queued = false;
        if (!done) {
            pick();
        }
    }

    void queueTimedOut() {
        queued = false;
        if (!done) {
            end(UpstreamFailure.QUEUE_TIMEOUT);
        }
    }

    // ---- ProxyCall.Listener ----

    @Override
    public boolean onResponseStatus(int status) {
        if (status >= 500) {
            server.health().requestFailed("status " + status);
        } else {
            server.health().requestSucceeded();
        }
        return (status == 502 || status == 503 || status == 504) && idempotent && reserveRetry();
    }

    @Override
    public void failed(UpstreamFailure failure, boolean staleConnection, boolean requestMaybeSent) {
        releaseSlot();
        releaseAttemptToken();
        if (!staleConnection && failure != UpstreamFailure.ERROR_STATUS) {
            server.health().requestFailed(failure.reason());
        }
        if (failure != UpstreamFailure.ERROR_STATUS) {
            server.metrics().failed(failure.label());
        }
        if (done) {
            return;
        }
        if (staleConnection && !freshRetryUsed && !requestMaybeSent && body.replayable() && server.tryAcquire()) {
            freshRetryUsed = true;
            attempts--;
            dispatch(server, true);
            return;
        }
        selection.tried(server);
        boolean retriable = failure.beforeRequestSent() || idempotent;
        if (tokenReserved || retriable && reserveRetry()) {
            pick();
        } else {
            end(failure);
        }
    }

    /** Takes a retry token for the next attempt when another server may be tried now. */
    private boolean reserveRetry() {
        if (attempts >= maxAttempts || !body.replayable() || !selection.anyLeft(server)) {
            return false;
        }
        tokenReserved = upstream.budget().tryRetry(budgetPercent);
        return tokenReserved;
    }

    @Override
    public void finished() {
        releaseSlot();
        releaseAttemptToken();
        complete();
    }

    private void releaseSlot() {
        if (holdingSlot) {
            holdingSlot = false;
            server.release();
            upstream.queue().wake(server);
        }
    }

    private void releaseAttemptToken() {
        if (attemptHoldsToken) {
            attemptHoldsToken = false;
            upstream.budget().retryFinished();
        }
    }

    private void end(UpstreamFailure failure) {
        if (done) {
            return;
        }
        complete();
        exchange.response().abort(failure.status(), failure.reason());
    }

    private void complete() {
        if (done) {
            return;
        }
        done = true;
        releaseAttemptToken();
        if (tokenReserved) {
            tokenReserved = false;
            upstream.budget().retryFinished();
        }
        body.release();
        upstream.budget().requestFinished();
    }

    private void cancel() {
        if (queued) {
            upstream.queue().remove(this);
            queued = false;
        }
        if (call != null) {
            call.cancel();
        }
        releaseSlot();
        complete();
    }
}
