package dev.ferry.cache;

import dev.ferry.http.ForwardingSink;
import dev.ferry.http.ResponseSink;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;

/**
 * RFC 9111 §4.4: a non-error response to an unsafe method invalidates the target URI, and the
 * URIs in {@code Location} and {@code Content-Location} when they are on the same origin.
 */
final class InvalidatingSink extends ForwardingSink {

    private final HttpCache cache;
    private final String scheme;
    private final String host;
    private final String targetKey;

    InvalidatingSink(ResponseSink next, HttpCache cache, String scheme, String host, String targetKey) {
        super(next);
        this.cache = cache;
        this.scheme = scheme;
        this.host = host;
        this.targetKey = targetKey;
    }

    @Override
    public void head(HttpResponse response) {
        int status = response.status().code();
        if (status >= 200 && status < 400) {
            cache.remove(targetKey);
            invalidate(response.headers().get(HttpHeaderNames.LOCATION));
            invalidate(response.headers().get(HttpHeaderNames.CONTENT_LOCATION));
        }
        next.head(response);
    }

    private void invalidate(String uri) {
        if (uri == null || uri.isBlank()) {
            return;
        }
        String key;
        if (uri.startsWith("/")) {
            key = CacheKey.of(scheme, host, uri);
        } else {
            key = CacheKey.ofUri(uri);
            String origin = CacheKey.of(scheme, host, "/");
            // Only the same origin: another host's entries are not this response's to drop.
            if (key == null || !key.startsWith(origin.substring(0, origin.length() - 1) + "/")) {
                return;
            }
        }
        cache.remove(key);
    }
}
