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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a stored response may be served to: only requests with the same {@code Vary} values
 * (RFC 9111 §4.1) and the same primary key (§2: scheme, host, target as received, nothing else),
 * and never when it was private, {@code no-store} or set a cookie. The origin is {@code /echo},
 * whose body differs with every request's headers, so a response served to the wrong request shows.
 */
class VarySafetyTest {

    private static final String HOST = "site.test";

    private static DemoOrigin origin;
    private static TestFerry ferry;

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
                        cache: c
                upstreams:
                  origin: { servers: [ "127.0.0.1:%d" ] }
                caches:
                  c: { max_size: 16MiB, max_object_size: 1MiB }
                """.formatted(origin.port()));
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

    private static RawHttp.Response get(String host, String target, String... headers) throws Exception {
        return Fetch.get(ferry.port("edge"), host, target, headers);
    }

    @Test
    @DisplayName("RFC 9111 §4.1: a Vary: Accept-Encoding response is served only to requests with the same Accept-Encoding")
    void rfc9111_4_1_varyingResponseServedOnlyToMatchingRequests() throws Exception {
        String target = "/echo?cache=max-age=60&vary=Accept-Encoding";
        RawHttp.Response gzip = get(HOST, target, "Accept-Encoding: gzip");
        assertThat(Fetch.echoed(gzip, "accept-encoding")).isEqualTo("gzip");
        assertThat(gzip.header("vary")).isEqualTo("Accept-Encoding");

        RawHttp.Response none = get(HOST, target);
        assertThat(Fetch.cacheStatus(none)).doesNotContain("; hit");
        assertThat(Fetch.echoed(none, "accept-encoding")).isNull();

        RawHttp.Response br = get(HOST, target, "Accept-Encoding: br");
        assertThat(Fetch.cacheStatus(br)).doesNotContain("; hit");
        assertThat(Fetch.echoed(br, "accept-encoding")).isEqualTo("br");

        RawHttp.Response both = get(HOST, target, "Accept-Encoding: gzip, br");
        assertThat(Fetch.cacheStatus(both)).doesNotContain("; hit");
        assertThat(origin.requestsReceived()).isEqualTo(4);

        RawHttp.Response gzipAgain = get(HOST, target, "Accept-Encoding: gzip");
        RawHttp.Response noneAgain = get(HOST, target);
        assertThat(Fetch.cacheStatus(gzipAgain)).contains("; hit");
        assertThat(gzipAgain.body()).isEqualTo(gzip.body());
        assertThat(Fetch.cacheStatus(noneAgain)).contains("; hit");
        assertThat(noneAgain.body()).isEqualTo(none.body());
        assertThat(origin.requestsReceived()).isEqualTo(4);
    }

    @Test
    @DisplayName("RFC 9111 §2: X-Forwarded-Host is outside the key: it neither selects an entry nor reaches a stored body")
    void rfc9111_2_forwardedHostNeitherSelectsNorPoisons() throws Exception {
        String target = "/echo?cache=max-age=60&t=xfh";
        // The attacker's request fills the entry; Ferry does not believe X-Forwarded-Host from an
        // untrusted client, so the origin never sees (and cannot reflect) the attacker's value.
        RawHttp.Response attack = get(HOST, target, "X-Forwarded-Host: evil.example");
        assertThat(Fetch.cacheStatus(attack)).contains("stored");

        RawHttp.Response victim = get(HOST, target);
        assertThat(Fetch.cacheStatus(victim)).contains("; hit");
        assertThat(victim.bodyText()).doesNotContain("evil.example");

        // Naming the cached host in X-Forwarded-Host does not get another host's entry.
        RawHttp.Response other = get("other.test", target, "X-Forwarded-Host: " + HOST);
        assertThat(Fetch.cacheStatus(other)).doesNotContain("; hit");
        assertThat(Fetch.echoed(other, "host")).isEqualTo("other.test");
        assertThat(origin.requestsReceived()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"X-Original-URL", "X-Rewrite-URL", "X-Host", "X-Forwarded-Server"})
    @DisplayName("RFC 9111 §2: a header naming another URL or host neither selects its entry nor stores under it")
    void rfc9111_2_unkeyedHeadersNeitherSelectNorStoreElsewhere(String header) throws Exception {
        boolean namesUrl = header.endsWith("URL");
        String home = "/echo?cache=max-age=60&page=home&h=" + header;
        String admin = "/echo?cache=max-age=60&page=admin&h=" + header;
        // The victim's entry, and a request for another entry whose header names the victim's.
        String victimHost = namesUrl ? HOST : "admin.test";
        String victimTarget = namesUrl ? admin : home;
        String named = namesUrl ? admin : "admin.test";
        RawHttp.Response victim = get(victimHost, victimTarget);
        assertThat(Fetch.cacheStatus(victim)).contains("stored");

        RawHttp.Response attack = get(HOST, home, header + ": " + named);
        assertThat(Fetch.cacheStatus(attack)).doesNotContain("; hit");
        assertThat(Fetch.echoedUri(attack)).isEqualTo(home);
        assertThat(Fetch.echoed(attack, "host")).isEqualTo(HOST);
        RawHttp.Response attackAgain = get(HOST, home, header + ": " + named);
        assertThat(Fetch.cacheStatus(attackAgain)).contains("; hit");
        assertThat(attackAgain.body()).isEqualTo(attack.body());

        RawHttp.Response victimAgain = get(victimHost, victimTarget);
        assertThat(Fetch.cacheStatus(victimAgain)).contains("; hit");
        assertThat(victimAgain.body()).isEqualTo(victim.body());
        assertThat(origin.requestsReceived()).isEqualTo(2);
    }

    @Test
    @DisplayName("RFC 9111 §2: the target is not normalised, so /a;x.css and /a are different entries")
    void rfc9111_2_pathParametersArePartOfTheKey() throws Exception {
        String plain = "/echo?cache=max-age=60&t=semicolon";
        String deceptive = "/echo;x.css?cache=max-age=60&t=semicolon";
        RawHttp.Response page = get(HOST, plain, "Cookie: user=alice");
        assertThat(page.status()).isEqualTo(200);

        RawHttp.Response styled = get(HOST, deceptive);
        assertThat(Fetch.cacheStatus(styled)).doesNotContain("; hit");
        assertThat(styled.bodyText()).doesNotContain("alice");

        assertThat(Fetch.cacheStatus(get(HOST, deceptive))).contains("; hit");
        RawHttp.Response pageAgain = get(HOST, plain);
        assertThat(Fetch.cacheStatus(pageAgain)).contains("; hit");
        assertThat(pageAgain.body()).isEqualTo(page.body());
        assertThat(origin.requestsReceived()).isEqualTo(2);
    }

    @ParameterizedTest(name = "Cache-Control: {0}")
    @ValueSource(strings = {"private", "private,max-age=60", "private,s-maxage=60", "no-store",
            "no-store,max-age=60", "public,no-store"})
    @DisplayName("RFC 9111 §3, §5.2.2.5, §5.2.2.7: private and no-store responses are never served to another client")
    void rfc9111_3_privateAndNoStoreResponsesAreNotShared(String directives) throws Exception {
        String target = "/echo?t=private&cache=" + directives;
        RawHttp.Response alice = get(HOST, target, "Cookie: user=alice");
        assertThat(Fetch.echoed(alice, "cookie")).isEqualTo("user=alice");
        assertThat(Fetch.cacheStatus(alice)).doesNotContain("stored");

        RawHttp.Response bob = get(HOST, target, "Cookie: user=bob");
        assertThat(bob.bodyText()).doesNotContain("alice");
        assertThat(Fetch.echoed(bob, "cookie")).isEqualTo("user=bob");
        assertThat(origin.requestsReceived()).isEqualTo(2);
    }

    @Test
    @DisplayName("Set-Cookie responses are not stored by default (store_set_cookie: false), so never served to another client")
    void setCookieResponsesAreNotSharedByDefault() throws Exception {
        String target = "/echo?cache=max-age=60&header=Set-Cookie:session%3Dalice-secret";
        RawHttp.Response alice = get(HOST, target, "Cookie: user=alice");
        assertThat(alice.header("set-cookie")).isEqualTo("session=alice-secret");
        assertThat(Fetch.cacheStatus(alice)).contains("detail=set-cookie");

        RawHttp.Response bob = get(HOST, target, "Cookie: user=bob");
        assertThat(Fetch.cacheStatus(bob)).doesNotContain("; hit");
        assertThat(Fetch.echoed(bob, "cookie")).isEqualTo("user=bob");
        assertThat(origin.requestsReceived()).isEqualTo(2);
    }

    @Test
    @DisplayName("RFC 9111 §3.5: a response to a request with Authorization is not shared unless it says so")
    void rfc9111_3_5_authorizedResponsesAreNotShared() throws Exception {
        String target = "/echo?cache=max-age=60&t=auth";
        RawHttp.Response alice = get(HOST, target, "Authorization: Bearer alice-token");
        assertThat(Fetch.cacheStatus(alice)).contains("detail=authorization");

        RawHttp.Response anonymous = get(HOST, target);
        assertThat(anonymous.bodyText()).doesNotContain("alice-token");
        assertThat(origin.requestsReceived()).isEqualTo(2);
    }
}
