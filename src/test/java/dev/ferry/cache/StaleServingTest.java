package dev.ferry.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Serving stale responses (RFC 9111 §4.2.4, RFC 5861): when the origin is down or failing, within
 * {@code stale-if-error}, unless the response forbids it; and {@code stale-while-revalidate}
 * answering at once while one background request refreshes the entry.
 *
 * <p>Ferry's clock starts an hour behind the origin's, so the origin's {@code Date} never makes a
 * response look older than it is (the apparent age is 0, §4.2.3): ages grow only when the test
 * advances the clock.
 */
class StaleServingTest {

    private static final String HOST = "stale.test";

    private final MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofHours(1)));
    private DemoOrigin origin;
    private TestFerry ferry;
    private HttpCache cache;

    @BeforeEach
    void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: all
                        upstream: origin
                        cache: c
                upstreams:
                  origin: { servers: [ "127.0.0.1:%d" ], retries: { attempts: 1 } }
                caches:
                  c: { max_size: 16MiB, max_object_size: 1MiB }
                """.formatted(origin.port()), clock);
        cache = ferry.server().caches().get("c");
    }

    @AfterEach
    void stop() {
        ferry.close();
        origin.close();
    }

    private RawHttp.Response get(String target, String... headers) throws Exception {
        return Fetch.get(ferry.port("edge"), HOST, target, headers);
    }

    @Test
    @DisplayName("RFC 5861 §4: with the origin stopped, a stale response within stale-if-error is served")
    void rfc5861_4_staleIfErrorServesTheStoredResponseWhenTheOriginIsDown() throws Exception {
        String target = "/echo?cache=max-age=1,stale-if-error=60";
        RawHttp.Response first = get(target);
        assertThat(Fetch.cacheStatus(first)).contains("stored");

        clock.advance(Duration.ofSeconds(2));
        origin.stop();
        RawHttp.Response stale = get(target);

        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.body()).isEqualTo(first.body());
        assertThat(Fetch.cacheStatus(stale)).contains("; hit", "fwd=stale", "detail=stale-if-error");
        assertThat(Long.parseLong(stale.header("age"))).isGreaterThanOrEqualTo(2);
        assertThat(cache.stats().staleServed()).isEqualTo(1);
    }

    @Test
    @DisplayName("RFC 5861 §4: a 5xx within stale-if-error is replaced by the stale response; past the window it passes")
    void rfc5861_4_staleIfErrorCoversServerErrorsWithinItsWindow() throws Exception {
        String target = "/healthz?cache=max-age=1,stale-if-error=60";
        assertThat(get(target).bodyText()).isEqualTo("ok\n");
        origin.setHealthStatus(503);

        clock.advance(Duration.ofSeconds(2));
        RawHttp.Response stale = get(target);
        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.bodyText()).isEqualTo("ok\n");
        assertThat(Fetch.cacheStatus(stale)).contains("fwd=stale", "fwd-status=503", "detail=stale-if-error");

        clock.advance(Duration.ofSeconds(60));
        RawHttp.Response error = get(target);
        assertThat(error.status()).isEqualTo(503);
        assertThat(origin.requestsReceived()).isEqualTo(3);
    }

    @Test
    @DisplayName("RFC 9111 §4.2.4: cut off from the origin, a stale response may be served when nothing forbids it")
    void rfc9111_4_2_4_staleIsServedWhenTheOriginIsUnreachable() throws Exception {
        String target = "/echo?cache=max-age=1";
        RawHttp.Response first = get(target);

        clock.advance(Duration.ofSeconds(5));
        origin.stop();
        RawHttp.Response stale = get(target);

        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.body()).isEqualTo(first.body());
        assertThat(Fetch.cacheStatus(stale)).contains("; hit", "fwd=stale");
    }

    @Test
    @DisplayName("RFC 9111 §4.2.4, §5.2.2.2: a stale must-revalidate response that cannot be revalidated gets 504")
    void rfc9111_5_2_2_2_mustRevalidateGets504WhenTheOriginIsDown() throws Exception {
        String plain = "/echo?cache=max-age=1,must-revalidate";
        String withStaleIfError = "/echo?cache=max-age=1,must-revalidate,stale-if-error=60";
        String bodyOfPlain = get(plain).bodyText();
        get(withStaleIfError);

        clock.advance(Duration.ofSeconds(2));
        origin.stop();

        for (String target : new String[] {plain, withStaleIfError}) {
            RawHttp.Response response = get(target);
            assertThat(response.status()).as(target).isEqualTo(504);
            assertThat(response.bodyText()).as(target).doesNotContain("\"uri\"");
        }
        assertThat(bodyOfPlain).contains("\"uri\"");
        assertThat(cache.stats().staleServed()).isZero();
    }

    @Test
    @DisplayName("RFC 5861 §3: stale-while-revalidate serves stale at once and refreshes the entry with one background request")
    void rfc5861_3_staleWhileRevalidateRefreshesOnceInTheBackground() throws Exception {
        String target = "/echo?cache=max-age=1,stale-while-revalidate=30";
        RawHttp.Response first = get(target, "X-Version: 1");
        assertThat(Fetch.echoed(first, "x-version")).isEqualTo("1");

        clock.advance(Duration.ofSeconds(2));
        // The refresh takes a second at the origin: the stale answers below must not wait for it.
        origin.setResponseDelay(Duration.ofSeconds(1));
        RawHttp.Response stale = get(target, "X-Version: 2");
        RawHttp.Response staleAgain = get(target, "X-Version: 3");

        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.body()).isEqualTo(first.body());
        assertThat(Fetch.cacheStatus(stale)).contains("; hit", "fwd=stale", "detail=stale-while-revalidate");
        assertThat(staleAgain.body()).isEqualTo(first.body());
        assertThat(cache.stats().stores()).as("answered before the refresh was stored").isEqualTo(1);

        await().atMost(Duration.ofSeconds(10)).until(() -> cache.stats().stores() == 2);
        origin.setResponseDelay(Duration.ZERO);
        RawHttp.Response refreshed = get(target, "X-Version: 4");

        assertThat(origin.requestsReceived()).as("the first fetch and one refresh").isEqualTo(2);
        assertThat(Fetch.cacheStatus(refreshed)).contains("; hit").doesNotContain("fwd=");
        // The refresh carried the request that started it.
        assertThat(Fetch.echoed(refreshed, "x-version")).isEqualTo("2");
    }
}
