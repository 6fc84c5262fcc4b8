package dev.ferry.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.demo.RecordedRequest;
import dev.ferry.testing.LoadClient;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keep-alive connections to servers, pooled per event loop per server: reused across requests,
 * retired after {@code max_requests}, closed after {@code idle_timeout}, not kept beyond
 * {@code max_idle}, and never a source of client errors when a server closes idle ones itself.
 */
class PoolReuseTest {

    private final List<DemoOrigin> origins = new ArrayList<>();

    private DemoOrigin origin(DemoOrigin.Options options) throws InterruptedException {
        DemoOrigin origin = DemoOrigin.start(options);
        origins.add(origin);
        return origin;
    }

    @AfterEach
    void stopOrigins() {
        origins.forEach(DemoOrigin::close);
    }

    /** Two event loops, and upstream {@code app} round robin over {@code a} and {@code b}. */
    private static TestFerry ferry(DemoOrigin a, DemoOrigin b, String pool) {
        return TestFerry.start("""
                server: { workers: 2 }
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: all
                        upstream: app
                upstreams:
                  app:
                    servers: [ "127.0.0.1:%d", "127.0.0.1:%d" ]
                    %s
                """.formatted(a.port(), b.port(), pool.isEmpty() ? "" : "pool: " + pool));
    }

    private static void sequentialOnOneConnection(TestFerry ferry, int count) throws IOException {
        try (LoadClient client = new LoadClient(ferry.port("edge"))) {
            for (int i = 0; i < count; i++) {
                assertThat(client.get("app.test", "/small", "").status()).as("request %d", i).isEqualTo(200);
            }
        }
    }

    @Test
    void aThousandSequentialRequestsOnOneClientConnectionUseOneConnectionPerServer() throws Exception {
        DemoOrigin a = origin(DemoOrigin.Options.defaults().withName("a"));
        DemoOrigin b = origin(DemoOrigin.Options.defaults().withName("b"));
        try (TestFerry ferry = ferry(a, b, "")) {
            sequentialOnOneConnection(ferry, 1000);
            assertThat(a.requestsReceived() + b.requestsReceived()).isEqualTo(1000);
            // One client connection lives on one event loop, so its requests share that loop's pool.
            assertThat(a.connectionsAccepted()).isEqualTo(1);
            assertThat(b.connectionsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void clientConnectionsOnTheSameEventLoopShareItsPooledConnections() throws Exception {
        DemoOrigin a = origin(DemoOrigin.Options.defaults().withName("a"));
        DemoOrigin b = origin(DemoOrigin.Options.defaults().withName("b"));
        try (TestFerry ferry = ferry(a, b, "")) {
            List<LoadClient> clients = new ArrayList<>();
            try {
                for (int c = 0; c < 6; c++) {
                    clients.add(new LoadClient(ferry.port("edge")));
                }
                // One request at a time, taking the six client connections in turn.
                for (int i = 0; i < 600; i++) {
                    assertThat(clients.get(i % 6).get("app.test", "/small", "").status()).isEqualTo(200);
                }
            } finally {
                for (LoadClient client : clients) {
                    client.close();
                }
            }
            // Two event loops: at most two connections per server, however many client connections.
            assertThat(a.connectionsAccepted()).as("connections to a").isBetween(1, 2);
            assertThat(b.connectionsAccepted()).as("connections to b").isBetween(1, 2);
        }
    }

    @Test
    void aThousandSequentialRequestsFromAnHttpClientOpenAtMostOneConnectionPerLoopPerServer() throws Exception {
        DemoOrigin a = origin(DemoOrigin.Options.defaults().withName("a"));
        DemoOrigin b = origin(DemoOrigin.Options.defaults().withName("b"));
        try (TestFerry ferry = ferry(a, b, "")) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ferry.port("edge") + "/small"))
                    .timeout(Duration.ofSeconds(5)).build();
            for (int i = 0; i < 1000; i++) {
                assertThat(client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode())
                        .as("request %d", i).isEqualTo(200);
            }
            assertThat(a.requestsReceived() + b.requestsReceived()).isEqualTo(1000);
            assertThat(a.connectionsAccepted()).as("connections to a").isLessThanOrEqualTo(2);
            assertThat(b.connectionsAccepted()).as("connections to b").isLessThanOrEqualTo(2);
        }
    }

