package dev.ferry.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.TestFerry;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code admin.token}: {@code /metrics} and {@code /api/*} need {@code Authorization: Bearer
 * <token>} (401 otherwise); health, readiness and the dashboard's files stay open.
 */
class AdminAuthTest {

    private static final String TOKEN = "s3cret-t0ken";

    private static DemoOrigin origin;
    private static TestFerry ferry;
    private static InetSocketAddress address;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes: [ { name: all, upstream: origin } ]
                upstreams:
                  origin: { servers: [ "127.0.0.1:%d" ] }
                admin: { bind: 127.0.0.1:0, token: "%s" }
                """.formatted(origin.port(), TOKEN));
        address = ferry.server().adminAddress().orElseThrow();
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
    }

    @Test
    void withoutTheTokenProtectedEndpointsAre401() {
        AdminClient anonymous = new AdminClient(address, null);
        for (String path : new String[] {"/metrics", "/api/stats", "/api/upstreams", "/api/cache", "/api/config",
                "/api/nope"}) {
            AdminClient.Answer answer = anonymous.get(path);
            assertThat(answer.status()).as(path).isEqualTo(401);
            assertThat(answer.header("WWW-Authenticate")).as(path).isEqualTo("Bearer realm=\"ferry-admin\"");
            assertThat(answer.json()).as(path)
                    .containsEntry("error", "this endpoint needs Authorization: Bearer <admin.token>");
        }
        assertThat(anonymous.post("/api/reload", null).status()).isEqualTo(401);
        assertThat(anonymous.post("/api/cache/purge", "{\"tag\": \"x\"}").status()).isEqualTo(401);
        assertThat(anonymous.post("/api/upstreams/origin/servers/127.0.0.1:" + origin.port() + "/drain", null)
                .status()).isEqualTo(401);
        assertThat(ferry.server().upstreams().get("origin").servers().get(0).health().state().name())
                .isEqualTo("HEALTHY");
    }

    @Test
    void aWrongTokenIs401() {
        for (String token : new String[] {"wrong", TOKEN + "x", TOKEN.substring(1), ""}) {
            AdminClient.Answer answer = new AdminClient(address, null).get("/metrics",
                    "Authorization", "Bearer " + token);
            assertThat(answer.status()).as(token).isEqualTo(401);
        }
        assertThat(new AdminClient(address, null).get("/metrics", "Authorization", "Basic " + TOKEN).status())
                .isEqualTo(401);
        assertThat(new AdminClient(address, null).get("/metrics", "Authorization", TOKEN).status()).isEqualTo(401);
    }

    @Test
    void theRightTokenIsAccepted() {
        assertThat(new AdminClient(address, TOKEN).get("/metrics").status()).isEqualTo(200);
        assertThat(new AdminClient(address, TOKEN).get("/api/stats").status()).isEqualTo(200);
        // RFC 7235 §2.1: the scheme is case-insensitive.
        assertThat(new AdminClient(address, null).get("/api/stats", "Authorization", "bearer " + TOKEN).status())
                .isEqualTo(200);
    }

    @Test
    void healthReadinessAndTheDashboardPageNeedNoToken() {
        AdminClient anonymous = new AdminClient(address, null);
        assertThat(anonymous.get("/healthz").status()).isEqualTo(200);
        assertThat(anonymous.get("/readyz").status()).isEqualTo(200);
        assertThat(anonymous.get("/").status()).isEqualTo(200);
        assertThat(anonymous.get("/assets/dashboard.js").status()).isEqualTo(200);
    }

    @Test
    void theTokenNeverAppearsInTheConfig() {
        AdminClient.Answer config = new AdminClient(address, TOKEN).get("/api/config");
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.body()).doesNotContain(TOKEN).contains("\"token\":\"***\"");
    }
}
