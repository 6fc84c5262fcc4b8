package dev.ferry.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Locale;

/**
 * The primary cache key (RFC 9111 §2): scheme, host (lower-case, default port dropped) and the
 * request target exactly as received. GET and HEAD share it. Nothing else from the request goes
 * in, and the path is not normalised: {@code /a;x.css} and {@code /a} are different resources,
 * and a header the key ignores ({@code X-Forwarded-Host}, {@code X-Original-URL}) cannot select an
 * entry.
 */
final class CacheKey {

    private CacheKey() {
    }

    /** The key of an origin-form request whose {@code Host} names the origin. */
    static String of(String scheme, HttpRequest request) {
        return of(scheme, request.headers().get(HttpHeaderNames.HOST), request.uri());
    }

    static String of(String scheme, String host, String target) {
        return scheme + "://" + normalisedHost(scheme, host == null ? "" : host) + target;
    }

    private static String normalisedHost(String scheme, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        String defaultPort = scheme.equals("https") ? ":443" : ":80";
        if (h.endsWith(defaultPort)) {
            h = h.substring(0, h.length() - defaultPort.length());
        }
        return h;
    }

    /** The key of an absolute URI (a {@code Location} to invalidate, a URL to purge), or null when it isn't one. */
    static String ofUri(String uri) {
        int schemeEnd = uri.indexOf("://");
        if (schemeEnd <= 0) {
            return null;
        }
        String scheme = uri.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        int start = schemeEnd + 3;
        int end = start;
        while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
            end++;
        }
        String rest = uri.substring(end);
        if (rest.isEmpty()) {
            rest = "/";
        } else if (rest.charAt(0) == '?') {
            rest = "/" + rest;
        }
        return of(scheme, uri.substring(start, end), rest);
    }
}
