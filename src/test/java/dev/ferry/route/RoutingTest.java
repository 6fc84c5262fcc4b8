package dev.ferry.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.demo.RecordedRequest;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import io.netty.handler.codec.DateFormatter;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Route matching (host, wildcard host, path prefix, method, header; first match wins) and forwarding headers. */
class RoutingTest {

    private static DemoOrigin api;
    private static DemoOrigin web;
    private static DemoOrigin admin;
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        api = DemoOrigin.start(DemoOrigin.Options.defaults().withName("api"));
        web = DemoOrigin.start(DemoOrigin.Options.defaults().withName("web"));
        admin = DemoOrigin.start(DemoOrigin.Options.defaults().withName("admin"));
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: admin-by-header
                        match: { path_prefix: /, headers: { X-Role: admin } }
                        upstream: admin
                      - name: api-writes
                        match: { host: api.example.com, path_prefix: /v1, methods: [POST, PUT] }
                        upstream: admin
                      - name: api
                        match: { host: api.example.com, path_prefix: /v1 }
                        upstream: api
                      - name: tenants
                        match: { host: "*.tenants.example.com" }
                        upstream: web
                      - name: web
                        match: { host: www.example.com }
                        upstream: web
                  - name: trusting
                    bind: 127.0.0.1:0
                    trusted_proxies: [127.0.0.0/8]
                    routes:
                      - name: all
                        upstream: rewritten
                upstreams:
                  api: { servers: [ "127.0.0.1:%d" ] }
                  web: { servers: [ "127.0.0.1:%d" ] }
                  admin: { servers: [ "127.0.0.1:%d" ] }
                  rewritten: { servers: [ "127.0.0.1:%d" ], host: internal.api }
                """.formatted(api.port(), web.port(), admin.port(), api.port()));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        api.close();
        web.close();
        admin.close();
    }

    private static RawHttp.Response get(String listener, String request) throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port(listener))) {
            return raw.send(request).read();
        }
    }

    private static String originOf(String request) throws Exception {
        RawHttp.Response response = get("edge", request);
        assertThat(response.header("x-origin")).as(request).isNotNull();
        return response.header("x-origin");
    }

    @Test
    void routesByHostPathMethodAndHeaderFirstMatchWins() throws Exception {
        assertThat(originOf("GET /v1/users HTTP/1.1\r\nHost: api.example.com\r\n\r\n")).isEqualTo("api");
        assertThat(originOf("GET /v1/users HTTP/1.1\r\nHost: API.Example.com:8080\r\n\r\n")).isEqualTo("api");
        assertThat(originOf("POST /v1/users HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: 0\r\n\r\n"))
                .isEqualTo("admin");
        assertThat(originOf("GET /v1/x HTTP/1.1\r\nHost: api.example.com\r\nX-Role: admin\r\n\r\n")).isEqualTo("admin");
        assertThat(originOf("GET /small HTTP/1.1\r\nHost: a.tenants.example.com\r\n\r\n")).isEqualTo("web");
        assertThat(originOf("GET /small HTTP/1.1\r\nHost: x.y.tenants.example.com\r\n\r\n")).isEqualTo("web");
        assertThat(originOf("GET /small HTTP/1.1\r\nHost: www.example.com\r\n\r\n")).isEqualTo("web");
    }

    @Test
    void noMatchingRouteIs404WithAShortBody() throws Exception {
        for (String request : List.of(
                "GET /v2/users HTTP/1.1\r\nHost: api.example.com\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: tenants.example.com\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: unknown.example.com\r\n\r\n")) {
            RawHttp.Response response = get("edge", request);
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.header("x-origin")).isNull();
            assertThat(response.bodyText()).startsWith("no route for ");
            // Ferry's own responses are dated, like those it relays (RFC 9110 §6.6.1).
            assertThat(DateFormatter.parseHttpDate(response.header("date"))).isNotNull();
        }
    }

    @Test
    void absoluteFormIsRoutedForOurHostsAndRefusedForOthers() throws Exception {
        api.reset();
        RawHttp.Response ours = get("edge", "GET http://api.example.com/v1/x?q=1 HTTP/1.1\r\nHost: api.example.com\r\n\r\n");
        assertThat(ours.header("x-origin")).isEqualTo("api");
        assertThat(api.requests().get(0).uri()).isEqualTo("/v1/x?q=1");
        RawHttp.Response other = get("edge",
                "GET http://127.0.0.1:" + api.port() + "/small HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(other.status()).isEqualTo(400);
        RawHttp.Response connect = get("edge", "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n");
        assertThat(connect.status()).isEqualTo(400);
    }

    @Test
    void forwardedHeadersFromAnUntrustedClientAreReplaced() throws Exception {
        api.reset();
        get("edge", "GET /v1/h HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-For: 6.6.6.6\r\n"
                + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: evil\r\nForwarded: for=6.6.6.6\r\n\r\n");
        RecordedRequest seen = api.requests().get(0);
        assertThat(seen.header("x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(seen.header("x-forwarded-proto")).isEqualTo("http");
        assertThat(seen.header("x-forwarded-host")).isEqualTo("api.example.com");
        assertThat(seen.header("forwarded")).isEqualTo("for=127.0.0.1;host=api.example.com;proto=http");
        assertThat(seen.header("via")).isEqualTo("1.1 ferry");
        // Host is preserved by default.
        assertThat(seen.header("host")).isEqualTo("api.example.com");
    }

    @Test
    void forwardedHeadersFromATrustedProxyAreAppendedAndHostRewritten() throws Exception {
        api.reset();
        get("trusting", "GET /x HTTP/1.1\r\nHost: shop.example.com:8443\r\nX-Forwarded-For: 203.0.113.9\r\n"
                + "X-Forwarded-Proto: https\r\nForwarded: for=203.0.113.9;proto=https\r\n\r\n");
        RecordedRequest seen = api.requests().get(0);
        assertThat(seen.header("x-forwarded-for")).isEqualTo("203.0.113.9, 127.0.0.1");
        assertThat(seen.header("x-forwarded-proto")).isEqualTo("https");
        assertThat(seen.header("x-forwarded-host")).isEqualTo("shop.example.com:8443");
        assertThat(seen.header("forwarded"))
                .isEqualTo("for=203.0.113.9;proto=https, for=127.0.0.1;host=\"shop.example.com:8443\";proto=http");
        assertThat(seen.header("host")).isEqualTo("internal.api");
    }
}
