package dev.ferry.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import java.util.List;
import java.util.Map;

/**
 * The checks an HTTP/2 request passes, once Netty turned its header block into an HTTP/1.1 head,
 * before it may be served like an HTTP/1.1 request. Netty already refused (as stream errors):
 * missing or repeated pseudo-fields, connection-specific fields and {@code TE} other than
 * {@code trailers} (RFC 9113 §8.2.2), upper-case names, conflicting {@code :authority} and
 * {@code Host}, and differing {@code content-length}s; it checks {@code content-length} against
 * the DATA frames (§8.1.1). What is left for here is what a proxy needs to forward it safely.
 */
final class Http2Requests {

    /** What an HTTP/2 exchange reports as its protocol (access log, {@code Via: 2 ferry}). */
    static final HttpVersion HTTP_2 = new HttpVersion("HTTP", 2, 0, true);

    /** Fields Netty's conversion adds for its own use; never forwarded. */
    private static final List<CharSequence> EXTENSIONS = List.of(
            ExtensionHeaderNames.STREAM_ID.text(), ExtensionHeaderNames.SCHEME.text(),
            ExtensionHeaderNames.PATH.text(), ExtensionHeaderNames.STREAM_PROMISE_ID.text(),
            ExtensionHeaderNames.STREAM_DEPENDENCY_ID.text(), ExtensionHeaderNames.STREAM_WEIGHT.text(),
            ExtensionHeaderNames.PROTOCOL.text());

    private Http2Requests() {
    }

    /**
     * Checks {@code request} and removes Netty's extension fields from it.
     *
     * @return why the request is malformed (to answer 400), or null when it may be served
     */
    static String check(HttpRequest request) {
        HttpHeaders headers = request.headers();
        String scheme = headers.get(ExtensionHeaderNames.SCHEME.text());
        for (CharSequence name : EXTENSIONS) {
            headers.remove(name);
        }
        if (request.method() == HttpMethod.CONNECT) {
            return null;
        }
        if (scheme != null && !scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            return "unsupported :scheme " + scheme;
        }
        // RFC 9113 §8.3.1: with an http or https :scheme, the request carries :authority or Host.
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.isEmpty()) {
            return "missing :authority";
        }
        String host = hosts.get(0);
        if (hosts.size() > 1 || host.isEmpty() || !HttpChars.isHost(host)) {
            return "invalid :authority";
        }
        String target = request.uri();
        if (target.equals("*") ? request.method() != HttpMethod.OPTIONS : target.charAt(0) != '/') {
            return "invalid :path";
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c > 0xFF || !HttpChars.isTargetChar((byte) c)) {
                return "invalid character in :path";
            }
        }
        for (Map.Entry<String, String> field : headers) {
            if (!validValue(field.getValue())) {
                return "invalid value in field " + field.getKey();
            }
        }
        return null;
    }

    /**
     * RFC 9113 §8.2.1: a value must not hold NUL, CR or LF, nor start or end with whitespace; other
     * control characters are refused too, as on HTTP/1.1.
     */
    private static boolean validValue(String value) {
        int n = value.length();
        if (n > 0 && (isWhitespace(value.charAt(0)) || isWhitespace(value.charAt(n - 1)))) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c > 0xFF || !HttpChars.isFieldChar((byte) c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }
}
