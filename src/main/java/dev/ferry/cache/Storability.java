package dev.ferry.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Map;

/**
 * Whether a shared cache may store a response (RFC 9111 §3), as a pure function: null when it
 * may, else the reason it may not (reported in {@code Cache-Status} as {@code detail}).
 */
final class Storability {

    private Storability() {
    }

    /**
     * @param requestHeaders the request as the client sent it
     * @param cc the effective response directives (CDN-Cache-Control, else Cache-Control)
     * @param storeSetCookie whether responses with {@code Set-Cookie} may be stored (without it)
     */
    static String whyNot(HttpHeaders requestHeaders, CacheControl requestCc, int status, HttpHeaders responseHeaders,
                         CacheControl cc, Map<String, String> varyValues, boolean storeSetCookie) {
        if (status < 200 || status == 206 || status == 304) {
            return status == 206 ? "partial" : "status";
        }
        boolean mustUnderstand = cc.has("must-understand");
        if (mustUnderstand && !understood(status)) {
            return "must-understand";
        }
        // §5.2.2.3: a cache that understands the status ignores no-store next to must-understand.
        if (cc.has("no-store") && !(mustUnderstand && understood(status))) {
            return "no-store";
        }
        if (requestCc.has("no-store")) {
            return "request no-store";
        }
        // §5.2.2.7: an unqualified private is for the user's own cache; a qualified one only hides fields.
        java.util.List<String> privateFields = cc.fieldNames("private");
        if (privateFields != null && privateFields.isEmpty()) {
            return "private";
        }
        if (requestHeaders.contains(HttpHeaderNames.AUTHORIZATION)
                && !(cc.has("public") || cc.has("s-maxage") || cc.has("must-revalidate"))) {
            // §3.5
            return "authorization";
        }
        if (responseHeaders.contains(HttpHeaderNames.SET_COOKIE) && !storeSetCookie) {
            return "set-cookie";
        }
        if (varyValues == Vary.STAR) {
            return "vary-star";
        }
        boolean explicit = cc.has("public") || cc.has("max-age") || cc.has("s-maxage")
                || responseHeaders.contains(HttpHeaderNames.EXPIRES);
        if (!explicit && !Freshness.heuristicallyCacheable(status)) {
            return "not cacheable";
        }
        return null;
    }

    /** Status codes whose caching rules Ferry implements (RFC 9110 §15). */
    static boolean understood(int status) {
        return switch (status) {
            case 200, 203, 204, 206, 300, 301, 302, 303, 304, 307, 308, 400, 403, 404, 405, 410, 414, 500, 501,
                 502, 503, 504 -> true;
            default -> false;
        };
    }
}
