package dev.ferry.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Which directives a response's caching follows: {@code CDN-Cache-Control} when present and
 * parseable (RFC 9213 §2.1: a cache that implements it then ignores {@code Cache-Control}), else
 * {@code Cache-Control}; and, for requests, {@code Pragma: no-cache} when there is no
 * {@code Cache-Control} (RFC 9111 §5.4).
 */
final class Directives {

    static final CharSequence CDN_CACHE_CONTROL = "cdn-cache-control";

    private Directives() {
    }

    /**
     * The directives that govern storing and freshness of a response: a valid
     * {@code CDN-Cache-Control} replaces {@code Cache-Control} entirely (so {@code max-age} there
     * outranks even a {@code no-store} in Cache-Control); an invalid one is ignored. The field itself
     * is always passed on unchanged, for caches further down that target it too.
     */
    static CacheControl of(HttpHeaders response) {
        java.util.List<String> targeted = response.getAll(CDN_CACHE_CONTROL);
        if (!targeted.isEmpty()) {
            CacheControl cdn = TargetedCacheControl.parse(targeted);
            if (cdn != null) {
                return cdn;
            }
        }
        return CacheControl.of(response, HttpHeaderNames.CACHE_CONTROL);
    }

    /** A request's directives. */
    static CacheControl ofRequest(HttpHeaders request) {
        if (!request.contains(HttpHeaderNames.CACHE_CONTROL) && request.containsValue(HttpHeaderNames.PRAGMA, "no-cache", true)) {
            return CacheControl.parse("no-cache");
        }
        return CacheControl.of(request, HttpHeaderNames.CACHE_CONTROL);
    }
}
