package dev.ferry.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.LoadClient;
import dev.ferry.testing.TestFerry;
import dev.ferry.upstream.Server;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Passive health checks (outlier detection) on live traffic, no active checks: failed requests in
 * a row eject a server for {@code ejection}, longer each time it happens again; never more than
 * {@code max_ejected} of an upstream is out at once; connect errors count as well as 5xx answers.
 * The failing server is up and answers 503, which Ferry retries on a healthy one, so clients see
 * only 200s; when the failing server received each request tells when it was in rotation.
 */
class OutlierDetectionTest {

    private final List<AutoCloseable> servers = new ArrayList<>();
    private TestFerry ferry;

    @AfterEach
    void stop() throws Exception {
        if (ferry != null) {
            ferry.close();
        }
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    private FailingOrigin failing() {
        FailingOrigin origin = FailingOrigin.start();
        servers.add(origin);
        return origin;
    }

    private DemoOrigin healthy(String name) throws InterruptedException {
        DemoOrigin origin = DemoOrigin.start(DemoOrigin.Options.defaults().withName(name));
        servers.add(origin);
        return origin;
    }

    private TestFerry ferry(String upstream, int... ports) {
        StringBuilder list = new StringBuilder();
        for (int port : ports) {
            list.append(list.length() == 0 ? "" : ", ").append("\"127.0.0.1:").append(port).append('"');
        }
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes: [ { name: all, upstream: app } ]
                upstreams:
                  app:
                    servers: [ %s ]
                    %s
                """.formatted(list, upstream.strip().replace("\n", "\n    ")));
        return ferry;
    }

    private Server server(int index) {
        return ferry.server().upstreams().get("app").servers().get(index);
    }

    private List<LoadClient.Reply> requests(int count) throws IOException {
        List<LoadClient.Reply> replies = new ArrayList<>();
        try (LoadClient client = new LoadClient(ferry.port("edge"))) {
            for (int i = 0; i < count; i++) {
                replies.add(client.get("app.test", "/small", ""));
            }
        }
        return replies;
    }

    @Test
    void consecutiveFailuresEjectAServerForTheEjectionTimeLongerEachTime() throws Exception {
        FailingOrigin bad = failing();
        DemoOrigin good = healthy("good");
        ferry("""
                outlier: { consecutive_failures: 3, ejection: 1s, max_ejected: 50% }
                """, bad.port(), good.port());

        // 100 requests/s for 4.5 s: ejected at once for 1 s, back for three requests, out for 2 s,
        // back for three, out for 3 s (past the end).
        try (PacedLoad load = PacedLoad.start(ferry.port("edge"), "app.test", "/small", 100, 450, 4)) {
            load.awaitDone(Duration.ofSeconds(15));
            assertThat(load.failures()).as("the 503s were retried on the good server").isEmpty();
        }

        List<List<Long>> bursts = bursts(bad.arrivals(), Duration.ofMillis(500));
        assertThat(bursts).as("bursts of requests the failing server got").hasSize(3);
        // Each burst is the failures that ejected it. More may have been on their way by then: a
        // few at the very start, while the JVM warms up and the first requests overtake the first
        // failures; at most one later.
        assertThat(bursts.get(0)).hasSizeGreaterThanOrEqualTo(3);
        assertThat(bursts.subList(1, 3)).allSatisfy(burst -> assertThat(burst.size()).isBetween(3, 4));
        assertOut(bursts.get(0), bursts.get(1), Duration.ofSeconds(1));
        assertOut(bursts.get(1), bursts.get(2), Duration.ofSeconds(2));

        ServerStatus status = server(0).health().status();
        assertThat(status.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(status.ejections()).isEqualTo(3);
        assertThat(status.lastError()).isEqualTo("status 503");
        assertThat(server(1).health().state()).isEqualTo(HealthState.HEALTHY);
    }

    /** The server was out from the third request of {@code before} for {@code ejection}, and not much longer. */
    private static void assertOut(List<Long> before, List<Long> after, Duration ejection) {
        long ejectedSince = before.get(2);
        long back = after.get(0);
        assertThat(Duration.ofNanos(back - ejectedSince)).as("out for").isGreaterThanOrEqualTo(ejection);
        assertThat(Duration.ofNanos(back - before.get(before.size() - 1))).as("out for")
                .isLessThan(ejection.plusMillis(400));
    }

    /** Splits arrival times into bursts separated by at least {@code gap}. */
    private static List<List<Long>> bursts(List<Long> arrivals, Duration gap) {
        List<List<Long>> bursts = new ArrayList<>();
        long previous = Long.MIN_VALUE;
        for (long arrival : arrivals) {
            if (bursts.isEmpty() || arrival - previous >= gap.toNanos()) {
                bursts.add(new ArrayList<>());
            }
            bursts.get(bursts.size() - 1).add(arrival);
            previous = arrival;
        }
        return bursts;
    }

    @Test
    void atMostMaxEjectedOfTheUpstreamIsEjectedAtOnce() throws Exception {
        FailingOrigin bad1 = failing();
        FailingOrigin bad2 = failing();
        DemoOrigin good1 = healthy("good1");
        DemoOrigin good2 = healthy("good2");
        // 25% of four servers: one at a time.
        ferry("""
                outlier: { consecutive_failures: 3, ejection: 30s, max_ejected: 25% }
                retries: { attempts: 3 }
                """, bad1.port(), bad2.port(), good1.port(), good2.port());

        List<LoadClient.Reply> replies = requests(120);
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));

        List<ServerStatus> bad = List.of(server(0).health().status(), server(1).health().status());
        assertThat(bad).filteredOn(s -> s.state() == HealthState.UNHEALTHY).hasSize(1)
                .allSatisfy(s -> assertThat(s.ejections()).isEqualTo(1));
        ServerStatus kept = bad.stream().filter(s -> s.state() == HealthState.HEALTHY).findFirst().orElseThrow();
        assertThat(kept.ejections()).isZero();
        assertThat(kept.lastError()).isEqualTo("status 503");
        // The ejected one got just the requests that ejected it; the other kept failing in rotation.
        FailingOrigin ejected = bad.get(0).state() == HealthState.UNHEALTHY ? bad1 : bad2;
        FailingOrigin notEjected = ejected == bad1 ? bad2 : bad1;
        assertThat(ejected.arrivals()).hasSize(3);
        assertThat(notEjected.arrivals()).hasSizeGreaterThan(20);
    }

    @Test
    void connectFailuresEjectToo() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        DemoOrigin good = healthy("good");
        ferry("""
                outlier: { consecutive_failures: 2, ejection: 30s, max_ejected: 50% }
                """, closedPort, good.port());

        assertThat(requests(20)).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        ServerStatus dead = server(0).health().status();
        assertThat(dead.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(dead.ejections()).isEqualTo(1);
        assertThat(dead.lastError()).contains("refused");
        assertThat(good.requestsReceived()).isEqualTo(20);
    }
}
