package dev.ferry.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The store's bounds: {@code max_size} holds however much traffic passes, a response larger than
 * {@code max_object_size} is passed on whole but not kept, and a body that arrives incomplete is
 * never kept.
 */
class CacheSizeTest {

    private static final String HOST = "size.test";
    private static final long MAX_SIZE = 2L << 20;
    private static final int OBJECT = 64 * 1024;

    private static DemoOrigin origin;
    private TestFerry ferry;
    private HttpCache cache;

    @BeforeAll
    static void startOrigin() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
    }

    @AfterAll
    static void stopOrigin() {
        origin.close();
    }

    @BeforeEach
    void start() {
        origin.reset();
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: all
                        upstream: origin
                        cache: c
                upstreams:
                  origin: { servers: [ "127.0.0.1:%d" ] }
                caches:
                  c: { max_size: 2MiB, max_object_size: 256KiB }
                """.formatted(origin.port()));
        cache = ferry.server().caches().get("c");
    }

    @AfterEach
    void stop() {
        ferry.close();
    }

    private RawHttp.Response get(String target) throws Exception {
        return Fetch.get(ferry.port("edge"), HOST, target);
    }

    @Test
    @DisplayName("64 x 64 KiB through a 2 MiB cache: the store stays within max_size and serves intact bodies")
    void staysWithinMaxSizeWhenOfferedTwiceAsMuch() throws Exception {
        int objects = (int) (2 * MAX_SIZE / OBJECT);
        for (int i = 0; i < objects; i++) {
            RawHttp.Response response = get("/bytes/64k?cache=max-age=600&i=" + i);
            assertThat(response.status()).isEqualTo(200);
            assertPattern(response.body(), OBJECT);
        }

        HttpCache.Stats stats = cache.stats();
        assertThat(stats.stores()).isEqualTo(objects);
        assertThat(stats.bytes()).isPositive().isLessThanOrEqualTo(MAX_SIZE);
        assertThat(stats.entries()).isLessThan(objects);
        assertThat(stats.evictions()).isPositive();

        // Whatever is still stored is served whole: evicted bodies were released, kept ones were not.
        int hits = 0;
        for (int i = 0; i < objects; i++) {
            RawHttp.Response response = get("/bytes/64k?cache=max-age=600&i=" + i);
            assertPattern(response.body(), OBJECT);
            hits += Fetch.cacheStatus(response).contains("; hit") ? 1 : 0;
        }
        assertThat(hits).isPositive();
        assertThat(cache.stats().bytes()).isLessThanOrEqualTo(MAX_SIZE);
    }

    @Test
    @DisplayName("A response larger than max_object_size (announced by Content-Length) passes whole and is not stored")
    void largerThanMaxObjectSizeWithContentLengthIsNotStored() throws Exception {
        String target = "/bytes/300k?cache=max-age=600";
        RawHttp.Response first = get(target);
        assertThat(first.status()).isEqualTo(200);
        assertPattern(first.body(), 300 * 1024);
        assertThat(Fetch.cacheStatus(first)).contains("detail=\"too large\"");

        assertPattern(get(target).body(), 300 * 1024);
        assertThat(origin.requestsReceived()).isEqualTo(2);
        assertThat(cache.stats().stores()).isZero();
    }

    @Test
    @DisplayName("A chunked response that grows past max_object_size passes whole and is not stored")
    void largerThanMaxObjectSizeWhileStreamingIsNotStored() throws Exception {
        String target = "/bytes/300k?chunked=1&cache=max-age=600";
        RawHttp.Response first = get(target);
        assertThat(first.status()).isEqualTo(200);
        assertPattern(first.body(), 300 * 1024);

        assertPattern(get(target).body(), 300 * 1024);
        assertThat(origin.requestsReceived()).isEqualTo(2);
        assertThat(cache.stats().stores()).isZero();
        assertThat(cache.stats().bytes()).isZero();
    }

    @Test
    @DisplayName("An object just under max_object_size is stored and served whole")
    void anObjectUnderMaxObjectSizeIsStored() throws Exception {
        String target = "/bytes/200k?chunked=1&cache=max-age=600";
        assertPattern(get(target).body(), 200 * 1024);
        RawHttp.Response hit = get(target);

        assertThat(Fetch.cacheStatus(hit)).contains("; hit");
        assertPattern(hit.body(), 200 * 1024);
        assertThat(origin.requestsReceived()).isEqualTo(1);
    }

    @Test
    @DisplayName("RFC 9111 §3.3: a body cut short by the origin (Content-Length 100, 10 bytes, close) is not stored")
    void aTruncatedBodyIsNeverStored() throws Exception {
        for (int i = 1; i <= 2; i++) {
            try (RawHttp raw = new RawHttp(ferry.port("edge"))) {
                RawHttp.Response response = raw.send(Fetch.request("GET", HOST, "/broken/cl")).read();
                assertThat(response.header("content-length")).isEqualTo("100");
                assertThat(response.body()).hasSizeLessThan(100);
                assertThat(raw.closedByPeer()).isTrue();
            }
            assertThat(origin.requestsReceived()).isEqualTo(i);
        }
        assertThat(cache.stats().stores()).isZero();
        assertThat(cache.stats().entries()).isZero();
    }

    private static void assertPattern(byte[] body, int length) {
        assertThat(body).hasSize(length);
        for (int i = 0; i < length; i++) {
            if (body[i] != DemoOrigin.patternByte(i)) {
                throw new AssertionError("byte " + i + " is " + body[i] + ", expected " + DemoOrigin.patternByte(i));
            }
        }
    }
}
