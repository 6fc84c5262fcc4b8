package dev.ferry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.LoadClient;
import dev.ferry.testing.RedisServer;
import dev.ferry.testing.TestFerry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A {@code redis-sentinel://} URI: Ferry asks a real Sentinel for the master and uses it. */
class SentinelTest {

    @Test
    void aSharedLimitWorksThroughSentinel() throws Exception {
        try (RedisServer master = RedisServer.start();
             RedisServer sentinel = RedisServer.startSentinel(master, "main");
             DemoOrigin origin = DemoOrigin.start(DemoOrigin.Options.defaults());
             TestFerry ferry = TestFerry.start("""
                     listeners:
                       - name: edge
                         bind: 127.0.0.1:0
                         routes: [ { name: api, upstream: origin, rate_limit: two } ]
                     upstreams:
                       origin: { servers: [ "127.0.0.1:%d" ] }
                     redis: { uri: "redis-sentinel://127.0.0.1:%d#main", timeout: 1s }
                     rate_limits:
                       two: { key: "header:X-Key", rate: 2/m, shared: true }
                     """.formatted(origin.port(), sentinel.port()));
             LoadClient client = new LoadClient(ferry.port("edge"))) {
            try (var redis = io.lettuce.core.RedisClient.create(master.uri()); var connection = redis.connect()) {
                // The first decisions may fall back to the local bucket while Lettuce warms up.
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    client.get("api.test", "/small", "X-Key: warm-up\r\n");
                    return connection.sync().exists("ferry:rl:two:warm-up") == 1;
                });

                assertThat(client.get("api.test", "/small", "X-Key: k\r\n").status()).isEqualTo(200);
                assertThat(client.get("api.test", "/small", "X-Key: k\r\n").status()).isEqualTo(200);
                assertThat(client.get("api.test", "/small", "X-Key: k\r\n").status()).isEqualTo(429);
                assertThat(connection.sync().exists("ferry:rl:two:k")).isEqualTo(1);
            }
        }
    }
}