    @Test
    void maxRequestsRetiresAConnectionAfterThatManyRequests() throws Exception {
        DemoOrigin a = origin(DemoOrigin.Options.defaults().withName("a"));
        DemoOrigin b = origin(DemoOrigin.Options.defaults().withName("b"));
        try (TestFerry ferry = ferry(a, b, "{ max_requests: 10 }")) {
            sequentialOnOneConnection(ferry, 100);
            assertThat(a.connectionsAccepted() + b.connectionsAccepted()).isEqualTo(10);
            for (DemoOrigin origin : List.of(a, b)) {
                Map<Integer, Long> perConnection = origin.requests().stream()
                        .collect(Collectors.groupingBy(RecordedRequest::connectionId, Collectors.counting()));
                assertThat(perConnection.values()).as("requests per connection to %s", origin)
                        .containsOnly(10L);
            }
            // A retired connection is closed, not left open.
            await().atMost(Duration.ofSeconds(2)).until(() -> a.openConnections() + b.openConnections() == 0);
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        DemoOrigin a = origin(DemoOrigin.Options.defaults().withName("a"));
        DemoOrigin b = origin(DemoOrigin.Options.defaults().withName("b"));
        try (TestFerry ferry = ferry(a, b, "{ idle_timeout: 300ms }");
             RawHttp raw = new RawHttp(ferry.port("edge"))) {
            long start = System.nanoTime();
            for (int i = 0; i < 2; i++) {
                assertThat(raw.send("GET /small HTTP/1.1\r\nHost: app.test\r\n\r\n").read().status()).isEqualTo(200);
            }
            assertThat(a.connectionsAccepted() + b.connectionsAccepted()).isEqualTo(2);
            // The client connection stays open; only the pooled upstream connections age out.
            await().atMost(Duration.ofSeconds(3)).until(() -> a.openConnections() + b.openConnections() == 0);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(250);
            assertThat(raw.send("GET /small HTTP/1.1\r\nHost: app.test\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(a.connectionsAccepted() + b.connectionsAccepted()).isEqualTo(3);
        }
    }

    @Test
    void maxIdleZeroKeepsNoConnection() throws Exception {
        DemoOrigin a = origin(DemoOrigin.Options.defaults().withName("a"));
        DemoOrigin b = origin(DemoOrigin.Options.defaults().withName("b"));
        try (TestFerry ferry = ferry(a, b, "{ max_idle: 0 }")) {
            sequentialOnOneConnection(ferry, 20);
            assertThat(a.connectionsAccepted() + b.connectionsAccepted()).isEqualTo(20);
        }
    }

    @Test
    void anOriginClosingIdleConnectionsAfterOneSecondCausesNoClientErrors() throws Exception {
        Duration originIdleClose = Duration.ofSeconds(1);
        DemoOrigin a = origin(DemoOrigin.Options.defaults().withName("a").withKeepAliveIdleClose(originIdleClose));
        DemoOrigin b = origin(DemoOrigin.Options.defaults().withName("b").withKeepAliveIdleClose(originIdleClose));
        try (TestFerry ferry = ferry(a, b, "")) {
            int clients = 8;
            int bursts = 5;
            int perClientPerBurst = 250;
            // Pauses around the origin's 1 s: the first requests of the next burst meet pooled
            // connections that the origin is closing right then, or has just closed.
            long[] pausesMillis = {950, 1000, 1050, 1150};
            AtomicInteger ok = new AtomicInteger();
            List<String> errors = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                for (int burst = 0; burst < bursts; burst++) {
                    if (burst > 0) {
                        // The idle time is the scenario, not a wait for something to happen.
                        Thread.sleep(pausesMillis[burst - 1]);
                    }
                    runBurst(ferry, pool, clients, perClientPerBurst, ok, errors);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(errors).isEmpty();
            assertThat(ok.get()).isEqualTo(clients * bursts * perClientPerBurst);
            // The origins did close idle connections between bursts, so Ferry had to open new ones.
            assertThat(a.connectionsAccepted() + b.connectionsAccepted()).isGreaterThan(2 * clients);
        }
    }

    private static void runBurst(TestFerry ferry, ExecutorService pool, int clients, int perClient,
                                 AtomicInteger ok, List<String> errors) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            done.add(pool.submit(() -> {
                go.await();
                try (LoadClient client = new LoadClient(ferry.port("edge"))) {
                    for (int i = 0; i < perClient; i++) {
                        String error;
                        try {
                            LoadClient.Reply reply = client.get("app.test", "/small", "");
                            if (reply.status() == 200 && reply.bodyLength() == 1024) {
                                ok.incrementAndGet();
                                continue;
                            }
                            error = reply.toString();
                        } catch (IOException e) {
                            error = e.toString();
                        }
                        synchronized (errors) {
                            errors.add(error);
                        }
                        client.reconnect();
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> future : done) {
            future.get(30, TimeUnit.SECONDS);
        }
    }
}
