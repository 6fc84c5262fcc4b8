package dev.ferry.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a client sees when the exchange with the server goes wrong (through the forward proxy,
 * against a real origin): a clear 502 or 504 before the response started, a closed connection
 * after it started, and never a stale pooled connection surfacing as an error.
 */
class UpstreamErrorsTest {

    private static final String FORWARD_PROXY = """
            listeners:
              - name: fwd
                bind: 127.0.0.1:0
                forward_proxy:
                  allow_loopback_targets: true
            """;

    private static DemoOrigin origin;
    private static TestFerry ferry;
    private static TestFerry impatient;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start(FORWARD_PROXY);
        impatient = TestFerry.start(FORWARD_PROXY + "      timeouts: { response: 300ms }\n");
    }

    @AfterAll
    static void stop() {
        impatient.close();
        ferry.close();
        origin.close();
    }

    @BeforeEach
    void reset() {
        origin.reset();
    }

    private static String get(String url) {
        return "GET " + url + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    @Test
    void aClosedPortIsBadGatewayWithAOneLineReason() throws Exception {
        int closed = freePort();
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send(get("http://127.0.0.1:" + closed + "/"));
            RawHttp.Response response = raw.read();

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.header("content-type")).startsWith("text/plain");
            assertThat(response.bodyText()).isEqualTo("upstream refused the connection\n");
            assertThat(response.bodyText().lines()).hasSize(1);
            // The request was read in full, so its framing is intact: the connection stays usable.
            assertThat(response.header("connection")).isNull();
            raw.send(get(origin.baseUrl() + "/small"));
            assertThat(raw.read().status()).isEqualTo(200);
        }
    }

    @Test
    void anUnparsableResponseHeadIsBadGateway() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send(get(origin.baseUrl() + "/broken/header"));
            RawHttp.Response response = raw.read();

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.bodyText()).isEqualTo("invalid response from upstream\n");
            assertThat(response.header("x-origin")).as("nothing of the bad response leaks").isNull();
        }
    }

    @Test
    void aBodyShorterThanItsContentLengthEndsInAClosedConnectionNotAKeptOne() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send(get(origin.baseUrl() + "/broken/cl"));
            // read() takes Content-Length bytes or what arrives before the close.
            RawHttp.Response response = raw.read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-length")).isEqualTo("100");
            assertThat(response.body()).hasSizeLessThan(100);
            assertThat(raw.closedByPeer()).as("the client learns the body was cut short").isTrue();
        }
    }

    @Test
    void aSlowResponseIsGatewayTimeoutAfterTheResponseTimeout() throws Exception {
        try (RawHttp raw = new RawHttp(impatient.port("fwd"))) {
            long start = System.nanoTime();
            raw.send(get(origin.baseUrl() + "/delay/2000"));
            RawHttp.Response response = raw.read();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(response.status()).isEqualTo(504);
            assertThat(response.bodyText()).isEqualTo("upstream response timeout\n");
            assertThat(millis).isBetween(250L, 1900L);
        }
    }

    @Test
    void theTimedOutUpstreamConnectionIsClosedNotPooled() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             RawHttp raw = new RawHttp(impatient.port("fwd"))) {
            silent.setSoTimeout(5000);
            raw.send(get("http://127.0.0.1:" + silent.getLocalPort() + "/never"));
            try (Socket upstream = silent.accept()) {
                upstream.setSoTimeout(5000);
                assertThat(raw.read().status()).isEqualTo(504);
                // Everything Ferry sent, then its close: readAllBytes returns only at EOF.
                String received = new String(upstream.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(received).startsWith("GET /never HTTP/1.1\r\n");
            }
        }
    }

    @Test
    void anOriginThatAnnouncesItsCloseDoesNotBreakTheNextRequest() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            for (int i = 0; i < 5; i++) {
                raw.send(get(origin.baseUrl() + "/close"));
                RawHttp.Response closing = raw.read();
                assertThat(closing.status()).isEqualTo(200);
                assertThat(closing.bodyText()).isEqualTo("closing\n");
                // Connection: close was about Ferry's upstream hop, not the client's connection.
                assertThat(closing.header("connection")).isNull();

                raw.send(get(origin.baseUrl() + "/small"));
                assertThat(raw.read().body()).hasSize(1024);
            }
        }
        assertThat(origin.requestsReceived()).isEqualTo(10);
    }

    @Test
    void anOriginThatClosesSilentlyAfterAResponseDoesNotBreakTheNextRequest() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            for (int i = 0; i < 20; i++) {
                raw.send(get(origin.baseUrl() + "/close/silent"));
                assertThat(raw.read().status()).isEqualTo(200);
                // Once the close reached Ferry, the closed connection is never handed out again.
                await().atMost(Duration.ofSeconds(5)).until(() -> origin.openConnections() == 0);
                raw.send(get(origin.baseUrl() + "/small?i=" + i));
                RawHttp.Response next = raw.read();
                assertThat(next.status()).as("request %d after a silent close", i).isEqualTo(200);
                assertThat(next.body()).hasSize(1024);
            }
        }
    }

    @Test
    void idleConnectionsClosedByTheOriginAreNotHandedToTheNextRequest() throws Exception {
        try (DemoOrigin closer = DemoOrigin.start(DemoOrigin.Options.defaults()
                        .withKeepAliveIdleClose(Duration.ofMillis(200)));
             RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            int failures = 0;
            for (int i = 0; i < 20; i++) {
                raw.send(get(closer.baseUrl() + "/small?i=" + i));
                RawHttp.Response response = raw.read();
                if (response.status() != 200 || response.body().length != 1024) {
                    failures++;
                }
                // The origin closes the pooled connection once it has been idle for 200 ms.
                await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10))
                        .until(() -> closer.openConnections() == 0);
            }
            assertThat(failures).isZero();
            assertThat(closer.requestsReceived()).isEqualTo(20);
            assertThat(closer.connectionsAccepted()).isEqualTo(20);
        }
    }

    /**
     * The race that a stale pooled connection really is, made deterministic: the server keeps the
     * connection after a first response, then closes it when the next request arrives, unanswered.
     */
    @Test
    void aGetOnAPooledConnectionThatTheServerReadsThenDropsIsNotSentTwice() throws Exception {
        // The server saw the request: sending it again would make it see it twice (nginx and
        // HAProxy don't either). Only a request that could not be written at all is sent again.
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            server.setSoTimeout(5000);
            String base = "http://127.0.0.1:" + server.getLocalPort();
            raw.send(get(base + "/first"));
            try (Socket first = server.accept()) {
                first.setSoTimeout(5000);
                assertThat(readHead(first)).startsWith("GET /first ");
                answer(first, "one");
                assertThat(raw.read().bodyText()).isEqualTo("one");

                raw.send(get(base + "/second"));
                assertThat(readHead(first)).startsWith("GET /second ");
            }
            assertThat(raw.read().status()).isEqualTo(502);
            server.setSoTimeout(300);
            assertThatThrownBy(server::accept).isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    @Test
    void aPostOnAPooledConnectionThatTheServerDropsIsNotSentTwice() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            server.setSoTimeout(5000);
            String base = "http://127.0.0.1:" + server.getLocalPort();
            raw.send(get(base + "/first"));
            try (Socket first = server.accept()) {
                first.setSoTimeout(5000);
                readHead(first);
                answer(first, "one");
                assertThat(raw.read().bodyText()).isEqualTo("one");

                raw.send("POST " + base + "/order HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nbuy");
                assertThat(readHead(first)).startsWith("POST /order ");
            }
            // RFC 9110 §9.2.2: the server may have acted on it, so it is not repeated.
            RawHttp.Response response = raw.read();
            assertThat(response.status()).isEqualTo(502);
            assertThat(response.bodyText()).isEqualTo("upstream closed the connection\n");
            server.setSoTimeout(300);
            assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);
        }
    }

    /** Reads a request head (request line and header lines up to the empty line). */
    private static String readHead(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static void answer(Socket socket, String body) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
