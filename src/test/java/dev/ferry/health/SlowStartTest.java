package dev.ferry.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.LoadClient;
import dev.ferry.testing.TestFerry;
import dev.ferry.upstream.Server;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slow start seen in the traffic split: two servers behind {@code round_robin} with
 * {@code slow_start: 2s}; one fails its checks and recovers, and its share of the requests that
 * follow grows from about a tenth towards a half over the window, then stays at a half.
 */
class SlowStartTest {

    private static final Duration WINDOW = Duration.ofSeconds(2);

    private DemoOrigin o1;
    private DemoOrigin o2;

    @BeforeEach
    void startOrigins() throws Exception {
        o1 = DemoOrigin.start(DemoOrigin.Options.defaults().withName("o1"));
        o2 = DemoOrigin.start(DemoOrigin.Options.defaults().withName("o2"));
    }

    @AfterEach
    void stopOrigins() {
        o1.close();
        o2.close();
    }

    private record Answer(Instant at, String origin) {
    }

    @Test
    void aRecoveredServersShareRampsUpOverTheWindow() throws Exception {
        try (TestFerry ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes: [ { name: all, upstream: app } ]
                upstreams:
                  app:
                    servers: [ "127.0.0.1:%d", "127.0.0.1:%d" ]
                    health_check: { type: http, interval: 200ms, timeout: 200ms, rise: 1, fall: 2 }
                    slow_start: %dms
                """.formatted(o1.port(), o2.port(), WINDOW.toMillis()))) {
            Server server2 = ferry.server().upstreams().get("app").servers().get(1);
            assertThat(server2.health().trafficShare()).as("present at start: full share").isEqualTo(1.0);

            o2.setHealthStatus(500);
            await().atMost(Duration.ofSeconds(5)).until(() -> server2.health().state() == HealthState.UNHEALTHY);
            o2.setHealthStatus(200);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                    .until(() -> server2.health().state() == HealthState.HEALTHY);
            Instant healthy = server2.health().status().since();
            assertThat(server2.health().status().trafficShare()).isLessThan(0.5);

            // Requests one after another from the moment it is back until after the window.
            List<Answer> answers = new ArrayList<>();
            Instant end = healthy.plus(WINDOW).plusMillis(600);
            try (LoadClient client = new LoadClient(ferry.port("edge"))) {
                while (Instant.now().isBefore(end)) {
                    LoadClient.Reply reply = client.get("app.test", "/small", "");
                    assertThat(reply.status()).isEqualTo(200);
                    answers.add(new Answer(Instant.now(), reply.origin()));
                }
            }

            double first = share(answers, healthy, 0, 500);
            double middle = share(answers, healthy, 750, 1250);
            double last = share(answers, healthy, 1500, 2000);
            double after = share(answers, healthy, 2100, 2600);
            String shares = "o2's share: first %.2f, middle %.2f, last %.2f, after %.2f"
                    .formatted(first, middle, last, after);
            // Its weight goes from 0.1 to 1 of o1's: a share of 1/11 growing to 1/2.
            assertThat(first).as(shares).isLessThan(0.25);
            assertThat(middle).as(shares).isBetween(first, last);
            assertThat(last).as(shares).isGreaterThan(0.38);
            assertThat(after).as(shares).isBetween(0.47, 0.53);
            assertThat(server2.health().trafficShare()).isEqualTo(1.0);
        }
    }

    /** o2's share of the answers between {@code fromMillis} and {@code toMillis} after {@code start}. */
    private static double share(List<Answer> answers, Instant start, long fromMillis, long toMillis) {
        Instant from = start.plusMillis(fromMillis);
        Instant to = start.plusMillis(toMillis);
        List<Answer> in = answers.stream().filter(a -> !a.at().isBefore(from) && a.at().isBefore(to)).toList();
        assertThat(in).as("answers %d-%d ms after recovery", fromMillis, toMillis).hasSizeGreaterThan(20);
        return in.stream().filter(a -> a.origin().equals("o2")).count() / (double) in.size();
    }
}
