package dev.ferry.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.JsonText;
import dev.ferry.testing.TestCerts;
import dev.ferry.testing.TestFerry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TLS listener in front of a plain origin: JDK HttpClient and curl over HTTPS, HTTP/1.1. */
class HttpsListenerTest {

    @TempDir
    static Path dir;

    private static TestCerts certs;
    private static DemoOrigin origin;
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCerts.create(dir, "localhost", "127.0.0.1");
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    tls: { cert: %s, key: %s }
                    routes: [ { name: all, upstream: app } ]
                upstreams:
                  app: { servers: [ "127.0.0.1:%d" ] }
                """.formatted(certs.cert(), certs.key(), origin.port()));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
    }

    private static HttpClient client() {
        return HttpClient.newBuilder()
                .sslContext(certs.trustingClientContext())
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @Test
    void jdkClientGetsTheOriginsResponseOverHttps() throws Exception {
        HttpResponse<byte[]> response = client().send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + ferry.port("edge") + "/small")).build(), BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(response.body()).hasSize(1024);
        assertThat(response.sslSession()).hasValueSatisfying(session ->
                assertThat(session.getProtocol()).isEqualTo("TLSv1.3"));
    }

    @Test
    void keepAliveCarriesSeveralRequestsAndPostBodiesOnOneTlsConnection() throws Exception {
        HttpClient client = client();
        origin.reset();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + ferry.port("edge") + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))).build(), BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JsonText.object(response.body())).containsEntry("bodyLength", 100_000L);
        }
        assertThat(ferry.server().openConnections()).isEqualTo(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOriginIsToldTheClientUsedHttps() throws Exception {
        HttpResponse<String> response = client().send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + ferry.port("edge") + "/echo"))
                .header("X-Forwarded-Proto", "http").build(), BodyHandlers.ofString());

        Map<String, List<String>> headers = (Map<String, List<String>>) JsonText.object(response.body()).get("headers");
        assertThat(lower(headers)).containsEntry("x-forwarded-proto", List.of("https"));
        assertThat(lower(headers).get("forwarded").get(0)).endsWith(";proto=https");
    }

    @Test
    void curlWithTheCaFileGetsTheResponse() throws Exception {
        assumeThat(Commands.available("curl")).as("curl installed").isTrue();
        Process curl = new ProcessBuilder("curl", "-sS", "--http1.1", "--cacert", certs.cert().toString(),
                "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{ssl_verify_result}",
                "https://localhost:" + ferry.port("edge") + "/small")
                .redirectErrorStream(true).start();
        assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(output).isEqualTo("200 1024 0");
        assertThat(curl.exitValue()).isZero();
    }

    private static Map<String, List<String>> lower(Map<String, List<String>> headers) {
        Map<String, List<String>> lower = new java.util.HashMap<>();
        headers.forEach((name, values) -> lower.put(name.toLowerCase(java.util.Locale.ROOT), values));
        return lower;
    }
}
