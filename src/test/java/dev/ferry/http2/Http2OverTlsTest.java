package dev.ferry.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.Curl;
import dev.ferry.testing.JsonText;
import dev.ferry.testing.TestCerts;
import dev.ferry.testing.TestFerry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 negotiated by ALPN on a TLS listener, with curl and the JDK HttpClient, to a plain and to
 * a TLS origin; a listener with {@code alpn: false} stays on HTTP/1.1.
 */
class Http2OverTlsTest {

    @TempDir
    static Path dir;

    private static TestCerts certs;
    private static TestCerts originCerts;
    private static DemoOrigin origin;
    private static DemoOrigin tlsOrigin;
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCerts.create(dir, "localhost", "127.0.0.1");
        originCerts = TestCerts.create(dir.resolve("origin"), "origin.test", "127.0.0.1");
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        tlsOrigin = DemoOrigin.start(DemoOrigin.Options.defaults().withTls(originCerts.serverContext()));
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    tls: { cert: %1$s, key: %2$s }
                    routes:
                      - { name: secure, match: { headers: { X-Tls-Origin: "yes" } }, upstream: secure }
                      - { name: all, upstream: app, cache: pages }
                  - name: h1only
                    bind: 127.0.0.1:0
                    tls: { cert: %1$s, key: %2$s }
                    http2: { alpn: false }
                    routes: [ { name: all, upstream: app } ]
                upstreams:
                  app: { servers: [ "127.0.0.1:%3$d" ] }
                  secure:
                    servers: [ "https://127.0.0.1:%4$d" ]
                    tls: { ca: %5$s, server_name: origin.test }
                caches:
                  pages: { max_size: 16MiB }
                """.formatted(certs.cert(), certs.key(), origin.port(), tlsOrigin.port(), originCerts.cert()));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
        tlsOrigin.close();
    }

    private static HttpClient client() {
        return HttpClient.newBuilder()
                .sslContext(certs.trustingClientContext())
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private String url(String listener, String path) {
        return "https://localhost:" + ferry.port(listener) + path;
    }

    @Test
    void curlNegotiatesH2() throws Exception {
        assumeThat(Curl.available()).as("curl with HTTP/2").isTrue();
        Curl.Result result = Curl.run("-sS", "--http2", "--cacert", certs.cert().toString(), "-o", "/dev/null",
                "-w", "%{http_version} %{http_code} %{size_download}", url("edge", "/bytes/64k"));

        assertThat(result.output()).isEqualTo("2 200 65536");
        assertThat(result.exit()).isZero();
    }

    @Test
    void curlReachesATlsOriginThroughH2() throws Exception {
        assumeThat(Curl.available()).as("curl with HTTP/2").isTrue();
        Curl.Result result = Curl.run("-sS", "--http2", "--cacert", certs.cert().toString(), "-H", "X-Tls-Origin: yes",
                "-w", "\n%{http_version} %{http_code}", url("edge", "/echo?curl=1"));

        assertThat(result.exit()).isZero();
        assertThat(result.output()).contains("\"uri\":\"/echo?curl=1\"").endsWith("\n2 200");
        assertThat(tlsOrigin.requests()).anyMatch(r -> r.uri().equals("/echo?curl=1"));
    }

    @Test
    void jdkClientSpeaksHttp2AndSharesOneConnection() throws Exception {
        HttpClient client = client();
        // The first request opens the connection; the JDK multiplexes the next ones over it.
        assertThat(client.send(HttpRequest.newBuilder(URI.create(url("edge", "/small"))).build(),
                BodyHandlers.ofByteArray()).version()).isEqualTo(HttpClient.Version.HTTP_2);
        int connections = ferry.server().openConnections();
        List<CompletableFuture<HttpResponse<byte[]>>> calls = IntStream.range(0, 20)
                .mapToObj(i -> client.sendAsync(HttpRequest.newBuilder(URI.create(url("edge", "/bytes/10k?jdk=" + i)))
                        .build(), BodyHandlers.ofByteArray()))
                .toList();

        for (CompletableFuture<HttpResponse<byte[]>> call : calls) {
            HttpResponse<byte[]> response = call.get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.body()).hasSize(10 * 1024);
        }
        assertThat(ferry.server().openConnections()).isEqualTo(connections);
    }

    @Test
    @SuppressWarnings("unchecked")
    void jdkClientPostsABodyThatArrivesIntactAtATlsOrigin() throws Exception {
        byte[] body = new byte[1024 * 1024 + 3];
        new Random(2).nextBytes(body);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));

        HttpResponse<String> response = client().send(HttpRequest.newBuilder(URI.create(url("edge", "/echo?jdk-post=1")))
                .header("X-Tls-Origin", "yes").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        Map<String, Object> echo = JsonText.object(response.body());
        assertThat(echo).containsEntry("bodyLength", (long) body.length).containsEntry("bodySha256", sha256)
                .containsEntry("uri", "/echo?jdk-post=1");
        Map<String, List<String>> headers = (Map<String, List<String>>) echo.get("headers");
        assertThat(headers.get("x-forwarded-proto")).containsExactly("https");
    }

    @Test
    void cacheHitsOverH2WithTheJdkClient() throws Exception {
        HttpClient client = client();
        int before = origin.requestsReceived();
        HttpResponse<byte[]> first = client.send(HttpRequest.newBuilder(URI.create(url("edge", "/medium?tls-cache=1")))
                .build(), BodyHandlers.ofByteArray());
        HttpResponse<byte[]> second = client.send(HttpRequest.newBuilder(URI.create(url("edge", "/medium?tls-cache=1")))
                .build(), BodyHandlers.ofByteArray());

        assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(second.headers().firstValue("cache-status")).hasValueSatisfying(v -> assertThat(v).contains("hit"));
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(origin.requestsReceived() - before).isEqualTo(1);
    }

    @Test
    void aListenerWithAlpnOffStaysOnHttp11() throws Exception {
        HttpResponse<byte[]> response = client().send(HttpRequest.newBuilder(URI.create(url("h1only", "/small")))
                .build(), BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }
}
