package dev.ferry.cache;

import dev.ferry.config.Cidr;
import dev.ferry.http.Exchange;
import dev.ferry.http.ForwardingSink;
import dev.ferry.http.Interceptor;
import dev.ferry.http.ResponseSink;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP cache in front of an upstream (RFC 9111, RFC 5861, RFC 9211): serves fresh stored
 * responses, validates stale ones, stores what may be stored, coalesces concurrent misses,
 * invalidates on unsafe methods, and answers {@code PURGE} from allowed clients.
 *
 * <p>For a GET or HEAD: a stored response that is fresh enough for the request is served; one
 * that is stale is served anyway when the client's {@code max-stale} or the response's
 * {@code stale-while-revalidate} allows (the latter starting one background refresh); otherwise
 * the request goes to the origin, conditional when the stored response has validators. On a
 * miss, the first request goes to the origin and others for the same URL wait for it.
 */
public final class CacheInterceptor implements Interceptor {

    private static final HttpMethod PURGE = HttpMethod.valueOf("PURGE");

    private final HttpCache cache;
    private final Map<String, Fill> fills = Fill.registry();

    /** Keys use the scheme the client reached Ferry with ({@code https} on TLS listeners). */
    public CacheInterceptor(HttpCache cache) {
        this.cache = cache;
    }

