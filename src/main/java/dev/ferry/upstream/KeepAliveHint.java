package dev.ferry.upstream;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.TimeUnit;

/**
 * The idle timeout a server announces in {@code Keep-Alive: timeout=N} (RFC 2068 §19.7.1, still
 * sent by Apache, Node and others). A pooled connection is retired a little before it, so a request
 * is not sent just as the server closes the connection.
 */
final class KeepAliveHint {

    /** 0 when there is no usable hint. */
    static long timeoutNanos(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.KEEP_ALIVE);
        if (value == null) {
            return 0;
        }
        for (String parameter : value.split(",")) {
            String p = parameter.trim();
            if (p.regionMatches(true, 0, "timeout=", 0, 8)) {
                try {
                    long seconds = Long.parseLong(p.substring(8).trim());
                    if (seconds <= 0) {
                        return 0;
                    }
                    long nanos = TimeUnit.SECONDS.toNanos(seconds);
                    // Keep a margin of a fifth (at least 200 ms): the server's clock starts before ours.
                    return nanos - Math.max(nanos / 5, TimeUnit.MILLISECONDS.toNanos(200));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    private KeepAliveHint() {
    }
}
