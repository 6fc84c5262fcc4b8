package dev.ferry.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A forward proxy with {@code cache: NAME}: absolute-form GETs are cached by their absolute URL. */
class ForwardProxyCacheTest {

    private static DemoOrigin origin;
    private static DemoOrigin otherOrigin;
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults().withName("first"));
        otherOrigin = DemoOrigin.start(DemoOrigin.Options.defaults().withName("second"));
        ferry = TestFerry.start("""
                listeners:
                  - name: fwd
                    bind: 127.0.0.1:0
                    forward_proxy:
                      allow_loopback_targets: true
                      cache: c
                caches:
                  c: { max_size: 16MiB, max_object_size: 1MiB }
                """);
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
        otherOrigin.close();
    }

    @BeforeEach
    void reset() {
        origin.reset();
        otherOrigin.reset();
    }

    private static RawHttp.Response get(DemoOrigin target, String path) throws Exception {
        String authority = "127.0.0.1:" + target.port();
        return Fetch.get(ferry.port("fwd"), authority, "http://" + authority + path);
    }

    @Test
    @DisplayName("RFC 9111 §4: the second absolute-form GET is a hit, and the origin sees one request")
    void rfc9111_4_secondRequestIsAHit() throws Exception {
        String path = "/echo?cache=max-age=60&t=fwd";
        RawHttp.Response first = get(origin, path);
        RawHttp.Response second = get(origin, path);

        assertThat(first.status()).isEqualTo(200);
        assertThat(Fetch.cacheStatus(first)).contains("stored");
        assertThat(Fetch.echoedUri(first)).as("the origin gets the origin form").isEqualTo(path);
        assertThat(second.status()).isEqualTo(200);
        assertThat(Fetch.cacheStatus(second)).contains("; hit");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(origin.requestsReceived()).isEqualTo(1);
    }

    @Test
    @DisplayName("RFC 9111 §2: the authority is part of the key: the same path on another origin is another entry")
    void rfc9111_2_theAuthorityIsPartOfTheKey() throws Exception {
        String path = "/echo?cache=max-age=60&t=fwd-authority";
        RawHttp.Response first = get(origin, path);
        RawHttp.Response other = get(otherOrigin, path);

        assertThat(first.header("x-origin")).isEqualTo("first");
        assertThat(other.header("x-origin")).isEqualTo("second");
        assertThat(Fetch.cacheStatus(other)).doesNotContain("; hit");
        assertThat(get(origin, path).header("x-origin")).isEqualTo("first");
        assertThat(get(otherOrigin, path).header("x-origin")).isEqualTo("second");
        assertThat(origin.requestsReceived()).isEqualTo(1);
        assertThat(otherOrigin.requestsReceived()).isEqualTo(1);
    }

    @Test
    @DisplayName("An entry the forward proxy stored is purged by its absolute URL")
    void purgedByItsAbsoluteUrl() throws Exception {
        String path = "/echo?cache=max-age=60&t=fwd-purge";
        get(origin, path);

        assertThat(ferry.server().caches().get("c").purgeUrl(origin.baseUrl() + path, false)).isTrue();

        assertThat(Fetch.cacheStatus(get(origin, path))).contains("fwd=uri-miss");
        assertThat(origin.requestsReceived()).isEqualTo(2);
    }
}