    @Override
    public void intercept(Exchange exchange, Chain chain) {
        HttpRequest request = exchange.request();
        HttpMethod method = request.method();
        String scheme = exchange.scheme();
        String key = CacheKey.of(scheme, request);
        if (method.equals(PURGE)) {
            purge(exchange, key);
            return;
        }
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            if (!safe(method)) {
                String host = request.headers().get(HttpHeaderNames.HOST);
                exchange.decorateResponse(sink -> new InvalidatingSink(sink, cache, scheme, host == null ? "" : host, key));
            }
            exchange.cacheStatus("BYPASS");
            forward(exchange, chain, "method");
            return;
        }
        if (exchange.hasBody()) {
            // A GET's body is not part of the key, so it must not decide what is stored or served.
            exchange.cacheStatus("BYPASS");
            forward(exchange, chain, "bypass");
            return;
        }
        lookup(exchange, chain, key, false);
    }

    private void lookup(Exchange exchange, Chain chain, String key, boolean collapsed) {
        HttpRequest request = exchange.request();
        HttpHeaders headers = request.headers();
        CacheControl requestCc = Directives.ofRequest(headers);
        Variants variants = cache.variants(key);
        StoredResponse stored = variants == null ? null : variants.select(headers);
        if (stored != null && useStored(exchange, chain, key, stored, requestCc, collapsed)) {
            return;
        }
        cache.countMiss();
        if (requestCc.has("only-if-cached")) {
            onlyIfCached(exchange, chain, key, requestCc);
            return;
        }
        miss(exchange, chain, key, requestCc, variants == null ? "uri-miss" : "vary-miss", collapsed);
    }

    /** Serves or validates {@code stored}; false when it could not be used after all (its body was just evicted). */
    private boolean useStored(Exchange exchange, Chain chain, String key, StoredResponse stored, CacheControl requestCc,
                              boolean collapsed) {
        long now = cache.clock().millis();
        CacheControl cc = stored.directives();
        long age = Freshness.currentAge(stored, now);
        long lifetime = stored.flags().purged ? 0 : stored.lifetime();
        boolean fresh = lifetime > age;
        boolean mustValidate = cc.has("no-cache") && cc.fieldNames("no-cache").isEmpty() || requestCc.has("no-cache");
        long maxAge = requestCc.seconds("max-age");
        boolean youngEnough = maxAge < 0 || age <= maxAge * 1000;
        if (!mustValidate && youngEnough) {
            long minFresh = requestCc.seconds("min-fresh");
            if (fresh && (minFresh < 0 || lifetime - age >= minFresh * 1000)) {
                return serve(exchange, stored, now, hitStatus(exchange, collapsed), "HIT");
            }
            if (!fresh && !RevalidationSink.forbidsStale(cc)) {
                if (requestCc.has("max-stale") && (!requestCc.hasArgument("max-stale")
                        || age - lifetime <= Math.max(0, requestCc.seconds("max-stale")) * 1000)) {
                    cache.countStale();
                    return serve(exchange, stored, now, hitStatus(exchange, collapsed).detail("max-stale"), "STALE");
                }
                long window = cc.seconds("stale-while-revalidate");
                if (window >= 0 && age - lifetime <= window * 1000) {
                    cache.countStale();
                    if (serve(exchange, stored, now, hitStatus(exchange, collapsed).fwd("stale")
                            .detail("stale-while-revalidate"), "STALE")) {
                        refreshInBackground(exchange, chain, key, stored);
                        return true;
                    }
                    return false;
                }
            }
        }
        if (requestCc.has("only-if-cached")) {
            exchange.respond(HttpResponseStatus.GATEWAY_TIMEOUT, "no fresh response in cache (only-if-cached)");
            return true;
        }
        validate(exchange, chain, key, stored, requestCc, mustValidate && fresh ? "request" : "stale");
        return true;
    }

    private CacheStatus hitStatus(Exchange exchange, boolean collapsed) {
        CacheStatus status = CacheStatus.of(exchange.via()).hit();
        return collapsed ? status.collapsed() : status;
    }

    /** @param outcome {@code HIT} or {@code STALE}, for the access log and metrics */
    private boolean serve(Exchange exchange, StoredResponse stored, long now, CacheStatus status, String outcome) {
        exchange.cacheStatus(outcome);
        if (HitResponse.send(exchange.response(), exchange.request().method(), exchange.request().headers(),
                stored, now, status)) {
            cache.countHit();
            return true;
        }
        return false;
    }

    /** Asks the origin whether {@code stored} is still good (conditionally, when it has validators). */
    private void validate(Exchange exchange, Chain chain, String key, StoredResponse stored, CacheControl requestCc,
                          String reason) {
        HttpRequest request = exchange.request();
        HttpHeaders clientHeaders = request.headers().copy();
        makeConditional(request.headers(), stored);
        long requestTime = cache.clock().millis();
        exchange.cacheStatus("REVALIDATED");
        // RFC 9110 §9.3.2: a HEAD's response has no body to store; RevalidationSink takes its fields (§4.3.5).
        boolean head = request.method() == HttpMethod.HEAD;
        exchange.decorateResponse(client -> new RevalidationSink(
                head ? withCacheStatus(client, exchange.via(), reason)
                        : new StoringSink(client, cache, exchange.via(), key, clientHeaders, requestCc, requestTime,
                                reason, null),
                client, cache, exchange.via(), stored, request.method(), clientHeaders, requestCc, requestTime,
                () -> { }));
        chain.proceed(exchange);
    }

    /** stale-while-revalidate: one background request refreshes the entry while clients get the stale one. */
    private void refreshInBackground(Exchange exchange, Chain chain, String key, StoredResponse stored) {
        if (!stored.flags().revalidating.compareAndSet(false, true)) {
            return;
        }
        HttpRequest original = exchange.request();
        HttpRequest copy = new DefaultHttpRequest(original.protocolVersion(), HttpMethod.GET, original.uri(),
                original.headers().copy());
        copy.headers().remove(HttpHeaderNames.RANGE).remove(HttpHeaderNames.IF_RANGE);
        HttpHeaders clientHeaders = copy.headers().copy();
        makeConditional(copy.headers(), stored);
        Exchange background = exchange.detached(copy);
        long requestTime = cache.clock().millis();
        Runnable done = () -> stored.flags().revalidating.set(false);
        background.decorateResponse(sink -> new RevalidationSink(
                new StoringSink(sink, cache, exchange.via(), key, clientHeaders, CacheControl.EMPTY, requestTime,
                        "stale", null),
                sink, cache, exchange.via(), stored, HttpMethod.GET, clientHeaders, CacheControl.EMPTY, requestTime,
                done));
        chain.proceed(background);
    }

    /** RFC 9111 §4.3.1: the stored validators; the client's own conditions are answered by Ferry. */
    private static void makeConditional(HttpHeaders headers, StoredResponse stored) {
        headers.remove(HttpHeaderNames.IF_NONE_MATCH).remove(HttpHeaderNames.IF_MODIFIED_SINCE);
        String etag = stored.headers().get(HttpHeaderNames.ETAG);
        String lastModified = stored.headers().get(HttpHeaderNames.LAST_MODIFIED);
        if (etag != null) {
            headers.set(HttpHeaderNames.IF_NONE_MATCH, etag);
        }
        if (lastModified != null) {
            headers.set(HttpHeaderNames.IF_MODIFIED_SINCE, lastModified);
        }
    }

    private void miss(Exchange exchange, Chain chain, String key, CacheControl requestCc, String reason,
                      boolean collapsed) {
        HttpRequest request = exchange.request();
        exchange.cacheStatus("MISS");
        if (request.method() == HttpMethod.HEAD) {
            // A HEAD response has no body to store; it only passes through.
            forward(exchange, chain, reason);
            return;
        }
        Fill fill = null;
        if (!collapsed) {
            fill = Fill.lead(fills, key);
            if (fill == null && Fill.join(fills, key, lookAgain -> exchange.eventLoop().execute(
                    () -> afterWaiting(exchange, chain, key, lookAgain)))) {
                return;
            }
        }
        Fill leading = fill;
        if (leading != null) {
            exchange.onCancel(leading::abandoned);
        }
        SharedTier shared = cache.shared();
        // Without a memory tier, requests that waited for this instance's leader read its entry from Redis too.
        if ((leading != null || collapsed && !cache.inMemory()) && shared != null && shared.usable()) {
            fromShared(exchange, chain, key, requestCc, reason, leading, shared);
            return;
        }
        fetch(exchange, chain, key, requestCc, reason, leading);
    }

    /** Goes to the origin, storing what may be stored; {@code leading} is the fill this request leads, or null. */
    private void fetch(Exchange exchange, Chain chain, String key, CacheControl requestCc, String reason, Fill leading) {
        HttpRequest request = exchange.request();
        long requestTime = cache.clock().millis();
        HttpHeaders clientHeaders = request.headers().copy();
        exchange.decorateResponse(sink -> new StoringSink(sink, cache, exchange.via(), key, clientHeaders, requestCc,
                requestTime, reason, leading));
        chain.proceed(exchange);
    }

    /**
     * Memory missed: look in Redis. Found, it is brought into memory and used; not found, this
     * instance takes the key's lock and goes to the origin, or, when another instance holds it,
     * waits for that one to fill Redis (at most the lock's lifetime).
     */
    private void fromShared(Exchange exchange, Chain chain, String key, CacheControl requestCc, String reason,
                            Fill leading, SharedTier shared) {
        shared.fetch(key).thenAccept(found -> exchange.eventLoop().execute(() -> {
            StoredResponse stored = cache.promote(key, found, exchange.request().headers());
            if (exchange.finished() || useShared(exchange, chain, key, requestCc, stored, leading)) {
                return;
            }
            if (leading == null) {
                // Woken behind this instance's leader, whose response was not stored: no lock to take.
                fetch(exchange, chain, key, requestCc, reason, null);
                return;
            }
            AtomicBoolean woken = new AtomicBoolean();
            Runnable[] wake = new Runnable[1];
            ScheduledFuture<?> timeout = exchange.eventLoop().schedule(() -> wake[0].run(), SharedTier.LOCK_MILLIS,
                    TimeUnit.MILLISECONDS);
            wake[0] = () -> {
                if (woken.compareAndSet(false, true)) {
                    timeout.cancel(false);
                    shared.stopWaiting(key, wake[0]);
                    exchange.eventLoop().execute(() -> afterOtherInstance(exchange, chain, key, requestCc, reason,
                            leading, shared));
                }
            };
            // Listen before trying the lock, so a fill that ends in between is not missed.
            shared.awaitFill(key, wake[0]);
            shared.lock(key).thenAccept(mine -> exchange.eventLoop().execute(() -> {
                if (!mine || !woken.compareAndSet(false, true)) {
                    return;
                }
                timeout.cancel(false);
                shared.stopWaiting(key, wake[0]);
                leading.whenSettled(() -> shared.filled(key));
                if (exchange.finished()) {
                    leading.abandoned();
                } else {
                    fetch(exchange, chain, key, requestCc, reason, leading);
                }
            }));
        }));
    }

    /** Another instance filled the key (or its lock ran out): use what it stored, else go to the origin. */
    private void afterOtherInstance(Exchange exchange, Chain chain, String key, CacheControl requestCc, String reason,
                                    Fill leading, SharedTier shared) {
        if (exchange.finished()) {
            return;
        }
        shared.fetch(key).thenAccept(found -> exchange.eventLoop().execute(() -> {
            StoredResponse stored = cache.promote(key, found, exchange.request().headers());
            if (!exchange.finished() && !useShared(exchange, chain, key, requestCc, stored, leading)) {
                fetch(exchange, chain, key, requestCc, reason, leading);
            }
        }));
    }

    /** Serves (or validates) the variant Redis had for this request, if any. */
    private boolean useShared(Exchange exchange, Chain chain, String key, CacheControl requestCc, StoredResponse stored,
                              Fill leading) {
        if (stored == null) {
            return false;
        }
        if (leading != null) {
            leading.stored();
        }
        return useStored(exchange, chain, key, stored, requestCc, false);
    }

    /** RFC 9111 §5.2.1.7: from a cache tier or 504, never from the origin. */
    private void onlyIfCached(Exchange exchange, Chain chain, String key, CacheControl requestCc) {
        SharedTier shared = cache.shared();
        if (shared == null || !shared.usable()) {
            exchange.respond(HttpResponseStatus.GATEWAY_TIMEOUT, "not in cache (only-if-cached)");
            return;
        }
        shared.fetch(key).thenAccept(found -> exchange.eventLoop().execute(() -> {
            StoredResponse stored = cache.promote(key, found, exchange.request().headers());
            if (exchange.finished() || stored != null && useStored(exchange, chain, key, stored, requestCc, false)) {
                return;
            }
            exchange.respond(HttpResponseStatus.GATEWAY_TIMEOUT, "not in cache (only-if-cached)");
        }));
    }

    /** A waiting request is woken: look again (the leader stored it), or go to the origin itself. */
    private void afterWaiting(Exchange exchange, Chain chain, String key, boolean lookAgain) {
        if (exchange.finished()) {
            return;
        }
        if (lookAgain) {
            lookup(exchange, chain, key, true);
        } else {
            miss(exchange, chain, key, Directives.ofRequest(exchange.request().headers()), "miss", true);
        }
    }

    /** Sends the request on, uncached, noting why in {@code Cache-Status}. */
    private void forward(Exchange exchange, Chain chain, String reason) {
        exchange.decorateResponse(sink -> withCacheStatus(sink, exchange.via(), reason));
        chain.proceed(exchange);
    }

    /** Passes a response on as it is, with a {@code Cache-Status} saying why it went forward. */
    private static ResponseSink withCacheStatus(ResponseSink sink, String name, String reason) {
        return new ForwardingSink(sink) {
            @Override
            public void head(HttpResponse head) {
                CacheStatus.of(name).fwd(reason).fwdStatus(head.status().code()).addTo(head.headers());
                next.head(head);
            }
        };
    }

    /** {@code PURGE url}: removes the URL's entry, for clients in {@code purge_clients}. */
    private void purge(Exchange exchange, String key) {
        InetAddress client = exchange.clientAddress().getAddress();
        boolean allowed = false;
        for (Cidr block : cache.config().purgeClients()) {
            allowed |= block.contains(client);
        }
        if (!allowed) {
            exchange.respond(HttpResponseStatus.FORBIDDEN, "PURGE not allowed from this address");
            return;
        }
        boolean soft = "soft".equalsIgnoreCase(exchange.request().headers().get("purge-mode"));
        cache.purgeKeyEverywhere(key, soft).thenAccept(purged -> exchange.eventLoop().execute(() ->
                exchange.respond(purged ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND,
                        purged ? "purged" : "not in cache")));
    }

    /** RFC 9110 §9.2.1. */
    private static boolean safe(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS
                || method == HttpMethod.TRACE;
    }

    public HttpCache cache() {
        return cache;
    }
}
