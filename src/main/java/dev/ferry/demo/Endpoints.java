package dev.ferry.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** Maps a received request to the origin's reply. See {@link DemoOrigin} for the list of endpoints. */
final class Endpoints {

    private static final String CACHEABLE = "public, max-age=3600";

    /** Fixed bodies like the benchmark origin's: allocated once, sent as retained duplicates. */
    private static final ByteBuf SMALL = preallocated(1024);
    private static final ByteBuf MEDIUM = preallocated(16 * 1024);
    private static final ByteBuf LARGE = preallocated(1024 * 1024);

    private final String origin;
    private final IntSupplier healthStatus;
    private final LongSupplier extraDelay;
    private final long keepAliveSeconds;

    /**
     * @param keepAliveSeconds announced in {@code Keep-Alive: timeout=N} when positive (the origin
     *     closes idle connections after that long, and says so as Apache and Node do)
     */
    Endpoints(String origin, IntSupplier healthStatus, LongSupplier extraDelay, long keepAliveSeconds) {
        this.origin = origin;
        this.healthStatus = healthStatus;
        this.extraDelay = extraDelay;
        this.keepAliveSeconds = keepAliveSeconds;
    }

    String origin() {
        return origin;
    }

    Reply reply(RecordedRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(originForm(request.uri()));
        Map<String, List<String>> params = query.parameters();
        String path = query.path();
        Reply reply = null;
        long delay;
        try {
            delay = delayParam(params) + (path.equals("/healthz") ? 0 : extraDelay.getAsLong());
            if (path.startsWith("/delay/")) {
                delay += parseLong(path.substring("/delay/".length()), "delay");
            }
            reply = endpoint(path, params, request);
            if (reply instanceof HttpReply http) {
                http.headers().set(DemoOrigin.ORIGIN_HEADER, origin);
                if (keepAliveSeconds > 0) {
                    http.headers().set(HttpHeaderNames.KEEP_ALIVE, "timeout=" + keepAliveSeconds);
                }
                http.headers().set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
                ResponseDirectives.apply(http, params, request);
            }
        } catch (IllegalArgumentException e) {
            if (reply != null) {
                reply.discard();
            }
            HttpReply bad = HttpReply.text(HttpResponseStatus.BAD_REQUEST, e.getMessage());
            bad.headers().set(DemoOrigin.ORIGIN_HEADER, origin);
            return bad;
        }
        return delay > 0 ? new DelayedReply(reply, delay) : reply;
    }

    private Reply endpoint(String path, Map<String, List<String>> params, RecordedRequest request) {
        switch (path) {
            case "/healthz":
                return health();
            case "/echo":
                return HttpReply.body(HttpResponseStatus.OK, EchoJson.of(request, origin),
                        HttpHeaderValues.APPLICATION_JSON.toString());
            case "/small":
                return fixed(SMALL);
            case "/medium":
                return fixed(MEDIUM);
            case "/large":
                return fixed(LARGE);
            case "/ws":
                // upgrades never get here: the handler hands them to WebSocketUpgrade
                return HttpReply.text(HttpResponseStatus.BAD_REQUEST, "expected a WebSocket upgrade");
            case "/close":
                return HttpReply.text(HttpResponseStatus.OK, "closing").closeAfter(true);
            case "/close/silent":
                return HttpReply.text(HttpResponseStatus.OK, "closing").closeAfter(false);
            case "/broken/cl":
                return BrokenReply.truncatedBody(origin);
            case "/broken/header":
                return BrokenReply.garbageHead();
            default:
                break;
        }
        if (path.startsWith("/bytes/")) {
            long length = parseSize(path.substring("/bytes/".length()));
            String chunked = first(params, "chunked");
            return HttpReply.pattern(length, "1".equals(chunked) || "true".equals(chunked));
        }
        if (path.startsWith("/delay/")) {
            return HttpReply.text(HttpResponseStatus.OK, "delayed");
        }
        if (path.startsWith("/status/")) {
            return status(parseLong(path.substring("/status/".length()), "status"));
        }
        return HttpReply.text(HttpResponseStatus.NOT_FOUND, "not found");
    }

    private HttpReply health() {
        int status = healthStatus.getAsInt();
        return HttpReply.text(HttpResponseStatus.valueOf(status), status < 300 ? "ok" : "unhealthy");
    }

    private static HttpReply fixed(ByteBuf body) {
        HttpReply reply = HttpReply.body(HttpResponseStatus.OK, body.retainedDuplicate(),
                HttpHeaderValues.APPLICATION_OCTET_STREAM.toString());
        reply.headers().set(HttpHeaderNames.CACHE_CONTROL, CACHEABLE);
        return reply;
    }

    private static HttpReply status(long code) {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("status must be 200-599, got " + code);
        }
        HttpResponseStatus status = HttpResponseStatus.valueOf((int) code);
        if (code == 204 || code == 304) {
            return HttpReply.empty(status);
        }
        if (code == 205) {
            // RFC 9110 §15.3.6: no content, and Content-Length: 0 tells the client so
            return HttpReply.body(status, Unpooled.EMPTY_BUFFER, HttpHeaderValues.TEXT_PLAIN.toString());
        }
        return HttpReply.text(status, "status " + code);
    }

    private static long delayParam(Map<String, List<String>> params) {
        long total = 0;
        for (String value : params.getOrDefault("delay", List.of())) {
            total += parseLong(value, "delay");
        }
        return total;
    }

    /** {@code 1024}, {@code 200k}, {@code 50m}, {@code 1g}: bytes, KiB, MiB, GiB. */
    static long parseSize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        long unit = 1;
        if (lower.endsWith("k")) {
            unit = 1L << 10;
        } else if (lower.endsWith("m")) {
            unit = 1L << 20;
        } else if (lower.endsWith("g")) {
            unit = 1L << 30;
        }
        long count = parseLong(unit == 1 ? lower : lower.substring(0, lower.length() - 1), "size");
        if (count > Long.MAX_VALUE / unit) {
            throw new IllegalArgumentException("size too large: " + text);
        }
        return count * unit;
    }

    private static long parseLong(String text, String what) {
        try {
            long value = Long.parseLong(text);
            if (value < 0) {
                throw new IllegalArgumentException(what + " must not be negative: " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number: " + text);
        }
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** A forward proxy may pass the absolute form on; the endpoints only care about path and query. */
    private static String originForm(String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        try {
            URI parsed = URI.create(uri);
            String path = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
            return parsed.getRawQuery() == null ? path : path + "?" + parsed.getRawQuery();
        } catch (IllegalArgumentException e) {
            return uri;
        }
    }

    private static ByteBuf preallocated(int length) {
        return BytePattern.filled(Unpooled.directBuffer(length, length), length);
    }
}
