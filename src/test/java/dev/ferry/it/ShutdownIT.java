package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM drains: no new connections, requests in flight finish, idle connections close, exit 0. */
class ShutdownIT {

    private static DemoOrigin origin;

    @TempDir
    Path dir;

    private FerryProcess ferry;
    private int port;

    @BeforeAll
    static void startOrigin() throws InterruptedException {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
    }

    @AfterAll
    static void stopOrigin() {
        origin.close();
    }

    @BeforeEach
    void resetOrigin() {
        origin.reset();
    }

    @AfterEach
    void killFerry() {
        if (ferry != null) {
            ferry.close();
        }
    }

    private void startFerry(Duration drainTimeout) {
        port = FerryProcess.freePort();
        ferry = FerryProcess.run(dir, """
                server: { drain_timeout: %ds }
                listeners:
                  - name: fwd
                    bind: 127.0.0.1:%d
                    forward_proxy: { allow_loopback_targets: true }
                """.formatted(drainTimeout.toSeconds(), port));
        ferry.awaitListening(port);
    }

    private String get(String path) {
        return "GET " + origin.baseUrl() + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + origin.port() + "\r\n\r\n";
    }

    @Test
    void requestInFlightCompletesWhileNewConnectionsAreRefusedThenExitZero() throws Exception {
        Duration drain = Duration.ofSeconds(10);
        startFerry(drain);
        try (RawHttp client = new RawHttp(port)) {
            client.send(get("/delay/3000"));
            await().atMost(Duration.ofSeconds(5)).until(() -> origin.requestsReceived() == 1);

            long sigterm = System.nanoTime();
            ferry.terminate();
            // The origin answers 3 s after it got the request: all of this happens while it is in flight.
            await("listener closed after SIGTERM").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !FerryProcess.accepts(port));
            assertThat(ferry.isAlive()).as("still draining").isTrue();
            assertThat(client.socket().getInputStream().available()).as("no response yet").isZero();

            RawHttp.Response response = client.read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("delayed\n");
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(client.closedByPeer()).isTrue();

            assertThat(ferry.awaitExit(drain.plusSeconds(5))).as(ferry.stderr()).isZero();
            Duration stopping = Duration.ofNanos(System.nanoTime() - sigterm);
            assertThat(stopping).as("exit once the last request finished, not at the drain timeout")
                    .isLessThan(drain);
        }
        assertThat(ferry.stderr()).doesNotContain("drain timeout");
    }

    @Test
    void idleKeepAliveConnectionsCloseAtOnceAndDoNotHoldTheExit() throws Exception {
        Duration drain = Duration.ofSeconds(30);
        startFerry(drain);
        try (RawHttp used = new RawHttp(port); RawHttp unused = new RawHttp(port)) {
            RawHttp.Response first = used.send(get("/bytes/100")).read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("connection")).as("kept alive").isNotEqualToIgnoringCase("close");

            long sigterm = System.nanoTime();
            ferry.terminate();
            // RawHttp's read timeout is 5 s, far below the 30 s drain timeout.
            assertThat(used.closedByPeer()).as("idle keep-alive connection closed").isTrue();
            assertThat(unused.closedByPeer()).as("connection that never sent a request closed").isTrue();
            assertThat(ferry.awaitExit(Duration.ofSeconds(5))).as(ferry.stderr()).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - sigterm)).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(ferry.stderr()).doesNotContain("drain timeout");
    }

    @Test
    void sigtermAsSoonAsThePortAcceptsStillDrainsAndExitsZero() {
        port = FerryProcess.freePort();
        ferry = FerryProcess.run(dir, """
                listeners:
                  - name: fwd
                    bind: 127.0.0.1:%d
                    forward_proxy: { allow_loopback_targets: true }
                """.formatted(port));
        // A supervisor that sends SIGTERM as soon as it sees the port open (a quick rollout, say).
        ferry.awaitListening(port, Duration.ofMillis(2));
        ferry.terminate();
        assertThat(ferry.awaitExit(Duration.ofSeconds(10))).as(ferry.stderr()).isZero();
    }
}
