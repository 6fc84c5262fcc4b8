package dev.ferry.demo;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bodies far larger than the test JVM's heap would allow to buffer pass in both directions. */
class DemoOriginStreamingTest {

    private static DemoOrigin origin;
    private static HttpClient client;

    @BeforeAll
    static void start() throws InterruptedException {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        origin.stop();
    }

    @Test
    void chunkedUploadIsHashedWhileItStreams() throws Exception {
        byte[] body = new byte[8 * 1024 * 1024 + 17];
        new Random(42).nextBytes(body);
        // an InputStream of unknown length makes the client use chunked coding
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/echo"))
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build(), BodyHandlers.ofString());

        Map<String, Object> echo = Json.object(response.body());
        assertThat(echo).containsEntry("bodyLength", (long) body.length)
                .containsEntry("bodySha256", DemoOriginEndpointsTest.sha256(body));
        assertThat(echo.get("headers")).asString().contains("transfer-encoding=[chunked]");
        RecordedRequest recorded = origin.requests().get(origin.requests().size() - 1);
        assertThat(recorded.bodyLength()).isEqualTo(body.length);
        assertThat(recorded.complete()).isTrue();
    }

    @Test
    void largeUploadPassesWithBoundedMemory() throws Exception {
        long length = 512L * 1024 * 1024;
        byte[] chunk = new byte[64 * 1024 + 251];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = DemoOrigin.patternByte(i);
        }
        try (Socket socket = new Socket(origin.address().getAddress(), origin.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: " + length
                    + "\r\n\r\n").getBytes(US_ASCII));
            for (long sent = 0; sent < length; sent += 64 * 1024) {
                out.write(chunk, (int) (sent % 251), (int) Math.min(64 * 1024, length - sent));
            }
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), US_ASCII);

            assertThat(response).startsWith("HTTP/1.1 200 OK")
                    .contains("\"bodyLength\":" + length)
                    .contains("\"bodySha256\":\"" + DemoOrigin.expectedSha256(length) + "\"");
        }
    }

    @Test
    void fiftyMebibyteDownloadMatchesTheExpectedDigest() throws Exception {
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri("/bytes/50m")).build(),
                BodyHandlers.ofInputStream());
        assertThat(response.headers().firstValue("Content-Length")).hasValue(String.valueOf(50L << 20));

        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        long received = 0;
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                sha256.update(buffer, 0, n);
                received += n;
            }
        }
        assertThat(received).isEqualTo(50L << 20);
        assertThat(HexFormat.of().formatHex(sha256.digest())).isEqualTo(DemoOrigin.expectedSha256(50L << 20));
    }

    @Test
    void chunkedDownloadUsesChunkedCoding() throws Exception {
        try (RawConnection connection = new RawConnection(origin.address())) {
            RawConnection.Response response = connection.get("/bytes/200k?chunked=1").read();

            assertThat(response.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(response.hasHeader("Content-Length")).isFalse();
            assertThat(response.body()).hasSize(200 * 1024);
            assertThat(DemoOriginEndpointsTest.sha256(response.body())).isEqualTo(DemoOrigin.expectedSha256(200 * 1024));

            // the connection stays usable after a chunked response
            assertThat(connection.get("/small").read().body()).hasSize(1024);
        }
    }

    @Test
    void headOfAChunkedDownloadKeepsTheConnectionInStep() throws Exception {
        try (RawConnection connection = new RawConnection(origin.address())) {
            connection.send("HEAD /bytes/1m?chunked=1 HTTP/1.1\r\nHost: t\r\n\r\n");
            RawConnection.Response head = connection.readHead();
            assertThat(head.header("Transfer-Encoding")).isEqualTo("chunked");

            // had the origin sent a body (even a terminating chunk) this would read it instead
            assertThat(connection.get("/healthz").read().text()).isEqualTo("ok\n");
        }
    }

    private static URI uri(String path) {
        return URI.create(origin.baseUrl() + path);
    }
}
