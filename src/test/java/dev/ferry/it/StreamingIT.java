package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.demo.RecordedRequest;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies far larger than Ferry's heap stream through the forward proxy: 200 MiB each way with
 * {@code -Xmx128m}, byte-exact, and the process is still healthy afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamingIT {

    private static final long SIZE = 200L << 20;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern BODY_SHA256 = Pattern.compile("\"bodySha256\":\"([0-9a-f]{64})\"");

    @TempDir
    static Path dir;

    private static DemoOrigin origin;
    private static FerryProcess ferry;
    private static HttpClient client;

    @BeforeAll
    static void start() throws InterruptedException {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        int port = FerryProcess.freePort();
        // ExitOnOutOfMemoryError: a heap that does not suffice kills the process, which the tests see.
        ferry = FerryProcess.run(dir, """
                listeners:
                  - name: fwd
                    bind: 127.0.0.1:%d
                    forward_proxy: { allow_loopback_targets: true }
                """.formatted(port), "-Xmx128m", "-XX:+ExitOnOutOfMemoryError");
        ferry.awaitListening(port);
        client = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", port)))
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    @Order(1)
    void download200MiB() throws Exception {
        HttpResponse<InputStream> response = client.send(
                HttpRequest.newBuilder(URI.create(origin.baseUrl() + "/bytes/200m")).timeout(TRANSFER_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValueAsLong("content-length")).hasValue(SIZE);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        long received = 0;
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = body.read(buffer)) > 0) {
                sha256.update(buffer, 0, n);
                received += n;
            }
        }
        assertThat(received).isEqualTo(SIZE);
        assertThat(HexFormat.of().formatHex(sha256.digest())).isEqualTo(DemoOrigin.expectedSha256(SIZE));
    }

    @Test
    @Order(2)
    void upload200MiB() throws Exception {
        origin.reset();
        HttpRequest request = HttpRequest.newBuilder(URI.create(origin.baseUrl() + "/echo"))
                .timeout(TRANSFER_TIMEOUT)
                // a known length: sent with Content-Length, generated as it is sent
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(SIZE)), SIZE))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Matcher reported = BODY_SHA256.matcher(response.body());
        assertThat(reported.find()).as(response.body()).isTrue();
        assertThat(reported.group(1)).isEqualTo(DemoOrigin.expectedSha256(SIZE));
        List<RecordedRequest> seen = origin.requests();
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).bodyLength()).isEqualTo(SIZE);
    }

    @Test
    @Order(3)
    void processSurvivesAndExitsCleanly() {
        assertThat(ferry.isAlive()).as(ferry.stderr()).isTrue();
        ferry.terminate();
        assertThat(ferry.awaitExit(Duration.ofSeconds(10))).as(ferry.stderr()).isZero();
        assertThat(ferry.stderr()).doesNotContain("OutOfMemoryError", "OutOfDirectMemoryError");
    }
}
