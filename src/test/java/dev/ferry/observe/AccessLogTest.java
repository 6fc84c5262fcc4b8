package dev.ferry.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.JsonText;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log file, written asynchronously: one line per request, in text or JSON. */
class AccessLogTest {

    private static DemoOrigin origin;
    private TestFerry ferry;
    private Path logFile;

    @TempDir
    Path dir;

    @BeforeAll
    static void startOrigin() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
    }

    @AfterAll
    static void stopOrigin() {
        origin.close();
    }

    @BeforeEach
    void logFile() {
        logFile = dir.resolve("access.log");
    }

    @AfterEach
    void stopFerry() {
        if (ferry != null) {
            ferry.close();
        }
    }

    private int startFerry(String format) {
        ferry = TestFerry.start("""
                listeners:
                  - name: fwd
                    bind: 127.0.0.1:0
                    forward_proxy:
                      allow_loopback_targets: true
                access_log: { format: %s, path: "%s" }
                """.formatted(format, logFile));
        return ferry.port("fwd");
    }

    /** Waits for the asynchronous writer to have written {@code count} complete lines. */
    private List<String> awaitLines(int count) {
        return await().atMost(Duration.ofSeconds(5)).until(this::completeLines, lines -> lines.size() == count);
    }

    private List<String> completeLines() throws IOException {
        if (!Files.exists(logFile)) {
            return List.of();
        }
        String text = Files.readString(logFile);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : text.substring(0, end + 1).lines().toList();
    }

    private static String address(RawHttp raw) {
        return "127.0.0.1:" + raw.socket().getLocalPort();
    }

    private String upstream() {
        return "127.0.0.1:" + origin.port();
    }

    @Test
    void jsonLineForEachRequestWithEveryField() throws Exception {
        int port = startFerry("json");
        Instant before = Instant.now().minusSeconds(1);
        String client;
        int echoLength;
        try (RawHttp raw = new RawHttp(port)) {
            client = address(raw);
            raw.send("GET " + origin.baseUrl() + "/small HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().body()).hasSize(1024);
            raw.send("POST " + origin.baseUrl() + "/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
            RawHttp.Response echo = raw.read();
            assertThat(echo.status()).isEqualTo(200);
            echoLength = echo.body().length;
        }

        List<String> lines = awaitLines(2);
        Map<String, Object> get = JsonText.object(lines.get(0));
        assertThat(get)
                .containsEntry("listener", "fwd")
                .containsEntry("client", client)
                .containsEntry("method", "GET")
                .containsEntry("target", origin.baseUrl() + "/small")
                .containsEntry("protocol", "HTTP/1.1")
                .containsEntry("status", 200L)
                .containsEntry("bytes_in", 0L)
                .containsEntry("bytes_out", 1024L)
                .containsEntry("upstream", upstream())
                .containsKeys("time", "duration_ms", "cache", "route");
        assertThat(Instant.parse((String) get.get("time"))).isAfter(before).isBefore(Instant.now());
        assertThat(((Number) get.get("duration_ms")).doubleValue()).isGreaterThanOrEqualTo(0).isLessThan(5000);

        Map<String, Object> post = JsonText.object(lines.get(1));
        assertThat(post)
                .containsEntry("listener", "fwd")
                .containsEntry("client", client)
                .containsEntry("method", "POST")
                .containsEntry("target", origin.baseUrl() + "/echo")
                .containsEntry("protocol", "HTTP/1.1")
                .containsEntry("status", 200L)
                .containsEntry("bytes_in", 5L)
                .containsEntry("bytes_out", (long) echoLength)
                .containsEntry("upstream", upstream());
        assertThat(((Number) post.get("duration_ms")).doubleValue()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void textLineForEachRequestWithEveryField() throws Exception {
        int port = startFerry("text");
        String client;
        try (RawHttp raw = new RawHttp(port)) {
            client = address(raw);
            raw.send("GET " + origin.baseUrl() + "/small HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(200);
            raw.send("POST " + origin.baseUrl() + "/echo HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(raw.read().status()).isEqualTo(200);
        }

        List<String> lines = awaitLines(2);
        assertThat(lines.get(0))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z fwd .*")
                .contains(" fwd " + client + " ")
                .contains("\"GET " + origin.baseUrl() + "/small HTTP/1.1\" 200 0 1024 ")
                .containsPattern(" \\d+\\.\\d{3}ms ")
                .contains("up=" + upstream());
        assertThat(lines.get(1))
                .contains(" fwd " + client + " ")
                .contains("\"POST " + origin.baseUrl() + "/echo HTTP/1.0\" 200 5 ")
                .contains("up=" + upstream());
    }

    @Test
    void malformedRequestIsLoggedWithItsStatus() throws Exception {
        int port = startFerry("json");
        String client;
        RawHttp.Response refused;
        try (RawHttp raw = new RawHttp(port)) {
            client = address(raw);
            raw.send("GET " + origin.baseUrl() + "/small HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
            refused = raw.read();
            assertThat(refused.status()).isEqualTo(400);
        }

        Map<String, Object> line = JsonText.object(awaitLines(1).get(0));
        assertThat(line)
                .containsEntry("listener", "fwd")
                .containsEntry("client", client)
                .containsEntry("status", 400L)
                .containsEntry("bytes_in", 0L)
                .containsEntry("bytes_out", (long) refused.body().length)
                .containsEntry("upstream", null);
    }
}
