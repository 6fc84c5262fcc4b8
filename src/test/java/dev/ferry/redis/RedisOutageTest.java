package dev.ferry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.LoadClient;
import dev.ferry.testing.RedisServer;
import dev.ferry.testing.TestFerry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A Redis that hangs (SIGSTOP) under load: no request fails, the wait each request spends on
 * Redis stays bounded by the timeout until the circuit opens, and once Redis is back (SIGCONT) the
 * instances share their cache again.
 */
class RedisOutageTest {

    private final ExecutorService clients = Executors.newFixedThreadPool(4);
    private final List<TestFerry> fleet = new ArrayList<>();
    private RedisServer redis;
    private DemoOrigin origin;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        for (int i = 0; i < 2; i++) {
            TestFerry ferry = TestFerry.start("""
                    listeners:
                      - name: edge
                        bind: 127.0.0.1:0
                        routes:
                          - { name: api, upstream: origin, cache: shared, rate_limit: fleet }
                    upstreams:
                      origin: { servers: [ "127.0.0.1:%d" ] }
                    redis: { uri: "%s", timeout: 50ms, failure_threshold: 3, retry_after: 500ms }
                    caches:
                      shared: { max_size: 16MiB, shared: true }
                    rate_limits:
                      fleet: { key: client_ip, rate: 100000/s, shared: true }
                    """.formatted(origin.port(), redis.uri()));
            fleet.add(ferry);
            await().atMost(Duration.ofSeconds(10)).until(() -> redisOf(ferry).usable());
        }
    }

    @AfterEach
    void stop() {
        clients.shutdownNow();
        fleet.forEach(TestFerry::close);
        origin.close();
        redis.close();
    }

    private static SharedRedis redisOf(TestFerry ferry) {
        return ferry.server().redis().orElseThrow();
    }

    @Test
    @DisplayName("SIGSTOP under load: no failed request, bounded added latency, the circuit opens; after SIGCONT sharing resumes")
    void aHangingRedisCostsNoRequests() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong slowestWhilePausedMillis = new AtomicLong();
        AtomicBoolean paused = new AtomicBoolean();
        AtomicInteger sequence = new AtomicInteger();
        List<Future<?>> load = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TestFerry target = fleet.get(i % 2);
            load.add(clients.submit(() -> {
                try (LoadClient client = new LoadClient(target.port("edge"))) {
                    while (running.get()) {
                        // Every request is a miss: it asks Redis for the limit, the entry and the lock.
                        String path = "/echo?cache=max-age=60&n=" + sequence.incrementAndGet();
                        long started = System.nanoTime();
                        boolean duringPause = paused.get();
                        int status = client.get("api.test", path, "").status();
                        long tookMillis = (System.nanoTime() - started) / 1_000_000;
                        if (duringPause) {
                            slowestWhilePausedMillis.accumulateAndGet(tookMillis, Math::max);
                        }
                        if (status == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(path + " -> " + status);
                        }
                    }
                }
                return null;
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() >= 200);

        redis.pause();
        paused.set(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.stream()
                .allMatch(ferry -> redisOf(ferry).breaker().state() == CircuitBreaker.State.OPEN));
        int okAtOpen = ok.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() >= okAtOpen + 200);
        paused.set(false);
        redis.resume();
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.stream()
                .allMatch(ferry -> redisOf(ferry).breaker().state() == CircuitBreaker.State.CLOSED));
        running.set(false);
        for (Future<?> client : load) {
            client.get();
        }

        assertThat(failures).isEmpty();
        // Each request waits on at most three Redis calls, each bounded by 2 x timeout, before the circuit opens.
        assertThat(slowestWhilePausedMillis.get()).isLessThan(1_000);
        String path = "/echo?cache=max-age=60&after=1";
        try (LoadClient a = new LoadClient(fleet.get(0).port("edge"))) {
            assertThat(a.get("api.test", path, "").status()).isEqualTo(200);
        }
        int originRequests = origin.requestsReceived();
        // only-if-cached never reaches the origin: B answers 200 once A's entry is in Redis.
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try (LoadClient b = new LoadClient(fleet.get(1).port("edge"))) {
                return b.get("api.test", path, "Cache-Control: only-if-cached\r\n").status() == 200;
            }
        });
        assertThat(origin.requestsReceived()).isEqualTo(originRequests);
    }
}
