package dev.ferry.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.LoadClient;
import dev.ferry.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import dev.ferry.testing.TestFerry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The waiting room of an upstream whose servers are all at {@code max_connections}: bounded in
 * size (the overflow gets a fast 503 with {@code Retry-After}) and in time (a waiter gets 503 after
 * {@code queue.timeout}).
 */
class QueueTest {

    private DemoOrigin origin;

    @BeforeEach
    void startOrigin() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults().withName("slow"));
    }

    @AfterEach
    void stopOrigin() {
        origin.close();
    }

    private TestFerry ferry(String queue) {
        return TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: all
                        upstream: app
                upstreams:
                  app:
                    servers: [ { address: "127.0.0.1:%d", max_connections: 2 } ]
                    queue: %s
                """.formatted(origin.port(), queue));
    }

    private record Outcome(int status, String retryAfter, long millis) {
    }

    /** {@code clients} GETs of /small sent at once, each on its own connection. */
    private static List<Outcome> concurrentGets(TestFerry ferry, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch ready = new CountDownLatch(clients);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                futures.add(pool.submit(() -> {
                    try (RawHttp raw = new RawHttp(ferry.port("edge"))) {
                        ready.countDown();
                        go.await();
                        long start = System.nanoTime();
                        RawHttp.Response response = raw.send("GET /small HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
                        return new Outcome(response.status(), response.header("retry-after"),
                                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    }
                }));
            }
            ready.await(5, TimeUnit.SECONDS);
            go.countDown();
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> future : futures) {
                outcomes.add(future.get(10, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoInFlightThreeWaitingAndTheRestRefusedAtOnce() throws Exception {
        origin.setResponseDelay(Duration.ofMillis(500));
        try (TestFerry ferry = ferry("{ size: 3, timeout: 5s }")) {
            List<Outcome> outcomes = concurrentGets(ferry, 10);

            List<Outcome> served = outcomes.stream().filter(o -> o.status() == 200).toList();
            List<Outcome> refused = outcomes.stream().filter(o -> o.status() == 503).toList();
            assertThat(served).as("served: %s", outcomes).hasSize(5);
            assertThat(refused).as("refused: %s", outcomes).hasSize(5);
            assertThat(refused).allSatisfy(o -> {
                assertThat(o.retryAfter()).isNotNull();
                // Well before even the first answer (500 ms) could have come back.
                assertThat(o.millis()).isLessThan(300);
            });
            assertThat(served).allSatisfy(o -> assertThat(o.millis()).isGreaterThanOrEqualTo(450));
            // Two at a time: the waiters are served once a slot frees, never more than two at once.
            assertThat(served.stream().mapToLong(Outcome::millis).max().orElseThrow()).isGreaterThanOrEqualTo(1400);
            assertThat(origin.requestsReceived()).isEqualTo(5);
        }
    }

    @Test
    void aWaiterGets503AfterTheQueueTimeout() throws Exception {
        origin.setResponseDelay(Duration.ofSeconds(1));
        try (TestFerry ferry = ferry("{ size: 10, timeout: 200ms }")) {
            List<Outcome> outcomes = concurrentGets(ferry, 5);

            List<Outcome> served = outcomes.stream().filter(o -> o.status() == 200).toList();
            List<Outcome> timedOut = outcomes.stream().filter(o -> o.status() == 503).toList();
            assertThat(served).as("served: %s", outcomes).hasSize(2);
            assertThat(timedOut).as("timed out: %s", outcomes).hasSize(3);
            assertThat(timedOut).allSatisfy(o -> {
                assertThat(o.retryAfter()).isNotNull();
                assertThat(o.millis()).isBetween(150L, 800L);
            });
            assertThat(served).allSatisfy(o -> assertThat(o.millis()).isGreaterThanOrEqualTo(950));
            assertThat(origin.requestsReceived()).isEqualTo(2);
        }
    }

    @Test
    void aClientThatGoesAwayFreesItsServerSlotAndItsPlaceInTheQueue() throws Exception {
        origin.setResponseDelay(Duration.ofSeconds(3));
        try (TestFerry ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: all
                        upstream: app
                upstreams:
                  app:
                    servers: [ { address: "127.0.0.1:%d", max_connections: 1 } ]
                    queue: { size: 1, timeout: 5s }
                """.formatted(origin.port()))) {
            Upstream upstream = ferry.server().upstreams().get("app");
            RawHttp inFlight = new RawHttp(ferry.port("edge"));
            inFlight.send("GET /small HTTP/1.1\r\nHost: app.test\r\n\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> origin.requestsReceived() == 1);
            RawHttp waiting = new RawHttp(ferry.port("edge"));
            waiting.send("GET /small HTTP/1.1\r\nHost: app.test\r\n\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.queued() == 1);

            waiting.close();
            await().atMost(Duration.ofSeconds(2)).until(() -> upstream.queued() == 0);
            assertThat(origin.requestsReceived()).as("the waiter never reached the server").isEqualTo(1);

            inFlight.close();
            // Ferry drops the abandoned request at once, and with it the server slot (not 3 s later).
            Server server = upstream.servers().get(0);
            await().atMost(Duration.ofSeconds(2)).until(() -> server.load() == 0);
            origin.setResponseDelay(Duration.ZERO);
            try (RawHttp next = new RawHttp(ferry.port("edge"))) {
                long start = System.nanoTime();
                assertThat(next.send("GET /small HTTP/1.1\r\nHost: app.test\r\n\r\n").read().status()).isEqualTo(200);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
            }
        }
    }

    /** Answers 503 to {@code /fail}, holds {@code /hold} until {@code release} opens, 200 to anything else. */
    private static ScriptedServer.Script holding(CountDownLatch release) {
        return (request, out) -> {
            String status = "200 OK";
            if (request.uri().startsWith("/hold")) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return false;
                }
            } else if (request.uri().startsWith("/fail")) {
                status = "503 Service Unavailable";
            }
            out.write(("HTTP/1.1 " + status + "\r\nContent-Length: 3\r\n\r\nok\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        };
    }

    @Test
    void aFreedServerIsGivenToAWaiterThatCanUseIt() throws Exception {
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch releaseSecond = new CountDownLatch(1);
        try (ScriptedServer s1 = ScriptedServer.start(holding(releaseFirst));
             ScriptedServer s2 = ScriptedServer.start(holding(releaseSecond));
             TestFerry ferry = TestFerry.start("""
                     listeners:
                       - name: edge
                         bind: 127.0.0.1:0
                         routes:
                           - name: all
                             upstream: app
                     upstreams:
                       app:
                         servers:
                           - { address: "127.0.0.1:%d", max_connections: 1 }
                           - { address: "127.0.0.1:%d", max_connections: 1 }
                         queue: { size: 5, timeout: 1s }
                         retries: { attempts: 2 }
                     """.formatted(s1.port(), s2.port()))) {
            Upstream upstream = ferry.server().upstreams().get("app");
            ExecutorService clients = Executors.newFixedThreadPool(4);
            try {
                // 1. One server is held by a slow request.
                Future<Integer> heldOnFirst = clients.submit(() -> get(ferry, "/hold"));
                await().atMost(Duration.ofSeconds(5)).until(() -> s1.heads() + s2.heads() == 1);
                ScriptedServer first = s1.heads() == 1 ? s1 : s2;
                ScriptedServer second = first == s1 ? s2 : s1;
                CountDownLatch releaseOfSecond = first == s1 ? releaseSecond : releaseFirst;
                // 2. A GET that the other server answers 503 is to be retried on the held one: it waits.
                Future<Integer> retried = clients.submit(() -> get(ferry, "/fail"));
                await().atMost(Duration.ofSeconds(5)).until(() -> upstream.queued() == 1);
                // 3. The other server is held too; 4. a plain GET waits, behind the retry.
                Future<Integer> heldOnSecond = clients.submit(() -> get(ferry, "/hold"));
                await().atMost(Duration.ofSeconds(5)).until(() -> second.heads() == 2);
                long start = System.nanoTime();
                Future<Integer> waiting = clients.submit(() -> get(ferry, "/small"));
                await().atMost(Duration.ofSeconds(5)).until(() -> upstream.queued() == 2);
                // 5. The second server frees: the retry cannot use it, the plain GET can.
                releaseOfSecond.countDown();
                assertThat(heldOnSecond.get(5, TimeUnit.SECONDS)).isEqualTo(200);
                assertThat(waiting.get(5, TimeUnit.SECONDS)).as("the waiter that could use the free server")
                        .isEqualTo(200);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(800);
                releaseFirst.countDown();
                releaseSecond.countDown();
                assertThat(heldOnFirst.get(5, TimeUnit.SECONDS)).isEqualTo(200);
                retried.get(5, TimeUnit.SECONDS);
            } finally {
                releaseFirst.countDown();
                releaseSecond.countDown();
                clients.shutdownNow();
            }
        }
    }

    private static int get(TestFerry ferry, String path) throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("edge"))) {
            return raw.send("GET " + path + " HTTP/1.1\r\nHost: app.test\r\n\r\n").read().status();
        }
    }

    @Test
    void aWaiterIsNeverStrandedWhileItsServerIsFree() throws Exception {
        try (TestFerry ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: all
                        upstream: app
                upstreams:
                  app:
                    servers: [ { address: "127.0.0.1:%d", max_connections: 1 } ]
                    queue: { size: 10, timeout: 300ms }
                """.formatted(origin.port()))) {
            int clients = 2;
            int rounds = 4000;
            int[][] statuses = new int[clients][rounds];
            long[][] millis = new long[clients][rounds];
            CyclicBarrier round = new CyclicBarrier(clients);
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int me = c;
                    futures.add(pool.submit(() -> {
                        try (LoadClient client = new LoadClient(ferry.port("edge"))) {
                            for (int i = 0; i < rounds; i++) {
                                // Both requests of a round arrive together: one is served, the other waits for it.
                                round.await(5, TimeUnit.SECONDS);
                                long start = System.nanoTime();
                                statuses[me][i] = client.get("app.test", "/small", "").status();
                                millis[me][i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                                if (statuses[me][i] != 200) {
                                    client.reconnect();
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> future : futures) {
                    future.get(60, TimeUnit.SECONDS);
                }
                List<String> failures = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    for (int c = 0; c < clients; c++) {
                        if (statuses[c][i] != 200) {
                            failures.add("round " + i + ": " + statuses[c][i] + " after " + millis[c][i]
                                    + " ms, while the other request of the round took " + millis[1 - c][i] + " ms");
                        }
                    }
                }
                assertThat(failures).isEmpty();
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
