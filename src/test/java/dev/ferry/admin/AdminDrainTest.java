package dev.ferry.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.health.HealthState;
import dev.ferry.testing.LoadClient;
import dev.ferry.testing.TestFerry;
import dev.ferry.upstream.Server;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /api/upstreams/{name}/servers/{address}/drain}: the server is draining and gets no new requests. */
class AdminDrainTest {

    private static DemoOrigin a;
    private static DemoOrigin b;
    private static TestFerry ferry;
    private static AdminClient admin;

    @BeforeAll
    static void start() throws Exception {
        a = DemoOrigin.start(DemoOrigin.Options.defaults().withName("a"));
        b = DemoOrigin.start(DemoOrigin.Options.defaults().withName("b"));
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes: [ { name: all, upstream: pair } ]
                upstreams:
                  pair: { servers: [ "127.0.0.1:%d", "localhost:%d" ] }
                admin: { bind: 127.0.0.1:0 }
                """.formatted(a.port(), b.port()));
        admin = new AdminClient(ferry.server().adminAddress().orElseThrow(), null);
    }

    @AfterAll
    static void stop() {
        ferry.close();
        a.close();
        b.close();
    }

    private static Set<String> originsOf(int requests) throws Exception {
        Set<String> origins = new HashSet<>();
        try (LoadClient client = new LoadClient(ferry.port("edge"))) {
            for (int i = 0; i < requests; i++) {
                LoadClient.Reply reply = client.get("drain.test", "/echo", "");
                assertThat(reply.status()).isEqualTo(200);
                origins.add(reply.origin());
            }
        }
        return origins;
    }

    @SuppressWarnings("unchecked")
    private static String stateInApi(String address) {
        Map<String, Object> upstream = ((List<Map<String, Object>>) admin.get("/api/upstreams").json()
                .get("upstreams")).get(0);
        return ((List<Map<String, Object>>) upstream.get("servers")).stream()
                .filter(s -> s.get("address").equals(address)).map(s -> (String) s.get("state"))
                .findFirst().orElseThrow();
    }

    @Test
    void aDrainedServerTakesNoNewRequestsUntilUndrained() throws Exception {
        assertThat(originsOf(4)).containsExactlyInAnyOrder("a", "b");
        String addressA = "127.0.0.1:" + a.port();

        AdminClient.Answer drained = admin.post("/api/upstreams/pair/servers/" + addressA + "/drain", null);

        assertThat(drained.status()).isEqualTo(200);
        assertThat(drained.json()).containsEntry("upstream", "pair").containsEntry("server", addressA)
                .containsEntry("state", "draining");
        Server server = ferry.server().upstreams().get("pair").servers().get(0);
        assertThat(server.health().state()).isEqualTo(HealthState.DRAINING);
        assertThat(stateInApi(addressA)).isEqualTo("draining");
        assertThat(originsOf(6)).containsExactly("b");

        AdminClient.Answer back = admin.post("/api/upstreams/pair/servers/" + addressA + "/undrain", null);

        assertThat(back.status()).isEqualTo(200);
        assertThat(back.json()).containsEntry("state", "healthy");
        assertThat(originsOf(4)).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aServerCanBeNamedAsWrittenInTheConfig() {
        AdminClient.Answer drained = admin.post("/api/upstreams/pair/servers/localhost:" + b.port() + "/drain", null);
        try {
            assertThat(drained.status()).isEqualTo(200);
            assertThat(drained.json()).containsEntry("server", "127.0.0.1:" + b.port());
            assertThat(ferry.server().upstreams().get("pair").servers().get(1).health().state())
                    .isEqualTo(HealthState.DRAINING);
        } finally {
            assertThat(admin.post("/api/upstreams/pair/servers/localhost:" + b.port() + "/undrain", null).status())
                    .isEqualTo(200);
        }
    }
}
