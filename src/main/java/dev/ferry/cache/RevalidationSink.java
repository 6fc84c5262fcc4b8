package dev.ferry.cache;

import dev.ferry.http.ForwardingSink;
import dev.ferry.http.ResponseSink;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/**
 * The answer to a request Ferry sent to validate (or replace) a stored response. A 304 refreshes
 * the stored response (RFC 9111 §4.3.4) and the client is answered from it; the 200 to a HEAD
 * updates it too, when it describes the same representation, or else drops it (§4.3.5). Either way
 * the refreshed response stays stored only if it still may be (§3). A server error, or no
 * answer at all, lets a stale response be served instead where {@code stale-if-error} allows
 * (RFC 5861 §4), and no answer at all (the origin is unreachable) lets it be served unless the
 * response forbids serving stale ({@code must-revalidate}, {@code proxy-revalidate},
 * {@code s-maxage}, {@code no-cache}): then the client gets a 504 (§4.2.4) that carries nothing of
 * the stored response. Anything else replaces the stored response through the {@link StoringSink}.
 */
final class RevalidationSink extends ForwardingSink {

    /** Fields a HEAD's 200 must agree on with the stored response to update it (§4.3.5). */
    private static final List<CharSequence> HEAD_MATCHED =
            List.of(HttpHeaderNames.ETAG, HttpHeaderNames.LAST_MODIFIED, HttpHeaderNames.CONTENT_LENGTH);

    private final HttpCache cache;
    private final String cacheName;
    private final StoredResponse stored;
    private final HttpMethod method;
    private final HttpHeaders clientRequest;
    private final CacheControl requestCc;
    private final long requestTime;
    private final ResponseSink client;
    private final Runnable done;
    private boolean swallowing;

    /**
     * @param storing the sink a full response goes to (it stores it, then passes it to the client)
     * @param client where an answer from the stored response goes (bypassing the store)
     * @param done runs once the revalidation is over, however it ended
     */
    RevalidationSink(ResponseSink storing, ResponseSink client, HttpCache cache, String cacheName,
                     StoredResponse stored, HttpMethod method, HttpHeaders clientRequest, CacheControl requestCc,
                     long requestTime, Runnable done) {
        super(storing);
        this.client = client;
        this.cache = cache;
        this.cacheName = cacheName;
        this.stored = stored;
        this.method = method;
        this.clientRequest = clientRequest;
        this.requestCc = requestCc;
        this.requestTime = requestTime;
        this.done = done;
    }

    @Override
    public void head(HttpResponse response) {
        int status = response.status().code();
        long now = cache.clock().millis();
        if (status == 304) {
            swallowing = true;
            StoredResponse refreshed = Entries.refreshed(stored, response.headers(), requestTime, now, cache.config());
            String notKept = update(refreshed, response.headers(), now);
            CacheStatus answer = CacheStatus.of(cacheName).fwd("stale").fwdStatus(304);
            // This client may have the refreshed response even when the cache may not keep it.
            answerFromStored(refreshed, notKept == null ? answer : answer.detail(notKept));
            if (notKept != null) {
                // Only now: the answer holds its own reference to the body the entry releases.
                cache.discard(stored);
            }
            return;
        }
        if (status >= 500 && staleIfError(now)) {
            swallowing = true;
            cache.countStale();
            answerFromStored(stored, CacheStatus.of(cacheName).hit().fwd("stale").fwdStatus(status)
                    .detail("stale-if-error"));
            return;
        }
        if (status == 200 && method == HttpMethod.HEAD) {
            updateFromHead(response.headers(), now);
        }
        done.run();
        next.head(response);
    }

