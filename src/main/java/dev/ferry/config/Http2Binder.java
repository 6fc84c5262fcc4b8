package dev.ferry.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Binds {@code listeners[i].http2}. */
final class Http2Binder {

    static final List<String> KEYS = List.of("h2c", "alpn", "max_concurrent_streams", "max_header_list_size",
            "max_resets", "reset_window");

    private Http2Binder() {
    }

    /**
     * @param tls whether the listener terminates TLS: {@code h2c} is for cleartext listeners,
     *     {@code alpn} for TLS ones
     */
    static Optional<Http2Config> bind(Value value, boolean tls) {
        Http2Config d = Http2Config.DEFAULT;
        return value.section(KEYS).flatMap(s -> {
            boolean h2c = s.optional("h2c", Value::bool, d.h2c());
            if (h2c && tls) {
                s.get("h2c").ifPresent(v -> v.error(
                        "h2c is HTTP/2 without TLS; a TLS listener offers HTTP/2 through ALPN (alpn: true)"));
            }
            boolean alpn = s.optional("alpn", Value::bool, d.alpn());
            if (!tls) {
                s.get("alpn").ifPresent(v -> v.error(
                        "alpn applies to listeners with tls; without TLS, HTTP/2 is h2c: true"));
            }
            int streams = s.optional("max_concurrent_streams", v -> v.integer(1, 1_000_000), d.maxConcurrentStreams());
            long headerList = s.optional("max_header_list_size", v -> v.size(1024, 1024 * 1024),
                    (long) d.maxHeaderListSize());
            int resets = s.optional("max_resets", v -> v.integer(1, 1_000_000), d.maxResets());
            Duration window = s.optional("reset_window", v -> v.duration(true).filter(w -> {
                if (w.toSeconds() < 1 || w.toSeconds() > 3600) {
                    v.error("must be between 1s and 1h, got " + w.toMillis() + "ms");
                    return false;
                }
                return true;
            }), d.resetWindow());
            if (h2c && tls) {
                return Optional.empty();
            }
            return Optional.of(new Http2Config(h2c, alpn, streams, (int) headerList, resets, window));
        });
    }
}
