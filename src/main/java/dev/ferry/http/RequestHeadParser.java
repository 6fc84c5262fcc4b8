package dev.ferry.http;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.ferry.http.StrictRequestDecoder.BadRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * Parses one complete request head (request line and header section, CRLF-terminated lines) and
 * decides how its body is framed (RFC 9112 §6). Pure: bytes in, a {@link Head} or a
 * {@link BadRequest} out.
 */
final class RequestHeadParser {

    /** Headers are validated here, byte by byte, so Netty need not validate them again. */
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory()
            .withNameValidation(false).withValueValidation(false);

    private static final AsciiString CONTENT_LENGTH = HttpHeaderNames.CONTENT_LENGTH;
    private static final AsciiString TRANSFER_ENCODING = HttpHeaderNames.TRANSFER_ENCODING;
    private static final AsciiString HOST = HttpHeaderNames.HOST;

    /**
     * A parsed request head.
     *
     * @param contentLength body length when not chunked; 0 when there is no body
     */
    record Head(HttpVersion version, HttpMethod method, String uri, HttpHeaders headers,
                boolean chunked, long contentLength) {
    }

    private RequestHeadParser() {
    }

    static Head parse(byte[] h) {
        int lineEnd = indexOf(h, 0, (byte) '\r');
        int sp1 = indexOf(h, 0, (byte) ' ');
        if (sp1 <= 0 || sp1 > lineEnd) {
            throw bad("malformed request line");
        }
        for (int i = 0; i < sp1; i++) {
            if (!HttpChars.isTchar(h[i])) {
                throw bad("invalid method");
            }
        }
        int sp2 = indexOf(h, sp1 + 1, (byte) ' ');
        if (sp2 < 0 || sp2 > lineEnd || sp2 == sp1 + 1) {
            throw bad("malformed request line");
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            if (!HttpChars.isTargetChar(h[i])) {
                throw bad("invalid character in request target");
            }
        }
        HttpVersion version = parseVersion(h, sp2 + 1, lineEnd);
        HttpMethod method = HttpMethod.valueOf(new String(h, 0, sp1, US_ASCII));
        String uri = new String(h, sp1 + 1, sp2 - sp1 - 1, US_ASCII);

        HttpHeaders headers = HEADERS.newHeaders();
        Framing framing = new Framing();
        parseFields(h, lineEnd + 2, headers, framing);
        return framing.decide(version, method, uri, headers);
    }

    /** Trailer fields of a chunked body; fields that would change framing or routing are dropped. */
    static HttpHeaders parseTrailers(byte[] section) {
        HttpHeaders trailers = HEADERS.newHeaders();
        parseFields(section, 0, trailers, null);
        return dropForbiddenTrailers(trailers);
    }

    /** RFC 9110 §6.5.1: a trailer must not carry framing, routing or authentication fields. */
    static HttpHeaders dropForbiddenTrailers(HttpHeaders trailers) {
        trailers.remove(CONTENT_LENGTH).remove(TRANSFER_ENCODING).remove(HOST)
                .remove(HttpHeaderNames.TRAILER).remove(HttpHeaderNames.AUTHORIZATION)
                .remove(HttpHeaderNames.CONNECTION).remove(HttpHeaderNames.CONTENT_TYPE);
        return trailers;
    }

