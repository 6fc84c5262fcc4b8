package dev.ferry.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-leg timeouts towards servers ({@code timeouts: { connect, response, idle, tunnel }}), set per
 * upstream and overridden per route: a server too slow to answer gets a 504, one that stalls
 * mid-body gets its client cut off, an idle WebSocket tunnel is closed.
 */
class TimeoutsTest {

    private static DemoOrigin origin;
    private static DemoOrigin slow;
    private static ScriptedServer stalling;
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults().withName("origin"));
        slow = DemoOrigin.start(DemoOrigin.Options.defaults().withName("slow"));
        slow.setResponseDelay(Duration.ofSeconds(2));
        stalling = ScriptedServer.start(ScriptedServer.stallMidBody());
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: patient
                        match: { host: patient.test }
                        upstream: app
                        timeouts: { response: 5s }
                      - name: stalling
                        match: { host: stalling.test }
                        upstream: stalling
                      - name: chatty
                        match: { headers: { X-Test: tunnel } }
                        upstream: app
                        timeouts: { tunnel: 300ms }
                      - name: mixed
                        match: { host: mixed.test }
                        upstream: mixed
                      - name: app
                        upstream: app
                upstreams:
                  app:
                    servers: [ "127.0.0.1:%d" ]
                    timeouts: { response: 300ms, tunnel: 1m }
                  stalling:
                    servers: [ "127.0.0.1:%d" ]
                    timeouts: { idle: 300ms }
                  mixed:
                    servers: [ "127.0.0.1:%d", "127.0.0.1:%d" ]
                    timeouts: { response: 300ms }
                """.formatted(origin.port(), stalling.port(), slow.port(), origin.port()));
    }

    @AfterAll
    static void stop() throws IOException {
        ferry.close();
        origin.close();
        slow.close();
        stalling.close();
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void aServerSlowerThanTheResponseTimeoutGets504Quickly() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("edge"))) {
            long start = System.nanoTime();
            RawHttp.Response response = raw.send("GET /delay/2000 HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
            long took = millisSince(start);
            assertThat(response.status()).isEqualTo(504);
            assertThat(response.bodyText()).contains("response timeout");
            assertThat(took).isBetween(250L, 1500L);
        }
    }

    @Test
    void aRouteOverrideOfTheResponseTimeoutLetsTheSameUpstreamAnswer() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("edge"))) {
            RawHttp.Response response = raw.send("GET /delay/1000 HTTP/1.1\r\nHost: patient.test\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("delayed\n");
        }
    }

    @Test
    void aResponseThatStallsMidBodyIsCutOffAfterTheIdleTimeout() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("edge"))) {
            long start = System.nanoTime();
            // The head already reached the client, so all Ferry can do is end the connection early.
            RawHttp.Response response = raw.send("GET /anything HTTP/1.1\r\nHost: stalling.test\r\n\r\n").read();
            long took = millisSince(start);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-length")).isEqualTo("100");
            assertThat(new String(response.body())).isEqualTo("0123456789");
            assertThat(took).as("cut off by the idle timeout, not the client's 5 s socket timeout")
                    .isBetween(250L, 2000L);
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    @Test
    void aConnectionThatCannotBeEstablishedGets504AfterTheConnectTimeout() throws Exception {
        // A listener that never accepts, with its backlog filled: further SYNs go unanswered.
        try (ServerSocket blackHole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                Assumptions.assumeTrue(fillBacklog(blackHole, fillers), "cannot make connects hang here");
                try (TestFerry slowConnect = TestFerry.start("""
                        listeners:
                          - name: edge
                            bind: 127.0.0.1:0
                            routes:
                              - name: all
                                upstream: hole
                        upstreams:
                          hole:
                            servers: [ "127.0.0.1:%d" ]
                            timeouts: { connect: 300ms }
                        """.formatted(blackHole.getLocalPort()));
                     RawHttp raw = new RawHttp(slowConnect.port("edge"))) {
                    long start = System.nanoTime();
                    RawHttp.Response response = raw.send("GET /small HTTP/1.1\r\nHost: hole.test\r\n\r\n").read();
                    long took = millisSince(start);
                    assertThat(response.status()).isEqualTo(504);
                    assertThat(response.bodyText()).contains("connect timeout");
                    assertThat(took).isBetween(250L, 2000L);
                }
            } finally {
                for (Socket filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    /** Connects until a connect times out; true when one did (the backlog is full). */
    private static boolean fillBacklog(ServerSocket listener, List<Socket> fillers) throws IOException {
        for (int i = 0; i < 20; i++) {
            Socket socket = new Socket();
            fillers.add(socket);
            try {
                socket.connect(new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()), 200);
            } catch (SocketTimeoutException e) {
                return true;
            }
        }
        return false;
    }

    @Test
    void anIdleWebSocketTunnelIsClosedAfterTheRoutesTunnelTimeout() throws Exception {
        CompletableFuture<Long> closed = new CompletableFuture<>();
        CompletableFuture<String> echoed = new CompletableFuture<>();
        long start = System.nanoTime();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("X-Test", "tunnel")
                .buildAsync(URI.create("ws://127.0.0.1:" + ferry.port("edge") + "/ws"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                echoed.complete(data.toString());
                                ws.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                                closed.complete(millisSince(start));
                                return null;
                            }

                            @Override
                            public void onError(WebSocket ws, Throwable error) {
                                closed.complete(millisSince(start));
                            }
                        })
                .get(5, TimeUnit.SECONDS);
        ws.sendText("ping", true).get(5, TimeUnit.SECONDS);
        assertThat(echoed.get(5, TimeUnit.SECONDS)).isEqualTo("ping");
        // Nothing moves now; the route's 300 ms (not the upstream's minute) ends the tunnel.
        assertThat(closed.get(5, TimeUnit.SECONDS)).isBetween(250L, 3000L);
    }

    @Test
    void aResponseTimeoutIsRetriedOnAnotherServerForAGetButNotForAPost() throws Exception {
        slow.reset();
        for (int i = 0; i < 4; i++) {
            try (RawHttp raw = new RawHttp(ferry.port("edge"))) {
                long start = System.nanoTime();
                RawHttp.Response response = raw.send("GET /small HTTP/1.1\r\nHost: mixed.test\r\n\r\n").read();
                assertThat(response.status()).as("GET %d", i).isEqualTo(200);
                assertThat(response.header("x-origin")).isEqualTo("origin");
                assertThat(millisSince(start)).isLessThan(1500);
            }
        }
        assertThat(slow.requestsReceived()).as("GETs that timed out on the slow server first").isPositive();

        int timedOut = 0;
        for (int i = 0; i < 4; i++) {
            try (RawHttp raw = new RawHttp(ferry.port("edge"))) {
                RawHttp.Response response = raw.send("POST /echo HTTP/1.1\r\nHost: mixed.test\r\n"
                        + "Content-Length: 2\r\n\r\nhi").read();
                assertThat(response.status()).as("POST %d", i).isIn(200, 504);
                timedOut += response.status() == 504 ? 1 : 0;
            }
        }
        assertThat(timedOut).as("POSTs that met the slow server").isPositive();
        assertThat(slow.requests().stream().filter(r -> r.method().equals("POST")).count()).isEqualTo(timedOut);
    }

    @Test
    void aConnectTimeoutIsRetriedOnAnotherServerEvenForAPost() throws Exception {
        try (ServerSocket blackHole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                Assumptions.assumeTrue(fillBacklog(blackHole, fillers), "cannot make connects hang here");
                try (TestFerry twoServers = TestFerry.start("""
                        listeners:
                          - name: edge
                            bind: 127.0.0.1:0
                            routes:
                              - name: all
                                upstream: app
                        upstreams:
                          app:
                            servers: [ "127.0.0.1:%d", "127.0.0.1:%d" ]
                            timeouts: { connect: 200ms }
                        """.formatted(blackHole.getLocalPort(), origin.port()))) {
                    for (int i = 0; i < 4; i++) {
                        try (RawHttp raw = new RawHttp(twoServers.port("edge"))) {
                            RawHttp.Response response = raw.send("POST /echo HTTP/1.1\r\nHost: app.test\r\n"
                                    + "Content-Length: 2\r\n\r\nhi").read();
                            assertThat(response.status()).as("POST %d", i).isEqualTo(200);
                            assertThat(response.bodyText()).contains("\"bodyLength\":2");
                        }
                    }
                }
            } finally {
                for (Socket filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    @Test
    void aClientPausingItsDownloadIsNotCutOffByTheServersIdleTimeout() throws Exception {
        try (TestFerry strict = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: all
                        upstream: app
                upstreams:
                  app:
                    servers: [ "127.0.0.1:%d" ]
                    timeouts: { idle: 500ms }
                """.formatted(origin.port()));
             Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.setSoTimeout(5000);
            socket.connect(strict.address("edge"));
            socket.getOutputStream().write("GET /bytes/16m HTTP/1.1\r\nHost: app.test\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 200").contains("content-length: 16777216");
            long expected = 16L << 20;
            long received = 0;
            boolean paused = false;
            byte[] buffer = new byte[64 * 1024];
            while (received < expected) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, expected - received));
                if (n < 0) {
                    break;
                }
                received += n;
                if (!paused && received >= 1 << 20) {
                    paused = true;
                    // The client's slowness is the scenario: its buffers fill and Ferry stops reading the server.
                    Thread.sleep(1500);
                }
            }
            assertThat(received).as("body bytes received").isEqualTo(expected);
        }
    }

    @Test
    void aServerThatStopsReadingAnUploadGets504AfterTheIdleTimeout() throws Exception {
        CountDownLatch end = new CountDownLatch(1);
        try (ScriptedServer deaf = ScriptedServer.startReadingHeadsOnly((request, out) -> {
                 try {
                     end.await(30, TimeUnit.SECONDS);
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
                 return false;
             });
             TestFerry strict = TestFerry.start("""
                     listeners:
                       - name: edge
                         bind: 127.0.0.1:0
                         routes:
                           - name: all
                             upstream: app
                     limits: { idle_timeout: 10s }
                     upstreams:
                       app:
                         servers: [ "127.0.0.1:%d" ]
                         timeouts: { idle: 500ms }
                     """.formatted(deaf.port()));
             RawHttp raw = new RawHttp(strict.port("edge"))) {
            raw.socket().setSoTimeout(15_000);
            raw.send("PUT /upload HTTP/1.1\r\nHost: app.test\r\nContent-Length: 67108864\r\n\r\n");
            ExecutorService uploader = Executors.newSingleThreadExecutor();
            try {
                // Far more than every socket buffer on the way holds: the upload stalls once they are full.
                uploader.submit(() -> {
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 1024; i++) {
                        raw.send(chunk);
                    }
                    return null;
                });
                long start = System.nanoTime();
                RawHttp.Response response = raw.read();
                assertThat(response.status()).as(response.statusLine() + " " + response.bodyText().trim())
                        .isEqualTo(504);
                assertThat(millisSince(start)).isLessThan(3000);
            } finally {
                end.countDown();
                uploader.shutdownNow();
            }
        }
    }
}
