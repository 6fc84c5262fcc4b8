package dev.ferry.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.demo.RecordedRequest;
import dev.ferry.testing.RawHttp2;
import dev.ferry.testing.TestFerry;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed HTTP/2 requests (RFC 9113 §8.1.1, §8.2, §8.3) are refused on their stream, never
 * forwarded whole to the origin, and leave the connection serving its other streams.
 */
class MalformedStreamTest {

    private static DemoOrigin origin;
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    http2: { h2c: true, max_header_list_size: 8KiB }
                    routes: [ { name: all, upstream: app } ]
                upstreams:
                  app: { servers: [ "127.0.0.1:%d" ] }
                """.formatted(origin.port()));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
    }

    private int port() {
        return ferry.port("edge");
    }

    private Http2Headers post(String path, int contentLength) {
        Http2Headers headers = RawHttp2.request("POST", path, port());
        headers.setInt("content-length", contentLength);
        return headers;
    }

    private List<RecordedRequest> received(String uri) {
        return origin.requests().stream().filter(r -> r.uri().equals(uri)).toList();
    }

    /** The answer on {@code stream}, skipping what is left of earlier streams. */
    private static RawHttp2.Response answer(RawHttp2 client, int stream) throws InterruptedException {
        RawHttp2.Response response = client.next(Duration.ofSeconds(5));
        while (response != null && response.streamId() != stream) {
            response = client.next(Duration.ofSeconds(5));
        }
        assertThat(response).as("answer on stream " + stream).isNotNull();
        return response;
    }

    /** Refused on its stream: a 400, or a reset with PROTOCOL_ERROR when Netty's checks caught it. */
    private static void refused(RawHttp2.Response response) {
        assertThat(response.status() == 400 || Long.valueOf(Http2Error.PROTOCOL_ERROR.code()).equals(response.resetCode()))
                .as("400 or PROTOCOL_ERROR: %s", response).isTrue();
    }

    /** The connection still serves a well-formed request on a new stream. */
    private static void stillServes(RawHttp2 client, int stream, int port) throws Exception {
        client.headers(stream, RawHttp2.request("GET", "/small", port), true);
        RawHttp2.Response ok = client.next(Duration.ofSeconds(5));
        while (ok != null && ok.streamId() != stream) {
            // a RST_STREAM that followed an earlier stream's complete answer
            ok = client.next(Duration.ofSeconds(5));
        }
        assertThat(ok).isNotNull();
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).hasSize(1024);
    }

    @Test
    void moreDataThanContentLengthResetsTheStreamAndTheOriginNeverGetsAWholeRequest() throws Exception {
        try (RawHttp2 client = new RawHttp2(port())) {
            client.headers(1, post("/echo?cl=more", 10), false);
            client.data(1, "0123456789abcdef".getBytes(StandardCharsets.US_ASCII), true);

            RawHttp2.Response response = client.next(Duration.ofSeconds(5));
            assertThat(response.resetCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
            stillServes(client, 3, port());
        }
        assertThat(received("/echo?cl=more")).noneMatch(RecordedRequest::complete);
    }

    @Test
    void lessDataThanContentLengthResetsTheStreamAndTheOriginNeverGetsAWholeRequest() throws Exception {
        try (RawHttp2 client = new RawHttp2(port())) {
            client.headers(1, post("/echo?cl=less", 100), false);
            client.data(1, "short".getBytes(StandardCharsets.US_ASCII), true);

            RawHttp2.Response response = client.next(Duration.ofSeconds(5));
            assertThat(response.resetCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
            stillServes(client, 3, port());
        }
        // Nothing complete reaches the origin, now or a little later.
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> received("/echo?cl=less").stream().noneMatch(RecordedRequest::complete));
    }

    @Test
    void aMatchingContentLengthIsForwarded() throws Exception {
        try (RawHttp2 client = new RawHttp2(port())) {
            client.headers(1, post("/echo?cl=ok", 10), false);
            client.data(1, "01234".getBytes(StandardCharsets.US_ASCII), false);
            client.data(1, "56789".getBytes(StandardCharsets.US_ASCII), true);

            RawHttp2.Response response = client.next(Duration.ofSeconds(5));
            assertThat(response.status()).isEqualTo(200);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("\"bodyLength\":10");
        }
    }

    @Test
    void connectionSpecificFieldsMakeTheRequestMalformed() throws Exception {
        try (RawHttp2 client = new RawHttp2(port())) {
            client.headers(1, RawHttp2.request("GET", "/echo?conn=1", port()).add("connection", "keep-alive"), true);
            assertThat(client.next(Duration.ofSeconds(5)).resetCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
            client.headers(3, RawHttp2.request("GET", "/echo?conn=2", port()).add("transfer-encoding", "chunked"), true);
            assertThat(client.next(Duration.ofSeconds(5)).resetCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
            client.headers(5, RawHttp2.request("GET", "/echo?conn=3", port()).add("te", "gzip"), true);
            assertThat(client.next(Duration.ofSeconds(5)).resetCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
            client.headers(7, RawHttp2.request("GET", "/echo?conn=4", port()).add("X-Upper", "1"), true);
            assertThat(answer(client, 7).resetCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
            stillServes(client, 9, port());
        }
        assertThat(origin.requests()).noneMatch(r -> r.uri().startsWith("/echo?conn="));
    }

    @Test
    void aRequestWithoutAuthorityOrHostIsRefusedWith400() throws Exception {
        try (RawHttp2 client = new RawHttp2(port())) {
            Http2Headers headers = RawHttp2.request("GET", "/echo?noauthority=1", port());
            headers.remove(":authority");
            client.headers(1, headers, true);

            RawHttp2.Response response = client.next(Duration.ofSeconds(5));
            assertThat(response.status()).isEqualTo(400);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("missing :authority");
            stillServes(client, 3, port());
        }
        assertThat(received("/echo?noauthority=1")).isEmpty();
    }

    @Test
    void aHostThatDisagreesWithAuthorityIsMalformed() throws Exception {
        try (RawHttp2 client = new RawHttp2(port())) {
            client.headers(1, RawHttp2.request("GET", "/echo?hosts=1", port()).add("host", "elsewhere.example"), true);
            assertThat(client.next(Duration.ofSeconds(5)).resetCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
            stillServes(client, 3, port());
        }
        assertThat(received("/echo?hosts=1")).isEmpty();
    }

    @Test
    void fieldValuesWithControlCharactersOrEdgeWhitespaceAreRefused() throws Exception {
        try (RawHttp2 client = new RawHttp2(port())) {
            client.headers(1, RawHttp2.request("GET", "/echo?value=1", port()).add("x-bad", "a\r\nx-injected: 1"), true);
            refused(answer(client, 1));
            client.headers(3, RawHttp2.request("GET", "/echo?value=2", port()).add("x-bad", " padded"), true);
            refused(answer(client, 3));
            client.headers(5, RawHttp2.request("GET", "/echo?value=3", port()).add("x-bad", "nul\0byte"), true);
            refused(answer(client, 5));
            client.headers(7, RawHttp2.request("GET", "/echo?value=4", port()).add("x-bad", "bell\u0007"), true);
            refused(answer(client, 7));
            stillServes(client, 9, port());
        }
        assertThat(origin.requests()).noneMatch(r -> r.uri().startsWith("/echo?value="));
    }

    @Test
    void aHeaderListOverTheLimitGets431() throws Exception {
        try (RawHttp2 client = new RawHttp2(port())) {
            client.headers(1, RawHttp2.request("GET", "/echo?big=1", port()).add("x-big", "b".repeat(9000)), true);

            RawHttp2.Response response = client.next(Duration.ofSeconds(5));
            assertThat(response.status()).isEqualTo(431);
            stillServes(client, 3, port());
        }
        assertThat(received("/echo?big=1")).isEmpty();
    }

    @Test
    void connectIsNotTunnelledOverHttp2() throws Exception {
        try (RawHttp2 client = new RawHttp2(port())) {
            Http2Headers connect = new io.netty.handler.codec.http2.DefaultHttp2Headers(false, false, 4)
                    .method("CONNECT").authority("example.com:443");
            client.headers(1, connect, false);

            RawHttp2.Response response = client.next(Duration.ofSeconds(5));
            assertThat(response.status()).isEqualTo(501);
            stillServes(client, 3, port());
        }
    }
}