    private static HttpVersion parseVersion(byte[] h, int from, int to) {
        if (to - from == 8 && h[from] == 'H' && h[from + 1] == 'T' && h[from + 2] == 'T' && h[from + 3] == 'P'
                && h[from + 4] == '/' && isDigit(h[from + 5]) && h[from + 6] == '.' && isDigit(h[from + 7])) {
            if (h[from + 5] == '1' && h[from + 7] == '1') {
                return HttpVersion.HTTP_1_1;
            }
            if (h[from + 5] == '1' && h[from + 7] == '0') {
                return HttpVersion.HTTP_1_0;
            }
            throw new BadRequest(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP version not supported");
        }
        throw bad("malformed HTTP version");
    }

    /** Parses CRLF-terminated field lines from {@code from} up to the empty line. */
    private static void parseFields(byte[] h, int from, HttpHeaders headers, Framing framing) {
        int pos = from;
        while (true) {
            int cr = indexOf(h, pos, (byte) '\r');
            if (h[cr + 1] != '\n') {
                throw bad("bare CR in header section");
            }
            if (cr == pos) {
                return;
            }
            parseField(h, pos, cr, headers, framing);
            pos = cr + 2;
        }
    }

    private static void parseField(byte[] h, int start, int end, HttpHeaders headers, Framing framing) {
        if (h[start] == ' ' || h[start] == '\t') {
            throw bad("obsolete line folding is not allowed");
        }
        int colon = start;
        while (colon < end && HttpChars.isTchar(h[colon])) {
            colon++;
        }
        if (colon == end || h[colon] != ':') {
            if (colon < end && (h[colon] == ' ' || h[colon] == '\t')) {
                throw bad("whitespace between header name and colon");
            }
            throw bad("invalid character in header name");
        }
        if (colon == start) {
            throw bad("empty header name");
        }
        int valueStart = colon + 1;
        while (valueStart < end && (h[valueStart] == ' ' || h[valueStart] == '\t')) {
            valueStart++;
        }
        int valueEnd = end;
        while (valueEnd > valueStart && (h[valueEnd - 1] == ' ' || h[valueEnd - 1] == '\t')) {
            valueEnd--;
        }
        for (int i = valueStart; i < valueEnd; i++) {
            if (!HttpChars.isFieldChar(h[i])) {
                throw bad(h[i] == '\r' ? "bare CR in header value" : "invalid character in header value");
            }
        }
        AsciiString name = new AsciiString(h, start, colon - start, false);
        AsciiString value = new AsciiString(h, valueStart, valueEnd - valueStart, false);
        if (framing != null) {
            framing.observe(name, value);
        }
        headers.add(name, value);
    }

    private static int indexOf(byte[] h, int from, byte b) {
        for (int i = from; i < h.length; i++) {
            if (h[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    static BadRequest bad(String reason) {
        return new BadRequest(HttpResponseStatus.BAD_REQUEST, reason);
    }

    /** Collects the fields that decide framing and checks them together (RFC 9112 §6.1-6.3). */
    private static final class Framing {
        private int hosts;
        private String hostValue = "";
        private long contentLength = -1;
        private int contentLengthFields;
        private StringBuilder transferEncoding;

        void observe(AsciiString name, AsciiString value) {
            if (name.length() == 4 && HOST.contentEqualsIgnoreCase(name)) {
                hosts++;
                hostValue = value.toString();
            } else if (name.length() == 14 && CONTENT_LENGTH.contentEqualsIgnoreCase(name)) {
                contentLengthFields++;
                for (String element : value.toString().split(",", -1)) {
                    long parsed = parseLength(element.trim());
                    if (contentLength >= 0 && parsed != contentLength) {
                        throw bad("conflicting Content-Length values");
                    }
                    contentLength = parsed;
                }
            } else if (name.length() == 17 && TRANSFER_ENCODING.contentEqualsIgnoreCase(name)) {
                if (transferEncoding == null) {
                    transferEncoding = new StringBuilder();
                } else {
                    transferEncoding.append(',');
                }
                transferEncoding.append(value);
            }
        }

        Head decide(HttpVersion version, HttpMethod method, String uri, HttpHeaders headers) {
            checkHost(version);
            checkTarget(method, uri);
            boolean chunked = false;
            if (transferEncoding != null) {
                if (version == HttpVersion.HTTP_1_0) {
                    // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means the framing is faulty.
                    throw bad("Transfer-Encoding in an HTTP/1.0 request");
                }
                if (contentLength >= 0) {
                    throw bad("both Content-Length and Transfer-Encoding");
                }
                checkChunkedIsFinal(transferEncoding.toString());
                headers.set(TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                chunked = true;
            } else if (contentLengthFields > 1) {
                headers.set(CONTENT_LENGTH, contentLength);
            }
            long length = Math.max(contentLength, 0);
            if (method == HttpMethod.CONNECT && (chunked || length > 0)) {
                throw bad("a CONNECT request has no content");
            }
            return new Head(version, method, uri, headers, chunked, length);
        }

        private void checkHost(HttpVersion version) {
            if (hosts > 1) {
                throw bad("more than one Host header");
            }
            if (hosts == 0 && version == HttpVersion.HTTP_1_1) {
                throw bad("missing Host header");
            }
            if (!HttpChars.isHost(hostValue)) {
                throw bad("invalid Host header");
            }
        }

        private static void checkTarget(HttpMethod method, String uri) {
            boolean originForm = uri.charAt(0) == '/';
            boolean absoluteForm = !originForm && uri.contains("://");
            boolean asterisk = uri.equals("*");
            if (method == HttpMethod.CONNECT) {
                if (originForm || absoluteForm || asterisk) {
                    throw bad("CONNECT needs an authority-form target (host:port)");
                }
            } else if (asterisk) {
                if (method != HttpMethod.OPTIONS) {
                    throw bad("'*' is a target for OPTIONS only");
                }
            } else if (!originForm && !absoluteForm) {
                throw bad("invalid request target");
            }
        }

        private static void checkChunkedIsFinal(String codings) {
            String[] elements = codings.split(",", -1);
            int last = elements.length - 1;
            while (last >= 0 && elements[last].isBlank()) {
                last--;
            }
            if (last < 0 || !elements[last].trim().equalsIgnoreCase("chunked")) {
                throw bad("Transfer-Encoding must end with chunked");
            }
            boolean others = false;
            for (int i = 0; i < last; i++) {
                String coding = elements[i].trim();
                if (coding.isEmpty()) {
                    continue;
                }
                if (coding.equalsIgnoreCase("chunked") || !HttpChars.isToken(coding)) {
                    throw bad("invalid Transfer-Encoding");
                }
                others = true;
            }
            if (others) {
                // RFC 9112 §6.1: a transfer coding we do not understand gets 501.
                throw new BadRequest(HttpResponseStatus.NOT_IMPLEMENTED, "transfer coding not supported");
            }
        }

        private static long parseLength(String text) {
            if (text.isEmpty() || text.length() > 18) {
                throw bad("invalid Content-Length");
            }
            long n = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    throw bad("invalid Content-Length");
                }
                n = n * 10 + (c - '0');
            }
            return n;
        }
    }
}
