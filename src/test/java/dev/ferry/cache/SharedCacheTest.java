package dev.ferry.cache;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.RedisServer;
import dev.ferry.testing.TestFerry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shared (Redis) tier: several Ferry instances on one real {@code redis-server} act as one
 * cache — what one stored the others serve, a purge through one reaches all, a cold key costs the
 * fleet one origin request, and an entry in a format this version does not read is a miss.
 */
class SharedCacheTest {

    private static final String HOST = "shared.test";
    private static RedisServer redis;

    private final ExecutorService clients = Executors.newFixedThreadPool(20);
    private final List<TestFerry> instances = new ArrayList<>();
    private DemoOrigin origin;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
    }

    @AfterEach
    void stop() {
        clients.shutdownNow();
        instances.forEach(TestFerry::close);
        origin.close();
    }

    /** One more Ferry on the shared Redis, each test with its own key prefix. */
    private TestFerry instance(String prefix) {
        return instance(prefix, "16MiB");
    }

    private TestFerry instance(String prefix, String memory) {
        TestFerry ferry = TestFerry.start("""
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
                    retries: { attempts: 1 }
                redis: { uri: "%s", prefix: "%s:" }
                caches:
                  c: { max_size: %s, max_object_size: 1MiB, shared: true }
                """.formatted(origin.port(), redis.uri(), prefix, memory));
        instances.add(ferry);
        await().atMost(Duration.ofSeconds(10)).until(() -> cache(ferry).shared().usable());
        return ferry;
    }

    private static HttpCache cache(TestFerry ferry) {
        return ferry.server().caches().get("c");
    }

    private static RawHttp.Response get(TestFerry ferry, String target) throws Exception {
        return Fetch.get(ferry.port("edge"), HOST, target);
    }

    /** Waits until the entry for {@code target} is in Redis (stores are asynchronous). */
    private static void awaitInRedis(String prefix, String target) {
        try (RedisClient client = RedisClient.create(redis.uri());
             StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !connection.sync().hgetall(entryKey(prefix, target)).isEmpty());
        }
    }

    private static byte[] tagKey(String prefix, String tag) {
        return (prefix + ":cache:c:tag:" + tag).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] entryKey(String prefix, String target) {
        return (prefix + ":cache:c:e:http://" + HOST + target).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("a response cached through A is a hit through B, which then keeps it in memory")
    void aResponseCachedThroughOneInstanceIsAHitThroughAnother() throws Exception {
        TestFerry a = instance("t1");
        TestFerry b = instance("t1");
        String target = "/echo?cache=max-age=60&vary=Accept-Encoding";

        RawHttp.Response first = get(a, target);
        awaitInRedis("t1", target);
        RawHttp.Response second = get(b, target);
        RawHttp.Response third = get(b, target);

        assertThat(Fetch.cacheStatus(first)).contains("stored");
        assertThat(second.status()).isEqualTo(200);
        assertThat(Fetch.cacheStatus(second)).contains("; hit");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.header("age")).isNotNull();
        assertThat(Fetch.cacheStatus(third)).contains("; hit");
        assertThat(origin.requestsReceived()).isEqualTo(1);
        assertThat(cache(b).stats().sharedHits()).isEqualTo(1);
    }

    @Test
    @DisplayName("RFC 9111 §4.1: B serves A's variant only to requests with the same Vary values")
    void variantsStayApartAcrossInstances() throws Exception {
        TestFerry a = instance("t2");
        TestFerry b = instance("t2");
        String target = "/echo?cache=max-age=60&vary=Accept-Encoding";

        Fetch.get(a.port("edge"), HOST, target, "Accept-Encoding: gzip");
        awaitInRedis("t2", target);
        RawHttp.Response br = Fetch.get(b.port("edge"), HOST, target, "Accept-Encoding: br");
        RawHttp.Response gzip = Fetch.get(b.port("edge"), HOST, target, "Accept-Encoding: gzip");

        assertThat(Fetch.echoed(br, "accept-encoding")).isEqualTo("br");
        assertThat(Fetch.cacheStatus(gzip)).contains("; hit");
        assertThat(Fetch.echoed(gzip, "accept-encoding")).isEqualTo("gzip");
        assertThat(origin.requestsReceived()).isEqualTo(2);
    }

    @Test
    @DisplayName("a PURGE through A drops B's memory copy within 100 ms, and B's next request is a miss")
    void aPurgeThroughOneInstanceReachesTheOthersWithin100ms() throws Exception {
        TestFerry a = instance("t3");
        TestFerry b = instance("t3");
        String target = "/echo?cache=max-age=60";
        get(a, target);
        awaitInRedis("t3", target);
        assertThat(Fetch.cacheStatus(get(b, target))).contains("; hit");
        String key = "http://" + HOST + target;
        assertThat(cache(b).variants(key)).isNotNull();

        RawHttp.Response purge = Fetch.send(a.port("edge"), "PURGE", HOST, target);
        long purgedAt = System.nanoTime();
        await().atMost(Duration.ofMillis(100)).pollInterval(Duration.ofMillis(2))
                .until(() -> cache(b).variants(key) == null);
        long tookMillis = (System.nanoTime() - purgedAt) / 1_000_000;

        assertThat(purge.status()).isEqualTo(200);
        assertThat(tookMillis).isLessThanOrEqualTo(100);
        assertThat(Fetch.cacheStatus(get(b, target))).doesNotContain("; hit");
        assertThat(origin.requestsReceived()).isEqualTo(2);
    }

    @Test
    @DisplayName("an entry expires from Redis after its freshness (here no validators, no stale window); its tag set too")
    void entriesAndTagSetsAreStoredWithATtl() throws Exception {
        TestFerry a = instance("t10");
        String tagged = "/echo?cache=max-age=60&header=Surrogate-Key:ttl";
        get(a, tagged);
        awaitInRedis("t10", tagged);

        try (RedisClient client = RedisClient.create(redis.uri());
             StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            RedisCommands<byte[], byte[]> commands = connection.sync();
            assertThat(commands.pttl(entryKey("t10", tagged))).isBetween(50_000L, 60_000L);
            await().atMost(Duration.ofSeconds(5)).until(() -> commands.pttl(tagKey("t10", "ttl")) > 0);
            // A tag set outlives its entries long enough for a purge by tag to find them.
            assertThat(commands.pttl(tagKey("t10", "ttl"))).isBetween(60_000L, 600_000L);
        }
    }

    @Test
    @DisplayName("purging a tag through A drops the tagged entries from Redis and from B")
    void tagPurgeReachesEveryInstance() throws Exception {
        TestFerry a = instance("t4");
        TestFerry b = instance("t4");
        String tagged = "/echo?cache=max-age=60&header=Surrogate-Key:news";
        get(a, tagged);
        awaitInRedis("t4", tagged);
        get(b, tagged);

        assertThat(cache(a).purgeTag("news", false)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(1)).until(() -> cache(b).variants("http://" + HOST + tagged) == null);

        TestFerry c = instance("t4");
        assertThat(Fetch.cacheStatus(get(c, tagged))).doesNotContain("; hit");
        assertThat(origin.requestsReceived()).isEqualTo(2);
    }

    @Test
    @DisplayName("RFC 9111 §4.4: a POST through A invalidates the URL in Redis and in B")
    void invalidationReachesEveryInstance() throws Exception {
        TestFerry a = instance("t5");
        TestFerry b = instance("t5");
        String target = "/echo?cache=max-age=60";
        get(a, target);
        awaitInRedis("t5", target);
        get(b, target);

        assertThat(Fetch.send(a.port("edge"), "POST", HOST, target, "Content-Length: 0").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1)).until(() -> cache(b).variants("http://" + HOST + target) == null);
        assertThat(Fetch.cacheStatus(get(b, target))).doesNotContain("; hit");
    }

    @Test
    @DisplayName("a cold key requested concurrently through A and B reaches the origin once")
    void aColdKeyRequestedThroughTwoInstancesReachesTheOriginOnce() throws Exception {
        TestFerry a = instance("t6");
        TestFerry b = instance("t6");
        String target = "/delay/400?cache=max-age=60";
        List<Future<RawHttp.Response>> responses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            responses.add(clients.submit(() -> get(a, target)));
            responses.add(clients.submit(() -> get(b, target)));
        }

        for (Future<RawHttp.Response> response : responses) {
            RawHttp.Response r = response.get(15, SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("delayed\n");
        }
        assertThat(origin.requestsReceived()).isEqualTo(1);
    }

    @Test
    @DisplayName("an entry in another version of the format, or corrupted, is a miss and never served")
    void entriesOfAnotherFormatVersionAreMisses() throws Exception {
        TestFerry a = instance("t7");
        String target = "/echo?cache=max-age=60";
        RawHttp.Response original = get(a, target);
        awaitInRedis("t7", target);
        try (RedisClient client = RedisClient.create(redis.uri());
             StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            RedisCommands<byte[], byte[]> commands = connection.sync();
            Map<byte[], byte[]> fields = commands.hgetall(entryKey("t7", target));
            Map.Entry<byte[], byte[]> field = fields.entrySet().iterator().next();
            byte[] otherVersion = field.getValue().clone();
            otherVersion[3] = (byte) (EntryCodec.VERSION + 1);
            commands.hset(entryKey("t7", target), field.getKey(), otherVersion);

            RawHttp.Response fromB = get(instance("t7"), target);
            assertThat(Fetch.cacheStatus(fromB)).doesNotContain("; hit");
            assertThat(fromB.bodyText()).contains("\"uri\"");

            // B stored what it fetched (asynchronously): wait for that before corrupting the entry.
            await().atMost(Duration.ofSeconds(5)).until(() -> commands.hget(entryKey("t7", target), field.getKey())[3]
                    == EntryCodec.VERSION);
            byte[] corrupted = field.getValue().clone();
            corrupted[corrupted.length / 2] ^= 0x55;
            commands.hset(entryKey("t7", target), field.getKey(), corrupted);
            RawHttp.Response fromC = get(instance("t7"), target);
            assertThat(Fetch.cacheStatus(fromC)).doesNotContain("; hit");
            assertThat(fromC.bodyText()).contains("\"uri\"");
        }
        assertThat(original.status()).isEqualTo(200);
        assertThat(origin.requestsReceived()).isEqualTo(3);
    }

    @Test
    @DisplayName("memory tier off (max_size: 0): every hit comes from Redis, and a cold key still costs one origin request")
    void withoutAMemoryTierHitsComeFromRedis() throws Exception {
        TestFerry a = instance("t8", "0");
        TestFerry b = instance("t8", "0");
        String target = "/delay/300?cache=max-age=60";
        List<Future<RawHttp.Response>> responses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            responses.add(clients.submit(() -> get(a, target)));
            responses.add(clients.submit(() -> get(b, target)));
        }
        for (Future<RawHttp.Response> response : responses) {
            assertThat(response.get(15, SECONDS).bodyText()).isEqualTo("delayed\n");
        }
        long sharedHitsBefore = cache(b).stats().sharedHits();

        RawHttp.Response again = get(b, target);

        assertThat(Fetch.cacheStatus(again)).contains("; hit");
        assertThat(again.bodyText()).isEqualTo("delayed\n");
        assertThat(cache(b).stats().sharedHits()).isEqualTo(sharedHitsBefore + 1);
        assertThat(cache(b).stats().entries()).isZero();
        assertThat(origin.requestsReceived()).isEqualTo(1);
    }
}
