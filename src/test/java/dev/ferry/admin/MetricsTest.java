package dev.ferry.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.LoadClient;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} after known traffic: every family the issue lists is there, with the
 * expected labels and values, counters move by exactly the traffic sent, and no label carries
 * anything a client chose (paths, queries, addresses).
 */
class MetricsTest {

    private static DemoOrigin origin;
    private static int dead;
    private static int deadRedis;
    private static TestFerry ferry;
    private static AdminClient admin;
    private static Prometheus after;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        dead = freePort();
        deadRedis = freePort();
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - { name: limited, match: { host: limited.test }, upstream: origin, rate_limit: tight }
                      - { name: mixed, match: { host: mixed.test }, upstream: mixed }
                      - { name: down, match: { host: down.test }, upstream: down }
                      - { name: shared, match: { host: shared.test }, upstream: origin, cache: fleet }
                      - { name: api, upstream: origin, cache: pages }
                  - name: proxy
                    bind: 127.0.0.1:0
                    forward_proxy: { allow_loopback_targets: true }
                upstreams:
                  origin: { servers: [ "127.0.0.1:%1$d" ] }
                  mixed:
                    servers: [ "127.0.0.1:%1$d", "127.0.0.1:%2$d" ]
                    outlier: { consecutive_failures: 1, ejection: 10m }
                    retries: { attempts: 2 }
                  down: { servers: [ "127.0.0.1:%2$d" ], retries: { attempts: 1 } }
                caches:
                  pages: { max_size: 1MiB }
                  fleet: { max_size: 1MiB, shared: true }
                rate_limits:
                  tight: { key: client_ip, rate: 1/m, burst: 1 }
                redis: { uri: "redis://127.0.0.1:%3$d", timeout: 50ms }
                admin: { bind: 127.0.0.1:0 }
                """.formatted(origin.port(), dead, deadRedis));
        admin = new AdminClient(ferry.server().adminAddress().orElseThrow(), null);
        traffic();
        after = scrape();
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Prometheus scrape() {
        AdminClient.Answer answer = admin.get("/metrics");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("text/plain; version=0.0.4");
        return Prometheus.parse(answer.body());
    }

    /** Known traffic: what each assertion below counts on. */
    private static void traffic() throws Exception {
        int edge = ferry.port("edge");
        try (LoadClient client = new LoadClient(edge)) {
            // One cacheable page: a miss then two hits.
            assertThat(client.get("metrics.test", "/small?secret-query=1", "").status()).isEqualTo(200);
            assertThat(client.get("metrics.test", "/small?secret-query=1", "").status()).isEqualTo(200);
            assertThat(client.get("metrics.test", "/small?secret-query=1", "").status()).isEqualTo(200);
            // Not cacheable by method.
            assertThat(client.send("DELETE /echo HTTP/1.1\r\nHost: metrics.test\r\n\r\n").status()).isEqualTo(200);
            assertThat(client.get("metrics.test", "/status/404?cache=no-store", "").status()).isEqualTo(404);
            // Rate limit: one allowed, then refused.
            assertThat(client.get("limited.test", "/echo", "").status()).isEqualTo(200);
            assertThat(client.get("limited.test", "/echo", "").status()).isEqualTo(429);
            // Two servers, one dead: some request meets it, is retried, and the dead one is ejected.
            for (int i = 0; i < 4; i++) {
                assertThat(client.get("mixed.test", "/echo?n=" + i, "").status()).isEqualTo(200);
            }
            // Only a dead server: 502.
            assertThat(client.get("down.test", "/echo", "").status()).isEqualTo(502);
            // A shared cache with Redis unreachable: served from the origin, Redis calls fail.
            assertThat(client.get("shared.test", "/small", "").status()).isEqualTo(200);
        }
        try (LoadClient client = new LoadClient(ferry.port("proxy"))) {
            String target = "http://127.0.0.1:" + origin.port() + "/echo";
            assertThat(client.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + origin.port() + "\r\n\r\n")
                    .status()).isEqualTo(200);
        }
        try (RawHttp raw = new RawHttp(edge)) {
            assertThat(raw.send("NOT A REQUEST\r\n\r\n").read().status()).isEqualTo(400);
        }
    }

    @Test
    void requestsByListenerRouteUpstreamStatusClassAndCacheOutcome() {
        assertThat(after.labelKeys("ferry_requests_total"))
                .containsExactly("cache", "listener", "route", "status_class", "upstream");
        assertThat(after.sum("ferry_requests_total", "listener", "edge", "route", "api", "upstream", "origin",
                "status_class", "2xx", "cache", "miss")).isEqualTo(1);
        assertThat(after.sum("ferry_requests_total", "listener", "edge", "route", "api", "status_class", "2xx",
                "cache", "hit")).isEqualTo(2);
        assertThat(after.sum("ferry_requests_total", "route", "api", "cache", "bypass")).isEqualTo(1);
        assertThat(after.sum("ferry_requests_total", "route", "api", "status_class", "4xx")).isEqualTo(1);
        assertThat(after.sum("ferry_requests_total", "route", "limited", "status_class", "4xx", "cache", "none"))
                .isEqualTo(1);
        assertThat(after.sum("ferry_requests_total", "route", "mixed", "upstream", "mixed", "status_class", "2xx"))
                .isEqualTo(4);
        assertThat(after.sum("ferry_requests_total", "route", "down", "status_class", "5xx")).isEqualTo(1);
        assertThat(after.sum("ferry_requests_total", "listener", "proxy", "route", "forward_proxy",
                "upstream", "forward_proxy", "status_class", "2xx")).isEqualTo(1);
        // The malformed request never had a route.
        assertThat(after.sum("ferry_requests_total", "listener", "edge", "route", "none", "status_class", "4xx"))
                .isEqualTo(1);
    }

    @Test
    void latencyHistogramsInSeconds() {
        assertThat(after.type("ferry_request_duration_seconds")).isEqualTo("histogram");
        // Three for /small, one DELETE, one 404.
        assertThat(after.sum("ferry_request_duration_seconds_count", "listener", "edge", "route", "api")).isEqualTo(5);
        assertThat(after.find("ferry_request_duration_seconds_bucket", "listener", "edge", "route", "api"))
                .extracting(s -> s.labels().get("le")).contains("0.001", "0.1", "1.0", "60.0", "+Inf");
        assertThat(after.sum("ferry_request_duration_seconds_bucket", "route", "api", "le", "+Inf")).isEqualTo(5);
        assertThat(after.type("ferry_upstream_response_duration_seconds")).isEqualTo("histogram");
        String server = "127.0.0.1:" + origin.port();
        assertThat(after.sum("ferry_upstream_response_duration_seconds_count", "upstream", "origin", "server", server))
                .isGreaterThanOrEqualTo(4);
        assertThat(after.sum("ferry_upstream_responses_total", "upstream", "origin", "server", server,
                "status_class", "4xx")).isEqualTo(1);
    }

    @Test
    void connectionsInFlightQueueAndPool() {
        assertThat(after.find("ferry_connections_open", "listener", "edge")).hasSize(1);
        assertThat(after.sum("ferry_connections_accepted_total", "listener", "edge")).isEqualTo(2);
        assertThat(after.sum("ferry_connections_accepted_total", "listener", "proxy")).isEqualTo(1);
        assertThat(after.find("ferry_requests_in_flight")).hasSize(1);
        assertThat(after.find("ferry_upstream_queue_length", "upstream", "origin")).singleElement()
                .extracting(Prometheus.Sample::value).isEqualTo(0.0);
        // Keep-alive connections to the origin went back to the pool.
        assertThat(after.sum("ferry_upstream_pool_connections", "upstream", "origin", "state", "idle"))
                .isGreaterThanOrEqualTo(1);
        assertThat(after.find("ferry_upstream_pool_connections", "upstream", "origin", "state", "active")).hasSize(1);
        assertThat(after.find("ferry_upstream_server_requests_in_flight", "upstream", "origin")).hasSize(1);
    }

    @Test
    void retriesFailuresHealthAndEjections() {
        String deadServer = "127.0.0.1:" + dead;
        assertThat(after.sum("ferry_upstream_retries_total", "upstream", "mixed")).isEqualTo(1);
        assertThat(after.sum("ferry_upstream_failures_total", "upstream", "mixed", "server", deadServer,
                "reason", "connect_refused")).isEqualTo(1);
        assertThat(after.sum("ferry_upstream_failures_total", "upstream", "down", "reason", "connect_refused"))
                .isEqualTo(1);
        assertThat(after.sum("ferry_upstream_server_ejections_total", "upstream", "mixed", "server", deadServer))
                .isEqualTo(1);
        assertThat(after.sum("ferry_upstream_server_state", "upstream", "mixed", "server", deadServer,
                "state", "unhealthy")).isEqualTo(1);
        assertThat(after.sum("ferry_upstream_server_state", "upstream", "mixed", "server", deadServer,
                "state", "healthy")).isEqualTo(0);
        assertThat(after.sum("ferry_upstream_server_state", "upstream", "origin", "state", "healthy")).isEqualTo(1);
    }

    @Test
    void rateLimitedRequests() {
        assertThat(after.sum("ferry_rate_limited_requests_total", "limit", "tight", "reason", "over_limit"))
                .isEqualTo(1);
        assertThat(after.sum("ferry_rate_limited_requests_total", "limit", "tight", "reason", "unavailable"))
                .isEqualTo(0);
    }

    @Test
    void cacheCounters() {
        assertThat(after.sum("ferry_cache_hits_total", "cache", "pages")).isEqualTo(2);
        // /small once, /status/404 (no-store) once.
        assertThat(after.sum("ferry_cache_misses_total", "cache", "pages")).isEqualTo(2);
        assertThat(after.sum("ferry_cache_stores_total", "cache", "pages")).isEqualTo(1);
        assertThat(after.sum("ferry_cache_entries", "cache", "pages")).isEqualTo(1);
        assertThat(after.sum("ferry_cache_size_bytes", "cache", "pages")).isGreaterThan(1000);
        assertThat(after.find("ferry_cache_evictions_total", "cache", "pages")).hasSize(1);
        assertThat(after.find("ferry_cache_stale_total", "cache", "pages")).hasSize(1);
    }

    @Test
    void redisCallsErrorsAndCircuit() {
        assertThat(after.sum("ferry_redis_calls_total")).isGreaterThanOrEqualTo(1);
        assertThat(after.sum("ferry_redis_errors_total")).isGreaterThanOrEqualTo(1);
        assertThat(after.find("ferry_redis_circuit_state")).extracting(s -> s.labels().get("state"))
                .containsExactlyInAnyOrder("closed", "open", "half_open");
        assertThat(after.sum("ferry_redis_circuit_state")).isEqualTo(1);
        assertThat(after.find("ferry_redis_circuit_opened_total")).hasSize(1);
    }

    @Test
    void jvmAndNettyMemory() {
        assertThat(after.find("jvm_memory_used_bytes", "area", "heap")).isNotEmpty();
        assertThat(after.find("jvm_buffer_memory_used_bytes", "id", "direct")).isNotEmpty();
        assertThat(after.find("jvm_threads_live_threads")).isNotEmpty();
        assertThat(after.find("ferry_netty_direct_memory_used_bytes")).singleElement()
                .extracting(Prometheus.Sample::value).satisfies(v -> assertThat(v).isGreaterThanOrEqualTo(0));
        assertThat(after.find("ferry_netty_allocator_used_bytes", "allocator", "default", "memory", "direct"))
                .hasSize(1);
        assertThat(after.sum("ferry_ready")).isEqualTo(1);
    }

    @Test
    void noLabelCarriesWhatAClientSent() {
        for (Prometheus.Sample sample : after.samples()) {
            for (String value : sample.labels().values()) {
                assertThat(value).as("label of %s", sample.name())
                        .doesNotContain("secret-query", "/small", "/echo", "metrics.test");
            }
        }
    }

    @Test
    void countersMoveByExactlyTheTrafficSent() throws Exception {
        Prometheus before = scrape();
        try (LoadClient client = new LoadClient(ferry.port("edge"))) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.get("metrics.test", "/small?secret-query=1", "").status()).isEqualTo(200);
            }
        }
        Prometheus now = scrape();
        String[] hits = {"listener", "edge", "route", "api", "status_class", "2xx", "cache", "hit"};
        assertThat(now.sum("ferry_requests_total", hits) - before.sum("ferry_requests_total", hits)).isEqualTo(3);
        assertThat(now.sum("ferry_request_duration_seconds_count", "route", "api")
                - before.sum("ferry_request_duration_seconds_count", "route", "api")).isEqualTo(3);
        assertThat(now.sum("ferry_cache_hits_total", "cache", "pages")
                - before.sum("ferry_cache_hits_total", "cache", "pages")).isEqualTo(3);
        assertThat(now.sum("ferry_connections_accepted_total", "listener", "edge")
                - before.sum("ferry_connections_accepted_total", "listener", "edge")).isEqualTo(1);
    }

    @Test
    void openMetricsWhenAskedFor() {
        AdminClient.Answer answer = admin.get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("application/openmetrics-text");
        assertThat(answer.body()).contains("ferry_requests_total{").endsWith("# EOF\n");
    }
}
