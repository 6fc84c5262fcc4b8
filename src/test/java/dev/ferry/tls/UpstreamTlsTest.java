package dev.ferry.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.health.HealthState;
import dev.ferry.health.ServerStatus;
import dev.ferry.testing.TestCerts;
import dev.ferry.testing.TestFerry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstreams over TLS: verified against the configured CA (or the system store, which does not
 * know a self-signed origin), host name checked against server_name or the server's host,
 * verify: false only when written; pooled connections and health checks over TLS.
 */
class UpstreamTlsTest {

    @TempDir
    static Path dir;

    private static TestCerts originCert;
    private static TestCerts edgeCert;
    private static DemoOrigin origin;
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        originCert = TestCerts.create(dir.resolve("origin"), "localhost", "127.0.0.1");
        edgeCert = TestCerts.create(dir.resolve("edge"), "localhost", "127.0.0.1");
        origin = DemoOrigin.start(DemoOrigin.Options.defaults().withTls(originCert.serverContext()));
        int port = origin.port();
        ferry = TestFerry.start("""
                listeners:
                  - name: plain
                    bind: 127.0.0.1:0
                    routes:
                      - { name: trusted, match: { headers: { X-Upstream: trusted } }, upstream: trusted }
                      - { name: system, match: { headers: { X-Upstream: system } }, upstream: system }
                      - { name: wronghost, match: { headers: { X-Upstream: wronghost } }, upstream: wronghost }
                      - { name: renamed, match: { headers: { X-Upstream: renamed } }, upstream: renamed }
                      - { name: insecure, match: { headers: { X-Upstream: insecure } }, upstream: insecure }
                  - name: edge
                    bind: 127.0.0.1:0
                    tls: { cert: %1$s, key: %2$s }
                    routes: [ { name: all, upstream: trusted } ]
                upstreams:
                  trusted:
                    servers: [ "https://localhost:%3$d" ]
                    tls: { ca: %4$s }
                    health_check: { type: http, path: /healthz, interval: 500ms, timeout: 500ms, rise: 1, fall: 1 }
                  system:
                    servers: [ "https://127.0.0.1:%3$d" ]
                    health_check: { type: tcp, interval: 500ms, timeout: 500ms, rise: 1, fall: 1 }
                    fail_open: true
                  wronghost:
                    servers: [ "127.0.0.1:%3$d" ]
                    tls: { ca: %4$s, server_name: api.internal }
                  renamed:
                    servers: [ "127.0.0.1:%3$d" ]
                    tls: { ca: %4$s, server_name: localhost }
                  insecure:
                    servers: [ "https://127.0.0.1:%3$d" ]
                    tls: { verify: false }
                """.formatted(edgeCert.cert(), edgeCert.key(), port, originCert.cert()));
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

    /** One client connection, so one event loop of Ferry's and so one pool. */
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** GET {@code path} through the route to {@code upstream}. */
    private static HttpResponse<String> get(String upstream, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ferry.port("plain") + path))
                .header("X-Upstream", upstream).build(), BodyHandlers.ofString());
    }

    @Test
    void aServerTrustedThroughTheConfiguredCaAnswersAndItsConnectionIsPooled() throws Exception {
        // "renamed" has no health checks, which would open connections of their own.
        java.util.Set<Object> ferrySidePorts = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = get("renamed", "/echo");
            assertThat(response.statusCode()).isEqualTo(200);
            ferrySidePorts.add(dev.ferry.testing.JsonText.object(response.body()).get("remote"));
        }
        assertThat(ferrySidePorts).as("TLS connections the origin saw").hasSize(1);
    }

    @Test
    void aSelfSignedServerUnknownToTheSystemTrustStoreIsA502() throws Exception {
        HttpResponse<String> response = get("system", "/small?system");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("upstream TLS certificate not trusted");
        assertThat(origin.requests()).noneSatisfy(request -> assertThat(request.uri()).isEqualTo("/small?system"));
    }

    @Test
    void aCertificateForAnotherHostIsA502() throws Exception {
        HttpResponse<String> response = get("wronghost", "/small?wronghost");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("upstream TLS certificate not trusted");
        // (The origin also answers other upstreams' health checks: look for this request only.)
        assertThat(origin.requests()).noneSatisfy(request -> assertThat(request.uri()).isEqualTo("/small?wronghost"));
    }

    @Test
    void serverNameIsWhatTheCertificateIsCheckedAgainst() throws Exception {
        assertThat(get("renamed", "/small").statusCode()).isEqualTo(200);
    }

    @Test
    void verifyFalseAcceptsAnyCertificate() throws Exception {
        assertThat(get("insecure", "/small").statusCode()).isEqualTo(200);
    }

    @Test
    void healthChecksRunOverTlsAndFailWhenTheCertificateIsNotTrusted() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ServerStatus trusted = ferry.server().upstreams().get("trusted").health().get(0);
            ServerStatus system = ferry.server().upstreams().get("system").health().get(0);
            assertThat(origin.requests()).anySatisfy(request -> assertThat(request.uri()).isEqualTo("/healthz"));
            assertThat(trusted.state()).isEqualTo(HealthState.HEALTHY);
            assertThat(system.state()).isEqualTo(HealthState.UNHEALTHY);
            assertThat(system.lastError()).startsWith("TLS: ");
        });
    }

    @Test
    void jdkClientOverHttpsToFerryOverHttpsToTheOrigin() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(edgeCert.trustingClientContext()).build();

        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + ferry.port("edge") + "/medium")).build(), BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(16 * 1024);
    }

    @Test
    void curlOverHttpsToFerryOverHttpsToTheOrigin() throws Exception {
        assumeThat(Commands.available("curl")).as("curl installed").isTrue();

        Commands.Result curl = Commands.run(List.of("curl", "-sS", "--http1.1", "--cacert", edgeCert.cert().toString(),
                "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                "https://localhost:" + ferry.port("edge") + "/large"));

        assertThat(curl.output()).isEqualTo("200 1048576");
    }
}
