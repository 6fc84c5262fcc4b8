package dev.ferry.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.demo.RecordedRequest;
import dev.ferry.testing.RawHttp2;
import dev.ferry.testing.TestFerry;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams of one HTTP/2 connection are served concurrently, each as its own exchange: the
 * concurrency limit, 100-continue, trailers, HEAD, and one access log line per stream.
 */
class StreamsTest {

    private static final int MAX_STREAMS = 8;

    @TempDir
    static Path dir;

    private static DemoOrigin origin;
    private static TestFerry ferry;
    private static Path accessLog;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        accessLog = dir.resolve("access.log");
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    http2: { h2c: true, max_concurrent_streams: %d }
                    routes: [ { name: all, upstream: app } ]
                  - name: wide
                    bind: 127.0.0.1:0
                    http2: { h2c: true, max_concurrent_streams: 200 }
                    routes: [ { name: all, upstream: app } ]
                upstreams:
                  app: { servers: [ "127.0.0.1:%d" ] }
                access_log: { format: text, path: "%s" }
                """.formatted(MAX_STREAMS, origin.port(), accessLog));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
    }

    private Map<Integer, RawHttp2.Response> collect(RawHttp2 client, int count) throws InterruptedException {
        Map<Integer, RawHttp2.Response> responses = new HashMap<>();
        while (responses.size() < count) {
            RawHttp2.Response response = client.next(Duration.ofSeconds(10));
            assertThat(response).as("%d of %d responses", responses.size(), count).isNotNull();
            responses.putIfAbsent(response.streamId(), response);
        }
        return responses;
    }

    @Test
    void oneHundredConcurrentStreamsOnOneConnectionAreServedInParallel() throws Exception {
        int port = ferry.port("wide");
        int streams = 100;
        long start = System.nanoTime();
        try (RawHttp2 client = new RawHttp2(port)) {
            for (int i = 0; i < streams; i++) {
                client.headers(1 + 2 * i, RawHttp2.request("GET", "/bytes/20k?delay=300&n=" + i, port), true);
            }
            Map<Integer, RawHttp2.Response> responses = collect(client, streams);

            assertThat(responses.values()).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).hasSize(20 * 1024);
            });
            assertThat(ferry.server().openConnections()).isEqualTo(1);
        }
        // 100 requests of 300 ms each took far less than 100 × 300 ms: they ran side by side.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void streamsBeyondMaxConcurrentStreamsAreRefused() throws Exception {
        int port = ferry.port("edge");
        try (RawHttp2 client = new RawHttp2(port)) {
            // Netty applies its max concurrent streams once the client has acknowledged the setting.
            client.awaitSettingsAcknowledged();
            int total = MAX_STREAMS + 4;
            for (int i = 0; i < total; i++) {
                client.headers(1 + 2 * i, RawHttp2.request("GET", "/delay/500?limit=" + i, port), true);
            }
            Map<Integer, RawHttp2.Response> responses = collect(client, total);

            List<RawHttp2.Response> refused = new ArrayList<>();
            List<RawHttp2.Response> served = new ArrayList<>();
            responses.values().forEach(r -> (r.resetCode() != null ? refused : served).add(r));
            assertThat(served).hasSize(MAX_STREAMS).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
            assertThat(refused).hasSize(4).allSatisfy(r ->
                    assertThat(r.resetCode()).isEqualTo(Http2Error.REFUSED_STREAM.code()));
        }
    }

    @Test
    void expectContinueGets100BeforeTheBodyIsSent() throws Exception {
        int port = ferry.port("edge");
        try (RawHttp2 client = new RawHttp2(port)) {
            Http2Headers headers = RawHttp2.request("POST", "/echo?continue=1", port);
            headers.set("expect", "100-continue").setInt("content-length", 5);
            client.headers(1, headers, false);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.interimStatuses(1).contains(100));
            client.data(1, "hello".getBytes(StandardCharsets.US_ASCII), true);

            RawHttp2.Response response = client.next(Duration.ofSeconds(5));
            assertThat(response.status()).isEqualTo(200);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("\"bodyLength\":5");
        }
        RecordedRequest received = origin.requests().stream()
                .filter(r -> r.uri().equals("/echo?continue=1")).findFirst().orElseThrow();
        assertThat(received.headers()).doesNotContainKey("expect");
    }

    @Test
    void aBodyWithTrailersIsForwardedChunked() throws Exception {
        int port = ferry.port("edge");
        try (RawHttp2 client = new RawHttp2(port)) {
            client.headers(1, RawHttp2.request("POST", "/echo?trailers=1", port), false);
            client.data(1, "part one, ".getBytes(StandardCharsets.US_ASCII), false);
            client.data(1, "part two".getBytes(StandardCharsets.US_ASCII), false);
            client.headers(1, new DefaultHttp2Headers().add("x-checksum", "abc"), true);

            RawHttp2.Response response = client.next(Duration.ofSeconds(5));
            assertThat(response.status()).isEqualTo(200);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("\"bodyLength\":18");
        }
        RecordedRequest received = origin.requests().stream()
                .filter(r -> r.uri().equals("/echo?trailers=1")).findFirst().orElseThrow();
        assertThat(received.complete()).isTrue();
        assertThat(received.header("transfer-encoding")).isEqualTo("chunked");
    }

    @Test
    void headGetsTheHeadWithoutABody() throws Exception {
        int port = ferry.port("edge");
        try (RawHttp2 client = new RawHttp2(port)) {
            client.headers(1, RawHttp2.request("HEAD", "/bytes/5000", port), true);

            RawHttp2.Response response = client.next(Duration.ofSeconds(5));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers().get("content-length").toString()).isEqualTo("5000");
            assertThat(response.body()).isEmpty();
        }
    }

    @Test
    void eachStreamIsOneAccessLogLineWithProtocolHttp2() throws Exception {
        int port = ferry.port("edge");
        try (RawHttp2 client = new RawHttp2(port)) {
            client.headers(1, RawHttp2.request("GET", "/small?log=1", port), true);
            client.headers(3, RawHttp2.request("GET", "/small?log=2", port), true);
            collect(client, 2);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(accessLog)
                && Files.readString(accessLog).contains("/small?log=2"));
        List<String> lines = Files.readAllLines(accessLog).stream().filter(l -> l.contains("/small?log=")).toList();
        assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line).contains("HTTP/2.0\" 200 0 1024"));
    }
}
