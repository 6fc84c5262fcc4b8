package dev.ferry.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.demo.RecordedRequest;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Absolute-form HTTP through the forward proxy, against a real origin over real sockets. */
class ForwardHttpTest {

    private static DemoOrigin origin;
    private static TestFerry ferry;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start("""
                listeners:
                  - name: fwd
                    bind: 127.0.0.1:0
                    forward_proxy:
                      allow_loopback_targets: true
                """);
        client = ferry.proxiedClient("fwd");
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
    }

    @BeforeEach
    void reset() {
        origin.reset();
    }

    private String url(String path) {
        return origin.baseUrl() + path;
    }

    @Test
    void getWithQueryStringReachesTheOriginInOriginForm() throws Exception {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(url("/echo?a=1&b=two%20words"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        RecordedRequest seen = origin.requests().get(0);
        assertThat(seen.uri()).isEqualTo("/echo?a=1&b=two%20words");
        assertThat(seen.header("host")).isEqualTo("127.0.0.1:" + origin.port());
        assertThat(seen.header("via")).isEqualTo("1.1 ferry");
        assertThat(response.headers().firstValue("via")).hasValue("1.1 ferry");
    }

    @Test
    void hopByHopAndProxyHeadersAreNotForwarded() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send("GET " + url("/echo") + " HTTP/1.1\r\nHost: wrong.example\r\n"
                    + "Connection: keep-alive, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\n"
                    + "Proxy-Connection: keep-alive\r\nProxy-Authorization: Basic dTpw\r\nTE: trailers\r\n"
                    + "Upgrade: something\r\nX-Kept: yes\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(200);
        }
        RecordedRequest seen = origin.requests().get(0);
        assertThat(seen.headers().keySet())
                .doesNotContain("connection", "x-secret", "keep-alive", "proxy-connection",
                        "proxy-authorization", "te", "upgrade")
                .contains("x-kept");
        // Host is regenerated from the absolute-form target.
        assertThat(seen.header("host")).isEqualTo("127.0.0.1:" + origin.port());
    }

    @Test
    void tenMebibytePostArrivesIntact() throws Exception {
        byte[] body = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(body);
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url("/echo")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        RecordedRequest seen = origin.requests().get(0);
        assertThat(seen.bodyLength()).isEqualTo(body.length);
        assertThat(seen.bodySha256()).isEqualTo(sha256(body));
    }

    @Test
    void chunkedUploadArrivesIntact() throws Exception {
        byte[] body = new byte[300_000];
        new Random(7).nextBytes(body);
        // ofInputStream has no known length, so the JDK client sends it chunked.
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url("/echo")))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        RecordedRequest seen = origin.requests().get(0);
        assertThat(seen.bodySha256()).isEqualTo(sha256(body));
    }

    @Test
    void downloadStreamsThrough() throws Exception {
        HttpResponse<InputStream> response = client.send(
                HttpRequest.newBuilder(URI.create(url("/bytes/20m"))).build(), HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(DemoOrigin.expectedSha256(20L << 20));
    }

    @Test
    void hundredSequentialRequestsReuseOneUpstreamConnection() throws Exception {
        try (DemoOrigin fresh = DemoOrigin.start(DemoOrigin.Options.defaults());
             RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            for (int i = 0; i < 100; i++) {
                raw.send("GET " + fresh.baseUrl() + "/small?i=" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(raw.read().status()).isEqualTo(200);
            }
            assertThat(fresh.requestsReceived()).isEqualTo(100);
            assertThat(fresh.connectionsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void headResponseHasNoBodyAndTheConnectionStaysUsable() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send("HEAD " + url("/bytes/1000?chunked=1") + " HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response head = raw.read(true);
            assertThat(head.status()).isEqualTo(200);
            raw.send("GET " + url("/small") + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().body()).hasSize(1024);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send("GET " + url("/delay/100") + " HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET " + url("/status/201") + " HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET " + url("/small") + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(200);
            assertThat(raw.read().status()).isEqualTo(201);
            assertThat(raw.read().body()).hasSize(1024);
        }
    }

    @Test
    void http10ClientGetsTheResponseAndAClose() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send("GET " + url("/bytes/5000?chunked=1") + " HTTP/1.0\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("transfer-encoding")).isNull();
            assertThat(response.body()).hasSize(5000);
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    @Test
    void expectContinueIsAnsweredAndTheBodyForwarded() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send("POST " + url("/echo") + " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(100);
            raw.send("hello");
            assertThat(raw.read().status()).isEqualTo(200);
        }
        assertThat(origin.requests().get(0).bodyLength()).isEqualTo(5);
        assertThat(origin.requests().get(0).header("expect")).isNull();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