    /**
     * RFC 9111 §3.2, §4.3.4: the stored response takes the new fields, then §3 decides anew whether
     * it may stay stored (the update may say {@code no-store} or {@code private} now). A
     * {@code Set-Cookie} among the new fields goes to this client; the shared entry takes it only
     * where {@code store_set_cookie} allows.
     *
     * @param refreshed the stored response with every new field, as this client gets it
     * @return null when the entry now holds the update, else why it must be dropped
     */
    private String update(StoredResponse refreshed, HttpHeaders fields, long now) {
        StoredResponse kept = refreshed;
        if (!cache.config().storeSetCookie() && fields.contains(HttpHeaderNames.SET_COOKIE)) {
            HttpHeaders shared = fields.copy().remove(HttpHeaderNames.SET_COOKIE);
            kept = Entries.refreshed(stored, shared, requestTime, now, cache.config());
        }
        String whyNot = Storability.whyNot(clientRequest, requestCc, kept.status(), kept.headers(), kept.directives(),
                kept.varyValues(), cache.config().storeSetCookie());
        if (whyNot == null) {
            cache.refresh(stored, kept);
        }
        return whyNot;
    }

    /**
     * RFC 9111 §4.3.5: a HEAD's 200 updates the stored 200 when every validator it carries
     * ({@code ETag}, {@code Last-Modified}) and its {@code Content-Length}, if any, match the stored
     * ones; otherwise the stored response is not what a GET would get now, and is dropped. Its
     * missing body never replaces the stored one (RFC 9110 §9.3.2).
     */
    private void updateFromHead(HttpHeaders fields, long now) {
        boolean same = stored.status() == 200;
        for (CharSequence name : HEAD_MATCHED) {
            String value = fields.get(name);
            same &= value == null || value.equals(stored.headers().get(name));
        }
        if (!same || update(Entries.refreshed(stored, fields, requestTime, now, cache.config()), fields, now) != null) {
            cache.discard(stored);
        }
    }

    @Override
    public void body(HttpContent part) {
        if (swallowing) {
            part.release();
        } else {
            next.body(part);
        }
    }

    @Override
    public void abort(HttpResponseStatus status, String reason) {
        if (swallowing) {
            return;
        }
        done.run();
        long now = cache.clock().millis();
        if (next.headSent()) {
            next.abort(status, reason);
        } else if (forbidsStale(stored.directives()) || unqualifiedNoCache(stored.directives())) {
            // RFC 9111 §4.2.4: a response that must be revalidated and could not be gets 504.
            next.abort(HttpResponseStatus.GATEWAY_TIMEOUT, "cannot revalidate the cached response: " + reason);
        } else {
            // §4.2.4: cut off from the origin, a cache may serve stale unless the response forbids it.
            swallowing = true;
            cache.countStale();
            answerFromStored(stored, CacheStatus.of(cacheName).hit().fwd("stale")
                    .detail(staleIfError(now) ? "stale-if-error" : "origin unreachable"));
        }
    }

    private void answerFromStored(StoredResponse response, CacheStatus status) {
        done.run();
        if (!HitResponse.send(client, method, clientRequest, response, cache.clock().millis(), status)) {
            client.abort(HttpResponseStatus.BAD_GATEWAY, "cached response vanished");
        }
    }

    /** RFC 5861 §4: stale within the stale-if-error window, and nothing forbids serving stale. */
    private boolean staleIfError(long now) {
        CacheControl cc = stored.directives();
        long window = cc.seconds("stale-if-error");
        if (window < 0 || forbidsStale(cc)) {
            return false;
        }
        long staleness = Freshness.currentAge(stored, now) - stored.lifetime();
        return staleness <= window * 1000;
    }

    private static boolean unqualifiedNoCache(CacheControl cc) {
        List<String> fields = cc.fieldNames("no-cache");
        return fields != null && fields.isEmpty();
    }

    /** must-revalidate, proxy-revalidate and (for a shared cache) s-maxage forbid serving stale (§4.2.4, §5.2.2). */
    static boolean forbidsStale(CacheControl cc) {
        return cc.has("must-revalidate") || cc.has("proxy-revalidate") || cc.has("s-maxage");
    }
}
