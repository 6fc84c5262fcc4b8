package dev.ferry.cache;

import static dev.ferry.cache.CacheCase.Step.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.testing.MutableClock;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The 304 to a stale-while-revalidate background refresh (RFC 5861 §3) updates the entry as a
 * client's 304 would (RFC 9111 §4.3.4), and only as far as a shared cache may store it (§3): the
 * client that started the refresh got the stale response at once, so what follows is judged from
 * the cache's state once the refresh has landed.
 */
class BackgroundRefreshTest {

    private static final String ETAG = "\"abcdefghijklmno\"";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T08:00:00Z"));
    private ScriptedOrigin origin;
    private TestFerry ferry;
    private HttpCache cache;
    private final String id = UUID.randomUUID().toString();

    @BeforeEach
    void start() throws Exception {
        origin = ScriptedOrigin.start(clock);
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: all
                        upstream: origin
                        cache: defaults
                upstreams:
                  origin: { servers: [ "127.0.0.1:%d" ] }
                caches:
                  defaults: {}
                """.formatted(origin.port()), clock);
        cache = ferry.server().caches().get("defaults");
    }

    @AfterEach
    void stop() throws Exception {
        ferry.close();
        origin.close();
    }

    private String host() {
        return "127.0.0.1:" + ferry.port("edge");
    }

    private RawHttp.Response request(int reqNum) throws Exception {
        return Fetch.get(ferry.port("edge"), host(), "/t/" + id, "Req-Num: " + reqNum);
    }

    private StoredResponse stored() {
        Variants variants = cache.variants(CacheKey.of("http", host(), "/t/" + id));
        return variants == null ? null : variants.responses().get(0);
    }

    /**
     * Stores a response stale after 1 s, then lets a request start a background refresh that gets
     * {@code refresh}; a third request gets a plain 200.
     *
     * @return the entry as it was before the refresh
     */
    private StoredResponse refreshInBackground(CacheCase.Step refresh) throws Exception {
        origin.script(id, List.of(
                get().reply("Cache-Control", "max-age=1, stale-while-revalidate=3600").reply("ETag", ETAG).toReply(),
                refresh.toReply(),
                get().reply("Cache-Control", "max-age=3600").toReply()));
        request(1);
        StoredResponse first = stored();
        assertThat(first).isNotNull();
        clock.advance(Duration.ofSeconds(3));
        RawHttp.Response stale = request(2);
        assertThat(Fetch.cacheStatus(stale)).contains("detail=stale-while-revalidate");
        return first;
    }

    @Test
    @DisplayName("RFC 9111 §3: with store_set_cookie off, a Set-Cookie on a background refresh's 304 is not stored")
    void setCookieOnABackgroundRefreshIsNotStored() throws Exception {
        StoredResponse before = refreshInBackground(get().etagValidated().reply("Cache-Control", "max-age=3600")
                .reply("ETag", ETAG).reply("Set-Cookie", "session=for-client-2-only"));

        await().atMost(Duration.ofSeconds(5)).until(() -> stored() != before && stored() != null);
        assertThat(stored().directives().seconds("max-age")).isEqualTo(3600);
        RawHttp.Response hit = request(3);

        assertThat(Fetch.cacheStatus(hit)).contains("; hit").doesNotContain("fwd=");
        assertThat(hit.header("set-cookie")).isNull();
    }

    @Test
    @DisplayName("RFC 9111 §3, §5.2.2.5: a background refresh's 304 saying no-store drops the entry")
    void noStoreOnABackgroundRefreshDropsTheEntry() throws Exception {
        refreshInBackground(get().etagValidated().reply("Cache-Control", "no-store, max-age=3600")
                .reply("ETag", ETAG));

        await().atMost(Duration.ofSeconds(5)).until(() -> stored() == null);
        assertThat(Fetch.cacheStatus(request(3))).doesNotContain("; hit");
    }
}
