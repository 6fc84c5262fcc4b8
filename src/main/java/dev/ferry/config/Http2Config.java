package dev.ferry.config;

import java.time.Duration;

/**
 * HTTP/2 towards the clients of an http listener ({@code listeners[].http2}). Requests on HTTP/2
 * streams are served exactly like HTTP/1.1 requests (routes, cache, limits, access log) and sent
 * to the upstreams as HTTP/1.1.
 *
 * @param h2c accept HTTP/2 with prior knowledge on a listener without TLS (RFC 9113 §3.3); the
 *     listener still serves HTTP/1.1 to clients that do not start with the HTTP/2 preface
 * @param alpn offer {@code h2} in the TLS handshake of a TLS listener (preferred over
 *     {@code http/1.1})
 * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS: streams a client may have open at
 *     once on one connection; more are refused with RST_STREAM REFUSED_STREAM
 * @param maxHeaderListSize SETTINGS_MAX_HEADER_LIST_SIZE in bytes (RFC 9113 §6.5.2); a larger
 *     header section gets 431, one a quarter larger still ends the connection (GOAWAY)
 * @param maxResets RST_STREAM frames a client may send per {@code resetWindow} before the
 *     connection is closed with GOAWAY ENHANCE_YOUR_CALM (rapid reset, CVE-2023-44487)
 * @param resetWindow the window {@code maxResets} counts in, whole seconds
 */
public record Http2Config(
        boolean h2c,
        boolean alpn,
        int maxConcurrentStreams,
        int maxHeaderListSize,
        int maxResets,
        Duration resetWindow) {

    public static final Http2Config DEFAULT =
            new Http2Config(false, true, 100, 16 * 1024, 200, Duration.ofSeconds(30));

    public Http2Config {
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("maxConcurrentStreams must be positive");
        }
        if (maxHeaderListSize < 1024) {
            throw new IllegalArgumentException("maxHeaderListSize must be at least 1KiB");
        }
        if (maxResets < 1 || resetWindow.toSeconds() < 1) {
            throw new IllegalArgumentException("maxResets and resetWindow must be positive");
        }
    }
}
