package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code listeners[].http2}: defaults, every field, and errors that name their path. */
class Http2ConfigTest {

    private static String listener(String extra) {
        return """
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                %s
                    routes: [ { name: all, upstream: app } ]
                upstreams:
                  app: { servers: [ "127.0.0.1:9" ] }
                """.formatted(extra.indent(4).stripTrailing());
    }

    private static List<String> errors(String yaml) {
        try {
            ConfigLoader.parse(yaml, "ferry.yaml");
            throw new AssertionError("expected errors");
        } catch (ConfigException e) {
            return e.errors().stream().map(ConfigError::toString).toList();
        }
    }

    @Test
    void absentMeansHttp11OnCleartextAndH2OfferedOnTls() throws Exception {
        Http2Config http2 = ConfigLoader.parse(listener(""), "ferry.yaml").listeners().get(0).http2();

        assertThat(http2).isEqualTo(Http2Config.DEFAULT);
        assertThat(http2.h2c()).isFalse();
        assertThat(http2.alpn()).isTrue();
        assertThat(http2.maxConcurrentStreams()).isEqualTo(100);
        assertThat(http2.maxHeaderListSize()).isEqualTo(16 * 1024);
    }

    @Test
    void everyFieldIsRead() throws Exception {
        Http2Config http2 = ConfigLoader.parse(listener("""
                http2: { h2c: true, max_concurrent_streams: 250, max_header_list_size: 32KiB,
                         max_resets: 500, reset_window: 1m }"""), "ferry.yaml").listeners().get(0).http2();

        assertThat(http2).isEqualTo(new Http2Config(true, true, 250, 32 * 1024, 500, Duration.ofMinutes(1)));
    }

    @Test
    void badValuesAreReportedWithTheirPaths() {
        assertThat(errors(listener("""
                http2: { h2c: true, max_concurrent_streams: 0, max_header_list_size: 100, reset_window: 500ms,
                         streams: 3 }"""))).containsExactly(
                "ferry.yaml:4: listeners[0].http2.max_concurrent_streams: must be between 1 and 1000000, got 0",
                "ferry.yaml:4: listeners[0].http2.max_header_list_size: must be between 1KiB and 1MiB, got 100B",
                "ferry.yaml:4: listeners[0].http2.reset_window: must be between 1s and 1h, got 500ms",
                "ferry.yaml:5: listeners[0].http2: unknown key 'streams' (expected one of: h2c, alpn, "
                        + "max_concurrent_streams, max_header_list_size, max_resets, reset_window)");
    }

    @Test
    void alpnNeedsTlsAndTcpListenersHaveNoHttp2() {
        assertThat(errors(listener("http2: { alpn: false }"))).containsExactly(
                "ferry.yaml:4: listeners[0].http2.alpn: alpn applies to listeners with tls; "
                        + "without TLS, HTTP/2 is h2c: true");
        assertThat(errors("""
                listeners:
                  - { name: db, bind: 127.0.0.1:0, protocol: tcp, upstream: pg, http2: { h2c: true } }
                upstreams:
                  pg: { servers: [ "127.0.0.1:9" ] }
                """)).containsExactly("ferry.yaml:2: listeners[0].http2: a tcp listener relays bytes and speaks "
                + "no HTTP; use protocol: http");
    }
}
