package dev.ferry.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Header rules every proxied message follows: hop-by-hop fields stay on their hop (RFC 9110
 * §7.6.1) and {@code Via} records each proxy passed (RFC 9110 §7.6.3).
 */
public final class Hop {

    /** RFC 9110 §11.7.4: like Proxy-Authenticate, it is meant for the next hop only. */
    private static final AsciiString PROXY_AUTHENTICATION_INFO = AsciiString.cached("proxy-authentication-info");

    /** Fields that describe one connection, never the message. */
    private static final List<AsciiString> HOP_BY_HOP = List.of(
            HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.PROXY_AUTHENTICATE,
            PROXY_AUTHENTICATION_INFO,
            HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER,
            HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.UPGRADE);

    private Hop() {
    }

    /** Removes the hop-by-hop fields, including every field named in {@code Connection}. */
    public static void removeHopByHop(HttpHeaders headers) {
        String connection = headers.get(HttpHeaderNames.CONNECTION);
        if (connection != null && !isPlainConnectionValue(connection)) {
            for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
                for (String name : value.split(",")) {
                    String trimmed = name.trim();
                    if (!trimmed.isEmpty()) {
                        headers.remove(trimmed);
                    }
                }
            }
        }
        for (AsciiString name : HOP_BY_HOP) {
            headers.remove(name);
        }
    }

    /** {@code keep-alive} or {@code close} alone name no other field to remove (the common case). */
    private static boolean isPlainConnectionValue(String value) {
        return HttpHeaderValues.KEEP_ALIVE.contentEqualsIgnoreCase(value)
                || HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(value);
    }

    /**
     * Whether the sender of {@code message} keeps its connection open afterwards (RFC 9112 §9.3):
     * not with {@code Connection: close}; by default in HTTP/1.1; in HTTP/1.0 only with
     * {@code keep-alive}. One header lookup, unlike {@code HttpUtil.isKeepAlive}.
     */
    public static boolean keepAlive(HttpMessage message) {
        String connection = message.headers().get(HttpHeaderNames.CONNECTION);
        boolean byDefault = message.protocolVersion().isKeepAliveDefault();
        if (connection == null) {
            return byDefault;
        }
        if (HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(connection)) {
            return false;
        }
        if (HttpHeaderValues.KEEP_ALIVE.contentEqualsIgnoreCase(connection)) {
            return true;
        }
        return !message.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)
                && (byDefault || message.headers().containsValue(HttpHeaderNames.CONNECTION,
                        HttpHeaderValues.KEEP_ALIVE, true));
    }

    /**
     * Makes a received request fit to send on: hop-by-hop fields removed (the body stays chunked if
     * it was), {@code Via} added, HTTP/1.1 on the next hop.
     */
    public static void prepareRequest(HttpRequest request, String pseudonym) {
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        removeHopByHop(request.headers());
        if (chunked) {
            request.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        addVia(request.headers(), request.protocolVersion(), pseudonym);
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    /** Appends this proxy to {@code Via}, e.g. {@code 1.1 ferry}, or {@code 2 ferry} for HTTP/2. */
    public static void addVia(HttpHeaders headers, HttpVersion received, String pseudonym) {
        // RFC 9110 §7.6.3 writes the protocol version as HTTP/2 names it: "2", not "2.0".
        String version = received.majorVersion() >= 2 ? String.valueOf(received.majorVersion())
                : received.majorVersion() + "." + received.minorVersion();
        String entry = version + " " + pseudonym;
        String existing = headers.get(HttpHeaderNames.VIA);
        headers.set(HttpHeaderNames.VIA, existing == null ? entry : existing + ", " + entry);
    }
}
