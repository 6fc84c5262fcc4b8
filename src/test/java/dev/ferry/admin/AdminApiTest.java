package dev.ferry.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.JsonText;
import dev.ferry.testing.LoadClient;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every admin endpoint over a real socket: what it answers, and the JSON error of each wrong request. */
class AdminApiTest {

    private static DemoOrigin origin;
    private static TestFerry ferry;
    private static AdminClient admin;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes: [ { name: all, upstream: origin, cache: pages } ]
                  - name: proxy
                    bind: 127.0.0.1:0
                    forward_proxy: { users: { alice: "alice-password" } }
                upstreams:
                  origin:
                    servers: [ "localhost:%d" ]
                    timeouts: { connect: 2s }
                caches:
                  pages: { max_size: 4MiB, max_object_size: 1MiB }
                redis: { uri: "redis://:redis-password@127.0.0.1:1", timeout: 50ms }
                admin: { bind: 127.0.0.1:0 }
                """.formatted(origin.port()));
        admin = new AdminClient(ferry.server().adminAddress().orElseThrow(), null);
        try (LoadClient client = new LoadClient(ferry.port("edge"))) {
            assertThat(client.get("api.test", "/small", "").status()).isEqualTo(200);
            assertThat(client.get("api.test", "/small", "").status()).isEqualTo(200);
            assertThat(client.get("api.test", "/echo?cache=no-store", "").status()).isEqualTo(200);
        }
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
    }

    @Test
    void healthzAndReadyz() {
        AdminClient.Answer health = admin.get("/healthz");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat(health.json()).containsEntry("status", "ok");
        AdminClient.Answer ready = admin.get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json()).containsEntry("ready", true);
    }

    @Test
    @SuppressWarnings("unchecked")
    void statsHaveTotalsRatesLatencyAndHistory() {
        // The history needs two samples, a second apart.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                !((List<?>) ((Map<String, Object>) admin.get("/api/stats").json().get("history")).get("time")).isEmpty());
        Map<String, Object> stats = admin.get("/api/stats").json();
        assertThat(stats).containsKeys("time", "uptime_seconds", "ready", "connections", "in_flight", "requests",
                "rates", "latency_ms", "cache", "history");
        Map<String, Object> requests = (Map<String, Object>) stats.get("requests");
        assertThat((Long) requests.get("total")).isGreaterThanOrEqualTo(3);
        assertThat((Map<String, Object>) requests.get("by_class")).containsKeys("1xx", "2xx", "3xx", "4xx", "5xx");
        assertThat((Map<String, Object>) stats.get("rates")).containsKeys("requests_per_second", "by_class");
        assertThat((Map<String, Object>) stats.get("latency_ms")).containsKeys("p50", "p99");
        Map<String, Object> cache = (Map<String, Object>) stats.get("cache");
        assertThat(cache.get("hits")).isEqualTo(1L);
        assertThat(cache.get("lookups")).isEqualTo(3L);
        Map<String, Object> history = (Map<String, Object>) stats.get("history");
        int points = ((List<?>) history.get("time")).size();
        for (String column : List.of("rps_2xx", "rps_5xx", "p50_ms", "p99_ms", "hit_ratio", "connections", "in_flight")) {
            assertThat((List<?>) history.get(column)).as(column).hasSize(points);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void upstreamsListServersWithStateLoadEjectionsAndLatency() {
        await().atMost(Duration.ofSeconds(10)).until(() -> latencyOf(admin.get("/api/upstreams").json())
                .get("responses") instanceof Long n && n > 0);
        Map<String, Object> upstream = ((List<Map<String, Object>>) admin.get("/api/upstreams").json()
                .get("upstreams")).get(0);
        assertThat(upstream).containsEntry("name", "origin").containsEntry("balance", "round_robin")
                .containsEntry("queued", 0L);
        Map<String, Object> server = ((List<Map<String, Object>>) upstream.get("servers")).get(0);
        assertThat(server).containsEntry("address", "127.0.0.1:" + origin.port())
                .containsEntry("configured", "localhost:" + origin.port())
                .containsEntry("state", "healthy")
                .containsEntry("ejections", 0L)
                .containsEntry("requests_in_flight", 0L)
                .containsEntry("weight", 1L)
                .containsKeys("since", "last_error", "traffic_share");
        Map<String, Object> latency = (Map<String, Object>) server.get("latency_ms");
        assertThat(latency).containsKeys("mean", "p50", "p99", "window_seconds");
        assertThat((Double) latency.get("p99")).isPositive();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> latencyOf(Map<String, Object> upstreams) {
        Map<String, Object> upstream = ((List<Map<String, Object>>) upstreams.get("upstreams")).get(0);
        return (Map<String, Object>) ((List<Map<String, Object>>) upstream.get("servers")).get(0).get("latency_ms");
    }

    @Test
    @SuppressWarnings("unchecked")
    void cacheShowsEntriesBytesAndHitRatio() {
        Map<String, Object> cache = ((List<Map<String, Object>>) admin.get("/api/cache").json().get("caches")).get(0);
        assertThat(cache).containsEntry("name", "pages").containsEntry("shared", false)
                .containsEntry("entries", 1L).containsEntry("hits", 1L).containsEntry("misses", 2L)
                .containsEntry("max_size", 4L * 1024 * 1024);
        assertThat((Long) cache.get("bytes")).isGreaterThan(1000);
        assertThat((Double) cache.get("hit_ratio")).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    @SuppressWarnings("unchecked")
    void configIsTheRunningConfigWithSecretsRedacted() {
        AdminClient.Answer answer = admin.get("/api/config");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain("alice-password", "redis-password");
        Map<String, Object> config = answer.json();
        Map<String, Object> redis = (Map<String, Object>) ((Map<String, Object>) config.get("redis"));
        assertThat(redis.get("uri")).isEqualTo("redis://:***@127.0.0.1:1");
        assertThat(redis.get("timeout")).isEqualTo("50ms");
        Map<String, Object> proxy = ((List<Map<String, Object>>) config.get("listeners")).get(1);
        Map<String, Object> forward = (Map<String, Object>) proxy.get("forward_proxy");
        assertThat((Map<String, Object>) forward.get("users")).containsExactly(Map.entry("alice", "***"));
        Map<String, Object> edge = ((List<Map<String, Object>>) config.get("listeners")).get(0);
        assertThat(edge).containsEntry("name", "edge").containsEntry("bind", "127.0.0.1:0")
                .containsEntry("protocol", "http");
        Map<String, Object> upstream = (Map<String, Object>) ((Map<String, Object>) config.get("upstreams"))
                .get("origin");
        assertThat(((Map<String, Object>) upstream.get("timeouts")).get("connect")).isEqualTo("2s");
        assertThat(((Map<String, Object>) config.get("admin"))).containsEntry("bind", "127.0.0.1:0")
                .containsEntry("token", null);
    }

    @Test
    void unknownPathIs404WithAJsonError() {
        AdminClient.Answer answer = admin.get("/api/nope");
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat((String) answer.json().get("error")).startsWith("no such endpoint: /api/nope");
        assertThat(answer.json()).containsEntry("status", 404L);
        assertThat(admin.get("/assets/nope.js").status()).isEqualTo(404);
        assertThat(admin.get("/api/upstreams/origin/servers/x/explode").status()).isEqualTo(404);
    }

    @Test
    void wrongMethodIs405WithAllow() {
        AdminClient.Answer post = admin.post("/api/stats", "{}");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
        assertThat((String) post.json().get("error")).isEqualTo("POST is not allowed on /api/stats; use GET, HEAD");
        AdminClient.Answer get = admin.get("/api/cache/purge");
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.header("Allow")).isEqualTo("POST");
        assertThat(admin.send("DELETE", "/metrics").status()).isEqualTo(405);
        assertThat(admin.get("/api/reload").status()).isEqualTo(405);
        assertThat(admin.get("/api/upstreams/origin/servers/127.0.0.1:1/drain").status()).isEqualTo(405);
    }

    @Test
    void purgeRequestsThatAreWrongSayWhy() {
        assertError(admin.post("/api/cache/purge", "{\"url\": ", "Content-Type", "application/json"), 400,
                "malformed JSON");
        assertError(admin.post("/api/cache/purge", ""), 400, "expected a JSON object");
        assertError(admin.post("/api/cache/purge", "[1]"), 400, "expected a JSON object, got an array");
        assertError(admin.post("/api/cache/purge", "{\"url\": 1}"), 400, "field 'url' must be a string, got a number");
        assertError(admin.post("/api/cache/purge", "{\"uri\": \"http://a/\"}"), 400,
                "unknown field 'uri' (expected: cache, url, prefix, tag, mode)");
        assertError(admin.post("/api/cache/purge", "{}"), 400, "give exactly one of url, prefix or tag");
        assertError(admin.post("/api/cache/purge", "{\"url\": \"http://a/\", \"tag\": \"t\"}"), 400,
                "give exactly one of url, prefix or tag, got [url, tag]");
        assertError(admin.post("/api/cache/purge", "{\"url\": \"/small\"}"), 400, "url must be an absolute URL");
        assertError(admin.post("/api/cache/purge", "{\"tag\": \"t\", \"mode\": \"gentle\"}"), 400,
                "mode must be soft or hard, got 'gentle'");
        assertError(admin.post("/api/cache/purge", "{\"tag\": \"t\", \"cache\": \"nope\"}"), 404,
                "no cache named 'nope' (pages)");
        assertError(admin.post("/api/cache/purge", "tag=t", "Content-Type", "multipart/form-data; boundary=x"), 415,
                "the body must be application/json");
        // curl -d sends its default type; the body still has to be JSON.
        assertError(admin.post("/api/cache/purge", "tag=t", "Content-Type", "application/x-www-form-urlencoded"), 400,
                "malformed JSON");
        assertThat(admin.post("/api/cache/purge", "{\"tag\": \"t\"}", "Content-Type",
                "application/x-www-form-urlencoded").status()).isEqualTo(200);
    }

    @Test
    void reloadAnswersWithTheResult() {
        AdminClient.Answer answer = admin.post("/api/reload", null);
        // This Ferry was started from YAML text, not a file: there is nothing to read again.
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.json()).containsEntry("applied", false);
        assertThat(answer.json().get("errors").toString()).contains("test.yaml: no such file");
    }

    @Test
    void drainOfUnknownUpstreamOrServerIs404() {
        assertError(admin.post("/api/upstreams/nope/servers/127.0.0.1:1/drain", null), 404,
                "no upstream named 'nope' (origin)");
        assertError(admin.post("/api/upstreams/origin/servers/127.0.0.1:1/drain", null), 404,
                "upstream 'origin' has no server '127.0.0.1:1' (127.0.0.1:" + origin.port() + ")");
    }

    @Test
    void browserRequestsFromOtherSitesAreRefused() {
        assertError(admin.post("/api/reload", null, "Origin", "http://evil.example"), 403,
                "cross-origin requests are refused");
        assertError(admin.post("/api/reload", null, "Sec-Fetch-Site", "cross-site"), 403,
                "cross-origin requests are refused");
    }

    @Test
    void withoutATokenOnlyAddressesAndLocalhostAreAnswered() throws Exception {
        int port = ferry.server().adminAddress().orElseThrow().getPort();
        try (RawHttp raw = new RawHttp(port)) {
            // A page on rebind.example whose name now resolves to 127.0.0.1 must not read the API.
            RawHttp.Response answer = raw.send("GET /api/config HTTP/1.1\r\nHost: rebind.example:9901\r\n\r\n").read();
            assertThat(answer.status()).isEqualTo(403);
            assertThat((String) JsonText.object(answer.bodyText()).get("error")).contains("set admin.token");
            assertThat(raw.send("GET /healthz HTTP/1.1\r\nHost: localhost:9901\r\n\r\n").read().status())
                    .isEqualTo(200);
            assertThat(raw.send("GET /healthz HTTP/1.1\r\nHost: [::1]:9901\r\n\r\n").read().status())
                    .isEqualTo(200);
        }
    }

    @Test
    void dashboardAndItsAssetsAreServedFromTheJar() {
        AdminClient.Answer page = admin.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'none'", "script-src 'self'");
        assertThat(page.body()).contains("<script src=\"/assets/uPlot.iife.min.js\">", "/assets/dashboard.js")
                .doesNotContain("https://", "http://");
        AdminClient.Answer uplot = admin.get("/assets/uPlot.iife.min.js");
        assertThat(uplot.status()).isEqualTo(200);
        assertThat(uplot.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(uplot.body()).startsWith("/*! https://github.com/leeoniya/uPlot");
        assertThat(admin.get("/assets/uPlot-LICENSE.txt").body()).contains("The MIT License");
        assertThat(admin.get("/assets/dashboard.css").header("Content-Type")).isEqualTo("text/css; charset=utf-8");
    }

    private static void assertError(AdminClient.Answer answer, int status, String message) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat((String) answer.json().get("error")).startsWith(message);
        assertThat(answer.json()).containsEntry("status", (long) status);
    }
}
