package dev.ferry.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.demo.RecordedRequest;
import dev.ferry.testing.Curl;
import dev.ferry.testing.JsonText;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * curl with {@code --http2-prior-knowledge} through an h2c listener: requests reach the origin as
 * HTTP/1.1 through the same routes, cache and headers as HTTP/1.1 clients, and the same listener
 * still serves HTTP/1.1.
 */
class H2cPriorKnowledgeTest {

    @TempDir
    static Path dir;

    private static DemoOrigin origin;
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    http2: { h2c: true }
                    routes: [ { name: all, upstream: app, cache: pages } ]
                upstreams:
                  app: { servers: [ "127.0.0.1:%d" ] }
                caches:
                  pages: { max_size: 16MiB }
                """.formatted(origin.port()));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + ferry.port("edge") + path;
    }

    @Test
    void curlGetsTheOriginsResponseOverHttp2() throws Exception {
        assumeThat(Curl.available()).as("curl with HTTP/2").isTrue();
        Curl.Result result = Curl.run("--http2-prior-knowledge", "-sS", "-D", "-", "-o", "/dev/null",
                "-w", "%{http_version} %{http_code} %{size_download}", url("/bytes/100k"));

        assertThat(result.exit()).isZero();
        assertThat(result.output()).startsWith("HTTP/2 200").endsWith("2 200 102400");
        // RFC 9113 §8.2.2: no connection-specific fields in an HTTP/2 response.
        assertThat(result.output().toLowerCase()).doesNotContain("transfer-encoding", "connection:", "keep-alive");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOriginGetsHttp11WithHostViaAndForwardingHeaders() throws Exception {
        assumeThat(Curl.available()).as("curl with HTTP/2").isTrue();
        Curl.Result result = Curl.run("--http2-prior-knowledge", "-sS", "-H", "X-Test: yes", url("/echo?a=1"));

        assertThat(result.exit()).isZero();
        Map<String, Object> echo = JsonText.object(result.output());
        assertThat(echo).containsEntry("protocol", "HTTP/1.1").containsEntry("uri", "/echo?a=1");
        Map<String, List<String>> headers = (Map<String, List<String>>) echo.get("headers");
        assertThat(headers.get("host")).containsExactly("127.0.0.1:" + ferry.port("edge"));
        assertThat(headers.get("via")).containsExactly("2 ferry");
        assertThat(headers.get("x-test")).containsExactly("yes");
        assertThat(headers.get("x-forwarded-proto")).containsExactly("http");
        assertThat(headers).doesNotContainKeys("x-http2-stream-id", "x-http2-scheme", "transfer-encoding");
    }

    @Test
    void aPostBodyStreamsToTheOriginIntact() throws Exception {
        assumeThat(Curl.available()).as("curl with HTTP/2").isTrue();
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        new Random(8).nextBytes(body);
        Path file = dir.resolve("upload.bin");
        Files.write(file, body);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));

        Curl.Result result = Curl.run("--http2-prior-knowledge", "-sS", "--data-binary", "@" + file,
                "-H", "Content-Type: application/octet-stream", url("/echo?upload=1"));

        assertThat(result.exit()).isZero();
        Map<String, Object> echo = JsonText.object(result.output());
        assertThat(echo).containsEntry("bodyLength", (long) body.length).containsEntry("bodySha256", sha256);
        RecordedRequest received = origin.requests().stream()
                .filter(r -> r.uri().equals("/echo?upload=1")).findFirst().orElseThrow();
        assertThat(received.complete()).isTrue();
        assertThat(received.header("content-length")).isEqualTo(String.valueOf(body.length));
    }

    @Test
    void aChunkedUploadWithoutContentLengthArrivesWhole() throws Exception {
        assumeThat(Curl.available()).as("curl with HTTP/2").isTrue();
        Path file = dir.resolve("streamed.txt");
        Files.writeString(file, "x".repeat(200_000));

        // -T - reads stdin, so curl cannot know the length: the stream's END_STREAM ends the body.
        Curl.Result result = Curl.runWithInput(file, "--http2-prior-knowledge", "-sS", "-X", "POST", "-T", "-",
                url("/echo?streamed=1"));

        assertThat(result.exit()).isZero();
        assertThat(JsonText.object(result.output())).containsEntry("bodyLength", 200_000L);
    }

    @Test
    void theSecondRequestIsACacheHitOverHttp2() throws Exception {
        assumeThat(Curl.available()).as("curl with HTTP/2").isTrue();
        int before = origin.requestsReceived();
        Curl.Result first = Curl.run("--http2-prior-knowledge", "-sS", "-D", "-", "-o", "/dev/null",
                url("/small?h2cache=1"));
        Curl.Result second = Curl.run("--http2-prior-knowledge", "-sS", "-D", "-", "-o", "/dev/null",
                url("/small?h2cache=1"));

        assertThat(first.output().toLowerCase()).contains("cache-status: ferry; fwd=uri-miss");
        assertThat(second.output().toLowerCase()).contains("cache-status: ferry; hit").contains("age:");
        assertThat(origin.requestsReceived() - before).isEqualTo(1);
    }

    @Test
    void theJdkClientsH2cUpgradeIsAnsweredOverHttp11() throws Exception {
        // The JDK HttpClient does not do prior knowledge: it asks for Upgrade: h2c, which Ferry
        // declines (hop-by-hop), so the exchange completes on HTTP/1.1.
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_2).build();
        java.net.http.HttpResponse<String> response = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url("/echo?upgrade=1"))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
        assertThat(response.body()).doesNotContain("h2c").doesNotContain("http2-settings");
    }

    @Test
    void http11ClientsAreStillServedOnTheSameListener() throws Exception {
        try (RawHttp http = new RawHttp(ferry.port("edge"))) {
            RawHttp.Response response = http.send("GET /small HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).hasSize(1024);
        }
    }
}
