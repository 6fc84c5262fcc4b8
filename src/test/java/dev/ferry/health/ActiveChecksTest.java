package dev.ferry.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.demo.RecordedRequest;
import dev.ferry.testing.LoadClient;
import dev.ferry.testing.TestFerry;
import dev.ferry.upstream.Server;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Active health checks against three demo origins whose {@code /healthz} status the tests set: a
 * failing server gets no traffic until it passes again; when every server fails, Ferry fails open
 * and serves what it can, unless {@code fail_open: false}, which refuses with 503; and what a check
 * sends and accepts follows its config.
 */
class ActiveChecksTest {

    private static final String CHECK = "{ type: http, interval: 200ms, timeout: 200ms, rise: 2, fall: 2 }";

    private final List<DemoOrigin> origins = new ArrayList<>();
    private TestFerry ferry;

    @BeforeEach
    void startOrigins() throws Exception {
        for (int i = 1; i <= 3; i++) {
            origins.add(DemoOrigin.start(DemoOrigin.Options.defaults().withName("o" + i)));
        }
    }

    @AfterEach
    void stop() {
        if (ferry != null) {
            ferry.close();
        }
        origins.forEach(DemoOrigin::close);
    }

    private TestFerry ferry(String check, String extra) {
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes: [ { name: all, upstream: app } ]
                upstreams:
                  app:
                    servers: [ "127.0.0.1:%d", "127.0.0.1:%d", "127.0.0.1:%d" ]
                    health_check: %s
                %s
                """.formatted(origins.get(0).port(), origins.get(1).port(), origins.get(2).port(), check,
                extra.isEmpty() ? "" : "    " + extra));
        return ferry;
    }

    private Server server(int index) {
        return ferry.server().upstreams().get("app").servers().get(index);
    }

    private void awaitState(int index, HealthState state) {
        await().atMost(Duration.ofSeconds(5)).until(() -> server(index).health().state() == state);
    }

    /** Statuses and who answered {@code count} sequential GETs of /small on one connection. */
    private List<LoadClient.Reply> requests(int count) throws IOException {
        List<LoadClient.Reply> replies = new ArrayList<>();
        try (LoadClient client = new LoadClient(ferry.port("edge"))) {
            for (int i = 0; i < count; i++) {
                LoadClient.Reply reply = client.get("app.test", "/small", "");
                replies.add(reply);
                if (reply.closes()) {
                    client.reconnect();
                }
            }
        }
        return replies;
    }

    private static Map<String, Long> answeredBy(List<LoadClient.Reply> replies) {
        return replies.stream().collect(Collectors.groupingBy(r -> String.valueOf(r.origin()), Collectors.counting()));
    }

    /** Requests the origin received other than health checks. */
    private static long traffic(DemoOrigin origin) {
        return origin.requests().stream().map(RecordedRequest::uri).filter(uri -> !uri.equals("/healthz")).count();
    }

    @Test
    void aServerWhoseHealthzAnswers500GetsNoTrafficUntilItPassesAgain() throws Exception {
        DemoOrigin o2 = origins.get(1);
        o2.setHealthStatus(500);
        ferry(CHECK, "");
        awaitState(1, HealthState.UNHEALTHY);
        assertThat(server(1).health().status().lastError()).isEqualTo("status 500");
        assertThat(server(0).health().state()).isEqualTo(HealthState.HEALTHY);
        assertThat(server(2).health().state()).isEqualTo(HealthState.HEALTHY);

        List<LoadClient.Reply> replies = requests(300);
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        Map<String, Long> shares = answeredBy(replies);
        assertThat(shares).as("shares %s", shares).containsOnlyKeys("o1", "o3");
        assertThat(shares.values()).as("shares %s", shares).allSatisfy(n -> assertThat(n).isGreaterThan(100L));
        assertThat(traffic(o2)).isZero();

        o2.setHealthStatus(200);
        awaitState(1, HealthState.HEALTHY);
        Map<String, Long> after = answeredBy(requests(300));
        assertThat(after).as("shares %s", after).containsOnlyKeys("o1", "o2", "o3");
        assertThat(after.get("o2")).as("shares %s", after).isBetween(90L, 110L);
    }

    @Test
    void withEveryServerFailingItsChecksFailOpenStillServesWhatItCan() throws Exception {
        origins.get(0).stop();
        origins.get(1).setHealthStatus(500);
        origins.get(2).setHealthStatus(503);
        ferry(CHECK, "");
        for (int i = 0; i < 3; i++) {
            awaitState(i, HealthState.UNHEALTHY);
        }

        // The dead one is tried too; its requests are retried on the others, which do answer.
        List<LoadClient.Reply> replies = requests(200);
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        Map<String, Long> shares = answeredBy(replies);
        assertThat(shares).as("shares %s", shares).containsOnlyKeys("o2", "o3");
        assertThat(server(0).health().status().lastError()).contains("refused");
    }

    @Test
    void withFailOpenOffEveryServerFailingMeans503() throws Exception {
        origins.forEach(o -> o.setHealthStatus(500));
        ferry(CHECK, "fail_open: false");
        for (int i = 0; i < 3; i++) {
            awaitState(i, HealthState.UNHEALTHY);
        }

        List<LoadClient.Reply> replies = requests(20);
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).isEqualTo(503));
        assertThat(origins).allSatisfy(o -> assertThat(traffic(o)).isZero());

        // One passes again: it gets everything.
        origins.get(2).setHealthStatus(200);
        awaitState(2, HealthState.HEALTHY);
        assertThat(answeredBy(requests(20))).containsOnly(Map.entry("o3", 20L));
    }

    @Test
    void aCheckRequestsItsPathWithItsHostAndAcceptsItsExpectedRange() throws Exception {
        // Each check asks for its path with its Host, and the 204 it gets is the one status it accepts.
        ferry("{ type: http, path: /status/204, host: health.internal, expect: 204, interval: 200ms, "
                + "timeout: 200ms, rise: 1, fall: 3 }", "");
        await().atMost(Duration.ofSeconds(5)).until(() -> origins.get(0).requests().stream()
                .anyMatch(r -> r.uri().equals("/status/204")));
        RecordedRequest check = origins.get(0).requests().stream()
                .filter(r -> r.uri().equals("/status/204")).findFirst().orElseThrow();
        assertThat(check.method()).isEqualTo("GET");
        assertThat(check.header("host")).isEqualTo("health.internal");
        assertThat(check.header("user-agent")).isEqualTo("ferry-health-check");
        assertThat(origins).allSatisfy(o -> assertThat(o.requests()).noneMatch(r -> r.uri().equals("/healthz")));
        // Several checks passed and nothing went unhealthy.
        await().atMost(Duration.ofSeconds(5)).until(() -> origins.get(2).requests().size() >= 3);
        for (int i = 0; i < 3; i++) {
            assertThat(server(i).health().state()).isEqualTo(HealthState.HEALTHY);
        }
    }

    @Test
    void aStatusOutsideTheExpectedRangeFailsTheCheck() throws Exception {
        // The default range is 200-399; a check expecting exactly 204 fails on /healthz's 200.
        ferry("{ type: http, expect: 204, interval: 200ms, timeout: 200ms, rise: 1, fall: 1 }", "");
        for (int i = 0; i < 3; i++) {
            Server server = server(i);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.health().state() == HealthState.UNHEALTHY
                    && "status 200".equals(server.health().status().lastError()));
        }
    }

    @Test
    void aTcpCheckOnlyNeedsTheConnection() throws Exception {
        // o1's /healthz fails, which a tcp check never asks; o2 is gone, which it notices.
        origins.get(0).setHealthStatus(500);
        origins.get(1).stop();
        ferry("{ type: tcp, interval: 200ms, timeout: 200ms, rise: 1, fall: 2 }", "");
        awaitState(1, HealthState.UNHEALTHY);
        assertThat(server(1).health().status().lastError()).isEqualTo("connection refused");
        // Several rounds of checks later o1 and o3 are still healthy, and no HTTP request was sent.
        await().atMost(Duration.ofSeconds(5)).until(() -> origins.get(0).connectionsAccepted() >= 3);
        assertThat(server(0).health().state()).isEqualTo(HealthState.HEALTHY);
        assertThat(server(2).health().state()).isEqualTo(HealthState.HEALTHY);
        assertThat(origins.get(0).requestsReceived()).isZero();
        assertThat(answeredBy(requests(20))).containsOnlyKeys("o1", "o3");
    }
}
