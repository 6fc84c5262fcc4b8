package dev.ferry.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.demo.RecordedRequest;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Purging (invalidation on demand): by URL, URL prefix or tag ({@code Surrogate-Key},
 * {@code Cache-Tag}) through {@link HttpCache}, hard (the entry is gone: the next request is a
 * miss) or soft (marked stale: the next request revalidates, RFC 9111 §4.3.1); and the
 * {@code PURGE} method, from {@code purge_clients} only.
 */
class PurgeTest {

    private static final String HOST = "purge.test";

    private static DemoOrigin origin;
    private static TestFerry ferry;
    private static HttpCache cache;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: all
                        upstream: origin
                        cache: open
                  - name: locked
                    bind: 127.0.0.1:0
                    routes:
                      - name: all
                        upstream: origin
                        cache: locked
                upstreams:
                  origin: { servers: [ "127.0.0.1:%d" ] }
                caches:
                  open: { max_size: 16MiB, max_object_size: 1MiB }
                  locked: { max_size: 16MiB, max_object_size: 1MiB, purge_clients: [ 10.0.0.0/8 ] }
                """.formatted(origin.port()));
        cache = ferry.server().caches().get("open");
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
    }

    @BeforeEach
    void reset() {
        origin.reset();
    }

    private static RawHttp.Response get(String target) throws Exception {
        return Fetch.get(ferry.port("edge"), HOST, target);
    }

    private static String url(String target) {
        return "http://" + HOST + target;
    }

    /** Stores {@code target} and checks that a second request is a hit. */
    private static RawHttp.Response cached(String target) throws Exception {
        RawHttp.Response first = get(target);
        assertThat(Fetch.cacheStatus(first)).as(target).contains("stored");
        assertThat(Fetch.cacheStatus(get(target))).as(target).contains("; hit");
        return first;
    }

    private static void assertMiss(String target) throws Exception {
        int before = origin.requestsReceived();
        RawHttp.Response response = get(target);
        assertThat(Fetch.cacheStatus(response)).as(target).contains("fwd=uri-miss").doesNotContain("; hit");
        assertThat(origin.requestsReceived()).as(target).isEqualTo(before + 1);
    }

    private static void assertHit(String target) throws Exception {
        int before = origin.requestsReceived();
        assertThat(Fetch.cacheStatus(get(target))).as(target).contains("; hit");
        assertThat(origin.requestsReceived()).as(target).isEqualTo(before);
    }

    /** The next request revalidates with the stored ETag, gets 304, and is answered from the entry. */
    private static void assertRevalidates(String target, String etag, RawHttp.Response stored) throws Exception {
        int before = origin.requestsReceived();
        RawHttp.Response response = get(target);
        assertThat(response.status()).as(target).isEqualTo(200);
        assertThat(response.body()).as(target).isEqualTo(stored.body());
        assertThat(Fetch.cacheStatus(response)).as(target).contains("fwd=stale", "fwd-status=304");
        assertThat(origin.requestsReceived()).as(target).isEqualTo(before + 1);
        List<RecordedRequest> seen = origin.requests();
        assertThat(seen.get(seen.size() - 1).header("If-None-Match")).as(target).isEqualTo("\"" + etag + "\"");
    }

    @Test
    @DisplayName("purgeUrl, hard: the entry is gone and the next request is a miss")
    void purgeUrlHard() throws Exception {
        String target = "/echo?cache=max-age=600&t=url-hard";
        String other = "/echo?cache=max-age=600&t=url-hard-other";
        cached(target);
        cached(other);

        assertThat(cache.purgeUrl(url(target), false)).isTrue();

        assertMiss(target);
        assertHit(other);
        assertThat(cache.purgeUrl(url("/echo?never=cached"), false)).isFalse();
    }

    @Test
    @DisplayName("RFC 9111 §4.3.1: purgeUrl, soft: the next request revalidates with If-None-Match and the 304 refreshes the entry")
    void purgeUrlSoftRevalidates() throws Exception {
        String target = "/echo?cache=max-age=600&etag=v1&t=url-soft";
        RawHttp.Response stored = cached(target);

        assertThat(cache.purgeUrl(url(target), true)).isTrue();

        assertRevalidates(target, "v1", stored);
    }

    @Test
    @DisplayName("RFC 9111 §4.3.4: after a soft purge, the entry a 304 refreshed is fresh again")
    void aSoftPurgedEntryIsFreshAgainAfterRevalidation() throws Exception {
        String target = "/echo?cache=max-age=600&etag=v2&t=url-soft-fresh";
        RawHttp.Response stored = cached(target);
        cache.purgeUrl(url(target), true);
        assertRevalidates(target, "v2", stored);

        assertHit(target);
    }

    @Test
    @DisplayName("purgeUrl, soft, without validators: the next request fetches the whole response again")
    void purgeUrlSoftWithoutValidatorsRefetches() throws Exception {
        String target = "/echo?cache=max-age=600&t=url-soft-no-etag";
        cached(target);

        assertThat(cache.purgeUrl(url(target), true)).isTrue();

        RawHttp.Response response = get(target);
        assertThat(Fetch.cacheStatus(response)).contains("fwd=stale", "fwd-status=200", "stored");
        assertThat(origin.requests().get(origin.requests().size() - 1).header("If-None-Match")).isNull();
    }

    @Test
    @DisplayName("purgePrefix: every URL under the prefix, hard or soft, and nothing else")
    void purgePrefix() throws Exception {
        String a1 = "/echo?cache=max-age=600&etag=a1&grp=a&i=1";
        String a2 = "/echo?cache=max-age=600&etag=a2&grp=a&i=2";
        String b1 = "/echo?cache=max-age=600&etag=b1&grp=b&i=1";
        RawHttp.Response storedA1 = cached(a1);
        RawHttp.Response storedA2 = cached(a2);
        cached(b1);

        assertThat(cache.purgePrefix(url("/echo?cache=max-age=600&etag=a"), true)).isEqualTo(2);
        assertRevalidates(a1, "a1", storedA1);
        assertRevalidates(a2, "a2", storedA2);
        assertHit(b1);

        assertThat(cache.purgePrefix(url("/echo?cache=max-age=600&etag=a"), false)).isEqualTo(2);
        assertMiss(a1);
        assertMiss(a2);
        assertHit(b1);
    }

    @Test
    @DisplayName("purgeTag, hard: entries tagged by Surrogate-Key (space-separated) or Cache-Tag (comma-separated)")
    void purgeTagHard() throws Exception {
        String newsSport = "/echo?cache=max-age=600&header=Surrogate-Key:news%20sport&t=tag-hard";
        String news = "/echo?cache=max-age=600&header=Surrogate-Key:news&t=tag-hard";
        String weather = "/echo?cache=max-age=600&header=Surrogate-Key:weather&t=tag-hard";
        String sportLocal = "/echo?cache=max-age=600&header=Cache-Tag:sport,local&t=tag-hard";
        for (String target : List.of(newsSport, news, weather, sportLocal)) {
            cached(target);
        }

        assertThat(cache.purgeTag("sport", false)).isEqualTo(2);

        assertMiss(newsSport);
        assertMiss(sportLocal);
        assertHit(news);
        assertHit(weather);
        assertThat(cache.purgeTag("sport", false)).as("the two refetched entries carry the tag again").isEqualTo(2);
        assertThat(cache.purgeTag("no-such-tag", false)).isZero();
    }

    @Test
    @DisplayName("RFC 9111 §4.3.1: purgeTag, soft: each tagged entry revalidates with its own ETag")
    void purgeTagSoft() throws Exception {
        String first = "/echo?cache=max-age=600&etag=p1&header=Cache-Tag:promo,%20x&t=tag-soft";
        String second = "/echo?cache=max-age=600&etag=p2&header=Surrogate-Key:y%20promo&t=tag-soft";
        String untagged = "/echo?cache=max-age=600&etag=p3&t=tag-soft";
        RawHttp.Response storedFirst = cached(first);
        RawHttp.Response storedSecond = cached(second);
        cached(untagged);

        assertThat(cache.purgeTag("promo", true)).isEqualTo(2);

        assertRevalidates(first, "p1", storedFirst);
        assertRevalidates(second, "p2", storedSecond);
        assertHit(untagged);
    }

    @Test
    @DisplayName("PURGE from an allowed client (loopback by default): 200, then the next request is a miss")
    void purgeMethodFromAnAllowedClient() throws Exception {
        String target = "/echo?cache=max-age=600&t=method";
        cached(target);

        RawHttp.Response purged = Fetch.send(ferry.port("edge"), "PURGE", HOST, target);
        assertThat(purged.status()).isEqualTo(200);
        assertThat(origin.requestsReceived()).as("PURGE is answered by Ferry").isEqualTo(1);

        assertMiss(target);
        RawHttp.Response again = Fetch.send(ferry.port("edge"), "PURGE", HOST, "/echo?t=method-never-cached");
        assertThat(again.status()).isEqualTo(404);
    }

    @Test
    @DisplayName("PURGE with Purge-Mode: soft marks the entry stale: the next request revalidates")
    void softPurgeMethod() throws Exception {
        String target = "/echo?cache=max-age=600&etag=m1&t=method-soft";
        RawHttp.Response stored = cached(target);

        RawHttp.Response purged = Fetch.send(ferry.port("edge"), "PURGE", HOST, target, "Purge-Mode: soft");
        assertThat(purged.status()).isEqualTo(200);

        assertRevalidates(target, "m1", stored);
    }

    @Test
    @DisplayName("PURGE from a client outside purge_clients: 403, and the entry stays")
    void purgeMethodFromADisallowedClient() throws Exception {
        String target = "/echo?cache=max-age=600&t=method-locked";
        int locked = ferry.port("locked");
        assertThat(Fetch.cacheStatus(Fetch.get(locked, HOST, target))).contains("stored");

        RawHttp.Response refused = Fetch.send(locked, "PURGE", HOST, target);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(Fetch.cacheStatus(Fetch.get(locked, HOST, target))).contains("; hit");
        assertThat(origin.requestsReceived()).isEqualTo(1);
    }
}
