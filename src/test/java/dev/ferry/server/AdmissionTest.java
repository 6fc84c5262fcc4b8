package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.demo.RecordedRequest;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Admission limits and client timeouts ({@code limits:}), over real sockets: work beyond a limit
 * gets a fast, clear answer (503 with {@code Retry-After}, 408, 414, 431) and slow or silent
 * clients do not hold a connection for ever.
 */
class AdmissionTest {

    private static DemoOrigin origin;
    private TestFerry ferry;

    @BeforeAll
    static void startOrigin() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
    }

    @AfterAll
    static void stopOrigin() {
        origin.close();
    }

    @AfterEach
    void stopFerry() {
        if (ferry != null) {
            ferry.close();
        }
    }

    /** Starts a forward proxy with {@code limits} as the body of the {@code limits:} map. */
    private int startFerry(String limits) {
        ferry = TestFerry.start("""
                listeners:
                  - name: fwd
                    bind: 127.0.0.1:0
                    forward_proxy:
                      allow_loopback_targets: true
                limits: { %s }
                """.formatted(limits));
        return ferry.port("fwd");
    }

    private static String get(String path) {
        return "GET " + origin.baseUrl() + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void requestBeyondMaxRequestsInFlightGetsA503AtOnceWhileTheOthersComplete() throws Exception {
        int port = startFerry("max_requests_in_flight: 3");
        List<RawHttp> slow = new ArrayList<>();
        try (RawHttp probe = new RawHttp(port)) {
            // Warm-up: the measured request below then runs through code that was already used once.
            probe.send(get("/small"));
            assertThat(probe.read().status()).isEqualTo(200);

            for (int i = 0; i < 3; i++) {
                RawHttp client = new RawHttp(port);
                slow.add(client);
                client.send(get("/delay/3000"));
            }
            await().atMost(Duration.ofSeconds(2)).until(() -> ferry.server().requestsInFlight() == 3);

            long start = System.nanoTime();
            probe.send(get("/small"));
            RawHttp.Response refused = probe.read();
            long elapsed = millisSince(start);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("retry-after")).isNotBlank();
            assertThat(elapsed).as("milliseconds until the 503").isLessThan(100);

            for (RawHttp client : slow) {
                RawHttp.Response response = client.read();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.bodyText()).isEqualTo("delayed\n");
            }
            // The slots are free again, and the refused client's connection is still usable.
            await().atMost(Duration.ofSeconds(2)).until(() -> ferry.server().requestsInFlight() == 0);
            probe.send(get("/small"));
            assertThat(probe.read().status()).isEqualTo(200);
        } finally {
            for (RawHttp client : slow) {
                client.close();
            }
        }
    }

    @Test
    void connectionBeyondMaxConnectionsGets503AndIsClosedUntilOneLeaves() throws Exception {
        int port = startFerry("max_connections: 2");
        try (RawHttp first = new RawHttp(port); RawHttp second = new RawHttp(port)) {
            await().atMost(Duration.ofSeconds(2)).until(() -> ferry.server().openConnections() == 2);

            try (RawHttp third = new RawHttp(port)) {
                RawHttp.Response refused = third.read();
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.header("retry-after")).isNotBlank();
                assertThat(refused.header("connection")).isEqualToIgnoringCase("close");
                assertThat(third.closedByPeer()).isTrue();
            }
            // The refused connection did not use up a slot: the two admitted ones are served.
            second.send(get("/small"));
            assertThat(second.read().status()).isEqualTo(200);

            first.close();
            await().atMost(Duration.ofSeconds(2)).until(() -> ferry.server().openConnections() == 1);
            try (RawHttp fourth = new RawHttp(port)) {
                fourth.send(get("/small"));
                RawHttp.Response served = fourth.read();
                assertThat(served.status()).isEqualTo(200);
                assertThat(served.body()).hasSize(1024);
            }
        }
    }

    @Test
    void halfARequestHeadGets408AfterHeaderTimeoutAndTheConnectionCloses() throws Exception {
        int port = startFerry("header_timeout: 300ms, idle_timeout: 10s");
        long start = System.nanoTime();
        try (RawHttp raw = new RawHttp(port)) {
            raw.send("GET " + origin.baseUrl() + "/small HTTP/1.1\r\nHost: x\r\nX-Slow: not done");
            RawHttp.Response response = raw.read();
            assertThat(response.status()).isEqualTo(408);
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(millisSince(start)).isGreaterThanOrEqualTo(300);
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    @Test
    void silentClientGets408AfterHeaderTimeoutAndTheConnectionCloses() throws Exception {
        int port = startFerry("header_timeout: 300ms, idle_timeout: 10s");
        long start = System.nanoTime();
        try (RawHttp raw = new RawHttp(port)) {
            RawHttp.Response response = raw.read();
            assertThat(response.status()).isEqualTo(408);
            assertThat(millisSince(start)).isGreaterThanOrEqualTo(300);
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    @Test
    void idleKeptAliveConnectionIsClosedAfterIdleTimeoutWithoutAnyBytes() throws Exception {
        int port = startFerry("header_timeout: 5s, idle_timeout: 300ms");
        try (RawHttp raw = new RawHttp(port)) {
            raw.send(get("/small"));
            RawHttp.Response response = raw.read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("connection")).isNull();
            long idleSince = System.nanoTime();
            // closedByPeer() reads one byte: true only on EOF, so no 408 or anything else was sent.
            assertThat(raw.closedByPeer()).isTrue();
            assertThat(millisSince(idleSince)).isGreaterThanOrEqualTo(250).isLessThan(4000);
        }
    }

    @Test
    void headerSectionBeyondMaxHeaderSizeIs431AndTheConnectionCloses() throws Exception {
        int port = startFerry("max_header_size: 2KiB");
        try (RawHttp raw = new RawHttp(port)) {
            raw.send("GET " + origin.baseUrl() + "/small HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(3 * 1024)
                    + "\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(431);
            assertThat(raw.closedByPeer()).isTrue();
        }
        // Just under the limit is fine.
        try (RawHttp raw = new RawHttp(port)) {
            raw.send("GET " + origin.baseUrl() + "/small HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(1500)
                    + "\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(200);
        }
    }

    @Test
    void requestTargetBeyondMaxHeaderSizeIs414AndTheConnectionCloses() throws Exception {
        int port = startFerry("max_header_size: 2KiB");
        try (RawHttp raw = new RawHttp(port)) {
            raw.send("GET " + origin.baseUrl() + "/small?q=" + "a".repeat(3 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(414);
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    @Test
    void uploadThatStallsMidBodyGets408AfterIdleTimeoutAndTheConnectionCloses() throws Exception {
        int port = startFerry("header_timeout: 5s, idle_timeout: 300ms");
        origin.reset();
        try (RawHttp raw = new RawHttp(port)) {
            long start = System.nanoTime();
            raw.send("POST " + origin.baseUrl() + "/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
                    + "0123456789");
            RawHttp.Response response = raw.read();
            assertThat(response.status()).isEqualTo(408);
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(millisSince(start)).isGreaterThanOrEqualTo(300);
            assertThat(raw.closedByPeer()).isTrue();
        }
        // The origin's side is abandoned too: it saw the connection close with the body incomplete.
        await().atMost(Duration.ofSeconds(2)).until(() -> !origin.requests().isEmpty());
        RecordedRequest seen = origin.requests().get(0);
        assertThat(seen.complete()).isFalse();
        assertThat(seen.bodyLength()).isEqualTo(10);
    }
}
