package dev.ferry.cache;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Collapsed requests (RFC 9111 §4): concurrent misses for one URL wait for one origin request
 * instead of all going to the origin, and whatever that request turns out to be (not storable,
 * failed, abandoned) never leaves them waiting.
 */
class CoalescingTest {

    private static final int CLIENTS = 100;
    private static final String HOST = "coalesce.test";

    private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private DemoOrigin origin;
    private TestFerry ferry;

    @BeforeEach
    void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = ferryFor(origin.port());
    }

    @AfterEach
    void stop() throws Exception {
        clients.shutdownNow();
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        origin.close();
    }

    private TestFerry ferryFor(int originPort) {
        TestFerry started = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: all
                        upstream: origin
                        cache: c
                upstreams:
                  origin:
                    servers: [ "127.0.0.1:%d" ]
                    timeouts: { response: 30s }
                    retries: { attempts: 1 }
                caches:
                  c: { max_size: 16MiB, max_object_size: 1MiB }
                """.formatted(originPort));
        toClose.add(started);
        return started;
    }

    @Test
    @DisplayName("RFC 9111 §4: 100 concurrent misses for one URL make one origin request and all get its response")
    void rfc9111_4_concurrentMissesMakeOneOriginRequest() throws Exception {
        List<RawHttp.Response> responses = concurrently(ferry, CLIENTS, "/delay/300?cache=max-age=60");

        assertThat(responses).allSatisfy(response -> {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("delayed\n");
        });
        assertThat(origin.requestsReceived()).isEqualTo(1);
        assertThat(responses).filteredOn(r -> Fetch.cacheStatus(r).contains("; stored")).hasSize(1);
        assertThat(responses).filteredOn(r -> Fetch.cacheStatus(r).contains("; hit")).hasSize(CLIENTS - 1);
        // Most of them arrived while the leader was at the origin, and were woken by its response.
        assertThat(responses).filteredOn(r -> Fetch.cacheStatus(r).contains("; collapsed")).isNotEmpty();
    }

    @ParameterizedTest(name = "Cache-Control: {0}")
    @ValueSource(strings = {"no-store", "private"})
    @DisplayName("RFC 9111 §4: waiters behind a response that may not be stored go to the origin themselves")
    void rfc9111_4_aLeaderWhoseResponseIsNotStorableReleasesItsWaiters(String directive) throws Exception {
        List<RawHttp.Response> responses = concurrently(ferry, CLIENTS, "/delay/300?cache=" + directive);

        assertThat(responses).allSatisfy(response -> {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("delayed\n");
            assertThat(Fetch.cacheStatus(response)).contains("detail=" + directive).doesNotContain("; hit");
        });
        assertThat(origin.requestsReceived()).isEqualTo(CLIENTS);
        // fwd=miss marks the requests that waited for the leader and were released by its answer.
        assertThat(responses).filteredOn(r -> Fetch.cacheStatus(r).contains("fwd=miss;")).isNotEmpty();
        assertThat(ferry.server().caches().get("c").stats().stores()).isZero();
    }

    @Test
    @DisplayName("RFC 9111 §4.1: a waiter whose Vary values differ from the leader's is not given the leader's response")
    void rfc9111_4_1_waitersWithOtherVaryValuesDoNotGetTheLeadersResponse() throws Exception {
        String target = "/echo?delay=300&cache=max-age=60&vary=Accept-Encoding";
        HttpCache cache = ferry.server().caches().get("c");
        Future<RawHttp.Response> leader = clients.submit(
                () -> Fetch.get(ferry.port("edge"), HOST, target, "Accept-Encoding: gzip"));
        await().atMost(Duration.ofSeconds(10)).until(() -> origin.requestsReceived() == 1);
        List<Future<RawHttp.Response>> gzip = new ArrayList<>();
        List<Future<RawHttp.Response>> br = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            gzip.add(clients.submit(() -> Fetch.get(ferry.port("edge"), HOST, target, "Accept-Encoding: gzip")));
            br.add(clients.submit(() -> Fetch.get(ferry.port("edge"), HOST, target, "Accept-Encoding: br")));
        }

        RawHttp.Response leaderResponse = leader.get(10, SECONDS);
        for (Future<RawHttp.Response> waiter : gzip) {
            assertThat(waiter.get(10, SECONDS).body()).isEqualTo(leaderResponse.body());
        }
        for (Future<RawHttp.Response> waiter : br) {
            assertThat(Fetch.echoed(waiter.get(10, SECONDS), "accept-encoding")).isEqualTo("br");
        }
        assertThat(origin.requestsReceived()).isBetween(2, 11);
        assertThat(cache.stats().misses()).isGreaterThanOrEqualTo(11);
    }

    @Test
    @DisplayName("RFC 9111 §4: a leader whose origin closes the connection without answering does not strand its waiters")
    void rfc9111_4_aFailedLeaderDoesNotStarveItsWaiters() throws Exception {
        try (SilentFirstOrigin silent = new SilentFirstOrigin()) {
            TestFerry proxy = ferryFor(silent.port());
            HttpCache cache = proxy.server().caches().get("c");
            Future<RawHttp.Response> leader = clients.submit(() -> Fetch.get(proxy.port("edge"), HOST, "/item"));
            assertThat(silent.leaderArrived.await(10, SECONDS)).isTrue();
            List<Future<RawHttp.Response>> waiters = new ArrayList<>();
            for (int i = 1; i < CLIENTS; i++) {
                waiters.add(clients.submit(() -> Fetch.get(proxy.port("edge"), HOST, "/item")));
            }
            // Every request looked in the cache and found nothing, so all but the leader wait for it.
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.stats().misses() == CLIENTS);
            assertThat(silent.requests.get()).isEqualTo(1);

            long released = System.nanoTime();
            silent.release.countDown();

            for (Future<RawHttp.Response> waiter : waiters) {
                RawHttp.Response response = waiter.get(5, SECONDS);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.bodyText()).isEqualTo("ok\n");
            }
            // Far less than the 30 s response timeout a stranded waiter would have run into.
            assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(Duration.ofSeconds(5));
            assertThat(leader.get(5, SECONDS).status()).isEqualTo(502);
        }
    }

    @Test
    @DisplayName("RFC 9111 §4: with the origin unreachable every concurrent request gets its 502 promptly")
    void rfc9111_4_anUnreachableOriginFailsEveryWaiterPromptly() throws Exception {
        int closedPort;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = unused.getLocalPort();
        }
        TestFerry proxy = ferryFor(closedPort);
        long start = System.nanoTime();

        List<RawHttp.Response> responses = concurrently(proxy, CLIENTS, "/item?cache=max-age=60");

        assertThat(responses).allSatisfy(response -> assertThat(response.status()).isEqualTo(502));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    @DisplayName("RFC 9111 §4: waiters go to the origin themselves when the leader's client goes away")
    void rfc9111_4_aLeaderWhoseClientLeavesReleasesItsWaiters() throws Exception {
        String target = "/delay/1000?cache=max-age=60";
        HttpCache cache = ferry.server().caches().get("c");
        RawHttp leader = new RawHttp(ferry.port("edge"));
        leader.send(Fetch.request("GET", HOST, target));
        await().atMost(Duration.ofSeconds(10)).until(() -> origin.requestsReceived() == 1);
        List<Future<RawHttp.Response>> waiters = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waiters.add(clients.submit(() -> Fetch.get(ferry.port("edge"), HOST, target)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.stats().misses() == 11);

        leader.close();

        for (Future<RawHttp.Response> waiter : waiters) {
            RawHttp.Response response = waiter.get(10, SECONDS);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("delayed\n");
        }
    }

    /** Sends {@code n} GETs for {@code target} at once, each on a connection opened beforehand. */
    private List<RawHttp.Response> concurrently(TestFerry proxy, int n, String target) throws Exception {
        CountDownLatch connected = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<RawHttp.Response>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Callable<RawHttp.Response> client = () -> {
                try (RawHttp raw = new RawHttp(proxy.port("edge"))) {
                    connected.countDown();
                    go.await();
                    return raw.send(Fetch.request("GET", HOST, target)).read();
                }
            };
            futures.add(clients.submit(client));
        }
        assertThat(connected.await(10, SECONDS)).as("clients connected").isTrue();
        go.countDown();
        List<RawHttp.Response> responses = new ArrayList<>();
        for (Future<RawHttp.Response> future : futures) {
            responses.add(future.get(20, SECONDS));
        }
        return responses;
    }

    /**
     * An origin whose first connection reads one request, waits for {@link #release}, then closes
     * without a byte of answer; every other connection answers {@code 200 ok}, cacheable.
     */
    private static final class SilentFirstOrigin implements AutoCloseable {

        final CountDownLatch leaderArrived = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger requests = new AtomicInteger();
        private final AtomicInteger connections = new AtomicInteger();
        private final ServerSocket listener;
        private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "silent-first-origin");
            thread.setDaemon(true);
            return thread;
        });

        SilentFirstOrigin() throws IOException {
            listener = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
            threads.execute(this::accept);
        }

        int port() {
            return listener.getLocalPort();
        }

        private void accept() {
            try {
                while (true) {
                    Socket socket = listener.accept();
                    boolean first = connections.incrementAndGet() == 1;
                    threads.execute(() -> serve(socket, first));
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        private void serve(Socket socket, boolean first) {
            try (socket) {
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                OutputStream out = socket.getOutputStream();
                while (readHead(in)) {
                    requests.incrementAndGet();
                    if (first) {
                        leaderArrived.countDown();
                        release.await();
                        return;
                    }
                    out.write(("HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nContent-Length: 3\r\n\r\nok\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // connection gone
            }
        }

        private static boolean readHead(BufferedReader in) throws IOException {
            String line = in.readLine();
            if (line == null) {
                return false;
            }
            while (line != null && !line.isEmpty()) {
                line = in.readLine();
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            release.countDown();
            listener.close();
            threads.shutdownNow();
        }
    }
}
