package dev.ferry.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.LoadClient;
import dev.ferry.testing.RedisServer;
import dev.ferry.testing.TestFerry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Shared limits: one GCRA state in a real Redis, whatever instance a request reaches. */
class SharedRateLimitTest {

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ExecutorService clients = Executors.newFixedThreadPool(8);
    private RedisServer redis;
    private DemoOrigin origin;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
    }

    @AfterEach
    void stop() throws Exception {
        clients.shutdownNow();
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        origin.close();
        redis.close();
    }

    private TestFerry instance(String limit) {
        TestFerry ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - { name: api, upstream: origin, rate_limit: fleet }
                upstreams:
                  origin: { servers: [ "127.0.0.1:%d" ] }
                redis: { uri: "%s" }
                rate_limits:
                  fleet: %s
                """.formatted(origin.port(), redis.uri(), limit));
        toClose.add(ferry);
        await().atMost(Duration.ofSeconds(10)).until(() -> ferry.server().redis().orElseThrow().usable());
        return ferry;
    }

    @Test
    @DisplayName("a shared 100/s limit over two instances admits 100 ± 5% per second in total over 5 s")
    void aSharedLimitHoldsAcrossInstances() throws Exception {
        String limit = "{ key: route, rate: 100/s, burst: 5, shared: true }";
        List<TestFerry> fleet = List.of(instance(limit), instance(limit));
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        long windowNanos = Duration.ofSeconds(5).toNanos();
        long[] start = new long[1];
        List<Future<?>> load = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            TestFerry target = fleet.get(i % 2);
            load.add(clients.submit(() -> {
                try (LoadClient client = new LoadClient(target.port("edge"))) {
                    go.await();
                    while (System.nanoTime() - start[0] < windowNanos) {
                        int status = client.get("api.test", "/small", "").status();
                        if (System.nanoTime() - start[0] >= windowNanos) {
                            break;
                        }
                        (status == 200 ? admitted : status == 429 ? refused : other).incrementAndGet();
                    }
                }
                return null;
            }));
        }
        start[0] = System.nanoTime();
        go.countDown();
        for (Future<?> client : load) {
            client.get();
        }

        assertThat(other).hasValue(0);
        assertThat(refused.get()).as("the clients asked for more than the limit").isGreaterThan(admitted.get());
        assertThat(admitted.get()).as("admitted in 5 s (burst 5 + 500)").isBetween(475, 530);
    }

    @Test
    @DisplayName("on_redis_failure: closed refuses with 503 and Retry-After while Redis cannot answer")
    void failClosedRefusesWhenRedisIsGone() throws Exception {
        TestFerry ferry = instance("{ key: client_ip, rate: 1000/s, shared: true, on_redis_failure: closed }");
        try (LoadClient client = new LoadClient(ferry.port("edge"))) {
            assertThat(client.get("api.test", "/small", "").status()).isEqualTo(200);
            redis.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                client.reconnect();
                return client.get("api.test", "/small", "").status() == 503;
            });
        }
    }
}
