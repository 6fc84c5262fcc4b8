package dev.ferry.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two Ferry processes on one real redis-server act as one cache. */
class SharedCacheIT {

    @TempDir
    Path dir;

    private RedisServer redis;
    private DemoOrigin origin;
    private final List<FerryProcess> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        for (String name : List.of("a", "b")) {
            int port = FerryProcess.freePort();
            Path home = Files.createDirectories(dir.resolve(name));
            FerryProcess ferry = FerryProcess.run(home, """
                    listeners:
                      - name: edge
                        bind: 127.0.0.1:%d
                        routes: [ { name: all, upstream: origin, cache: shared } ]
                    upstreams:
                      origin: { servers: [ "127.0.0.1:%d" ] }
                    redis: { uri: "%s" }
                    caches:
                      shared: { max_size: 16MiB, shared: true }
                    """.formatted(port, origin.port(), redis.uri()));
            processes.add(ferry);
            ports.add(port);
            ferry.awaitListening(port);
        }
    }

    @AfterEach
    void stop() {
        processes.forEach(FerryProcess::close);
        origin.close();
        redis.close();
    }

    private RawHttp.Response get(int instance, String target, String... headers) throws Exception {
        try (RawHttp raw = new RawHttp(ports.get(instance))) {
            StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: shared.test\r\n");
            for (String header : headers) {
                request.append(header).append("\r\n");
            }
            return raw.send(request.append("\r\n").toString()).read();
        }
    }

    @Test
    void hitThroughBPurgeThroughAColdKeyOnce() throws Exception {
        String target = "/echo?cache=max-age=60";
        // Redis is reached in the background after start-up: the first stores may only reach memory.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            get(0, target + "&warm=" + System.nanoTime());
            return redis.keys("ferry:cache:shared:e:*") > 0;
        });
        int before = origin.requestsReceived();

        RawHttp.Response first = get(0, target);
        await().atMost(Duration.ofSeconds(5)).until(() ->
                get(1, target, "Cache-Control: only-if-cached").status() == 200);
        RawHttp.Response fromB = get(1, target);
        assertThat(fromB.header("cache-status")).contains("hit");
        assertThat(fromB.body()).isEqualTo(first.body());
        assertThat(origin.requestsReceived()).isEqualTo(before + 1);

        assertThat(purge(0, target)).isEqualTo(200);
        await().atMost(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(10)).until(() ->
                get(1, target, "Cache-Control: only-if-cached").status() == 504);

        ExecutorService clients = Executors.newFixedThreadPool(10);
        try {
            String cold = "/delay/400?cache=max-age=60";
            List<Future<RawHttp.Response>> responses = new ArrayList<>();
            int coldBefore = origin.requestsReceived();
            for (int i = 0; i < 10; i++) {
                int instance = i % 2;
                responses.add(clients.submit(() -> get(instance, cold)));
            }
            for (Future<RawHttp.Response> response : responses) {
                assertThat(response.get(15, SECONDS).bodyText()).isEqualTo("delayed\n");
            }
            assertThat(origin.requestsReceived()).isEqualTo(coldBefore + 1);
        } finally {
            clients.shutdownNow();
        }
    }

    private int purge(int instance, String target) throws Exception {
        try (RawHttp raw = new RawHttp(ports.get(instance))) {
            return raw.send("PURGE " + target + " HTTP/1.1\r\nHost: shared.test\r\n\r\n").read().status();
        }
    }
}
