package dev.ferry.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Local rate limits: a token bucket per key; over the limit, 429 with {@code Retry-After} and the
 * {@code RateLimit}/{@code RateLimit-Policy} fields of the IETF httpapi draft; keys by client
 * address (believing {@code X-Forwarded-For} only from trusted proxies), header or route.
 */
class RateLimitTest {

    private DemoOrigin origin;
    private TestFerry ferry;

    @BeforeEach
    void startOrigin() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
    }

    @AfterEach
    void stop() {
        if (ferry != null) {
            ferry.close();
        }
        origin.close();
    }

    private void start(String key, String trustedProxies) {
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    trusted_proxies: %s
                    routes:
                      - { name: limited, match: { path_prefix: /echo }, upstream: origin, rate_limit: three }
                      - { name: other, match: { path_prefix: /small }, upstream: origin, rate_limit: three }
                upstreams:
                  origin: { servers: [ "127.0.0.1:%d" ] }
                rate_limits:
                  three: { key: %s, rate: 1/m, burst: 3 }
                """.formatted(trustedProxies, origin.port(), key));
    }

    private RawHttp.Response get(String target, String... headers) throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("edge"))) {
            StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: limited.test\r\n");
            for (String header : headers) {
                request.append(header).append("\r\n");
            }
            return raw.send(request.append("\r\n").toString()).read(false);
        }
    }

    private List<Integer> statuses(int count, String target, String... headers) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            statuses.add(get(target, headers).status());
        }
        return statuses;
    }

    @Test
    @DisplayName("the burst passes, then 429 with Retry-After, RateLimit and RateLimit-Policy")
    void overTheLimitIs429WithRetryAfterAndRateLimitFields() throws Exception {
        start("client_ip", "[]");

        RawHttp.Response first = get("/echo");
        get("/echo");
        get("/echo");
        RawHttp.Response refused = get("/echo");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("ratelimit-policy")).isEqualTo("\"three\";q=1;w=60");
        assertThat(first.header("ratelimit")).startsWith("\"three\";r=2;t=");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(Long.parseLong(refused.header("retry-after"))).isBetween(1L, 60L);
        assertThat(refused.header("ratelimit")).startsWith("\"three\";r=0;t=");
        assertThat(refused.header("ratelimit-policy")).isEqualTo("\"three\";q=1;w=60");
        assertThat(origin.requestsReceived()).isEqualTo(3);
    }

    @Test
    @DisplayName("header:NAME keys: each API key has its own bucket")
    void eachHeaderValueHasItsOwnBucket() throws Exception {
        start("header:X-Api-Key", "[]");

        assertThat(statuses(4, "/echo", "X-Api-Key: alpha")).containsExactly(200, 200, 200, 429);
        assertThat(statuses(4, "/echo", "X-Api-Key: beta")).containsExactly(200, 200, 200, 429);
    }

    @Test
    @DisplayName("route keys: every client of a route shares its bucket, other routes have their own")
    void eachRouteHasItsOwnBucket() throws Exception {
        start("route", "[]");

        assertThat(statuses(4, "/echo", "X-Forwarded-For: 192.0.2.1")).containsExactly(200, 200, 200, 429);
        assertThat(statuses(1, "/echo", "X-Forwarded-For: 192.0.2.2")).containsExactly(429);
        assertThat(statuses(4, "/small")).containsExactly(200, 200, 200, 429);
    }

    @Test
    @DisplayName("client_ip behind a trusted proxy is the X-Forwarded-For address: each client has its own bucket")
    void forwardedClientsBehindTrustedProxiesHaveTheirOwnBuckets() throws Exception {
        start("client_ip", "[127.0.0.0/8]");

        assertThat(statuses(4, "/echo", "X-Forwarded-For: 192.0.2.1")).containsExactly(200, 200, 200, 429);
        assertThat(statuses(4, "/echo", "X-Forwarded-For: 192.0.2.2")).containsExactly(200, 200, 200, 429);
    }

    @Test
    @DisplayName("client_ip from an untrusted peer is the socket address: a forged X-Forwarded-For gains nothing")
    void forgedForwardedForFromUntrustedPeersIsIgnored() throws Exception {
        start("client_ip", "[10.0.0.0/8]");

        assertThat(statuses(3, "/echo", "X-Forwarded-For: 192.0.2.1")).containsOnly(200);
        assertThat(statuses(2, "/echo", "X-Forwarded-For: 192.0.2.99")).containsOnly(429);
    }

    @Test
    @DisplayName("a listener's limit covers all its routes; a forward proxy's covers proxied requests; each named limit has its own buckets")
    void listenerAndForwardProxyLimits() throws Exception {
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    rate_limit: three
                    routes:
                      - { name: a, match: { path_prefix: /echo }, upstream: origin }
                      - { name: b, match: { path_prefix: /small }, upstream: origin }
                  - name: proxy
                    bind: 127.0.0.1:0
                    forward_proxy: { allow_loopback_targets: true, rate_limit: proxied }
                upstreams:
                  origin: { servers: [ "127.0.0.1:%d" ] }
                rate_limits:
                  three: { key: client_ip, rate: 1/m, burst: 3 }
                  proxied: { key: client_ip, rate: 1/m, burst: 3 }
                """.formatted(origin.port()));

        assertThat(statuses(2, "/echo")).containsExactly(200, 200);
        assertThat(statuses(2, "/small")).containsExactly(200, 429);
        List<Integer> proxied = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (RawHttp raw = new RawHttp(ferry.port("proxy"))) {
                proxied.add(raw.send("GET " + origin.baseUrl() + "/small HTTP/1.1\r\nHost: 127.0.0.1:" + origin.port()
                        + "\r\n\r\n").read().status());
            }
        }
        assertThat(proxied).containsExactly(200, 200, 200, 429);
    }
}
