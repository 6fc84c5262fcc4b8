package dev.ferry.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.TestFerry;
import dev.ferry.upstream.Server;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The main health scenario over real sockets: a steady 200 requests/s for 10 s through
 * three demo origins; one of them is killed after 2 s and started again on the same port after
 * 5 s. Users must not notice (at most 0.1% of requests fail: retries carry the requests that meet
 * the dead server), the active checks must mark it unhealthy within {@code fall × interval} and
 * healthy again within {@code rise × interval} of its restart, and each change must be logged once.
 */
class HealthUnderLoadTest {

    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final int FALL = 3;
    private static final int RISE = 2;
    /** Each check is spread by up to ±10% of the interval; the rest is scheduling on a busy machine. */
    private static final double JITTER = 1.1;
    private static final Duration MARGIN = Duration.ofMillis(250);

    private static final int RATE = 200;
    private static final int TOTAL = RATE * 10;

    private final List<DemoOrigin> origins = new ArrayList<>();
    private final Logger healthLog = (Logger) LoggerFactory.getLogger("ferry.health");
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @AfterEach
    void stop() {
        healthLog.detachAppender(logged);
        healthLog.setLevel(null);
        origins.forEach(DemoOrigin::close);
    }

    private DemoOrigin origin(DemoOrigin.Options options) throws InterruptedException {
        DemoOrigin origin = DemoOrigin.start(options);
        origins.add(origin);
        return origin;
    }

    @Test
    void aServerKilledUnderSteadyLoadIsRoutedAroundAndComesBackAfterItRestarts() throws Exception {
        healthLog.setLevel(Level.INFO);
        logged.start();
        healthLog.addAppender(logged);

        DemoOrigin o1 = origin(DemoOrigin.Options.defaults().withName("o1"));
        DemoOrigin o2 = origin(DemoOrigin.Options.defaults().withName("o2"));
        DemoOrigin o3 = origin(DemoOrigin.Options.defaults().withName("o3"));
        int o2Port = o2.port();
        try (TestFerry ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes: [ { name: all, upstream: app } ]
                upstreams:
                  app:
                    servers: [ "127.0.0.1:%d", "127.0.0.1:%d", "127.0.0.1:%d" ]
                    health_check: { type: http, path: /healthz, interval: %dms, timeout: 250ms, rise: %d, fall: %d }
                """.formatted(o1.port(), o2Port, o3.port(), INTERVAL.toMillis(), RISE, FALL));
             PacedLoad load = PacedLoad.start(ferry.port("edge"), "app.test", "/small", RATE, TOTAL, 6)) {
            Server server2 = ferry.server().upstreams().get("app").servers().get(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> server2.health().state() == HealthState.HEALTHY);

            // 2 s into the load: kill o2 (listener and every connection closed, new ones refused).
            await().atMost(Duration.ofSeconds(10)).until(() -> load.issued() >= 2 * RATE);
            Instant killedAt = Instant.now();
            o2.stop();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> server2.health().state() == HealthState.UNHEALTHY);
            ServerStatus down = server2.health().status();

            // 5 s into the load: the same server comes back on the same port.
            await().atMost(Duration.ofSeconds(10)).until(() -> load.issued() >= 5 * RATE);
            DemoOrigin restarted = origin(DemoOrigin.Options.defaults().withName("o2-restarted").withPort(o2Port));
            Instant restartedAt = Instant.now();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> server2.health().state() == HealthState.HEALTHY);
            ServerStatus up = server2.health().status();

            load.awaitDone(Duration.ofSeconds(20));
            List<PacedLoad.Sample> samples = load.samples();

            // Users did not notice.
            assertThat(samples).hasSize(TOTAL);
            assertThat(load.failures()).as("failed requests").hasSizeLessThanOrEqualTo(TOTAL / 1000);

            // Unhealthy within fall × interval of the kill; it took fall failed checks, not one.
            Duration toUnhealthy = Duration.between(killedAt, down.since());
            assertThat(toUnhealthy).as("kill to UNHEALTHY")
                    .isLessThanOrEqualTo(scaled(INTERVAL, FALL * JITTER).plus(MARGIN))
                    .isGreaterThanOrEqualTo(scaled(INTERVAL, (FALL - 1) / JITTER));
            assertThat(down.lastError()).contains("refused");

            // Healthy within rise × interval of the restart.
            Duration toHealthy = Duration.between(restartedAt, up.since());
            assertThat(toHealthy).as("restart to HEALTHY")
                    .isLessThanOrEqualTo(scaled(INTERVAL, RISE * JITTER).plus(MARGIN))
                    .isGreaterThanOrEqualTo(scaled(INTERVAL, (RISE - 1) / JITTER));

            // While it was unhealthy the others served everything; once healthy it took its third again.
            List<PacedLoad.Sample> whileDown = between(samples, down.since(), up.since());
            assertThat(whileDown).isNotEmpty().allSatisfy(s -> assertThat(s.origin()).isIn("o1", "o3"));
            List<PacedLoad.Sample> byRestarted = samples.stream().filter(s -> "o2-restarted".equals(s.origin())).toList();
            assertThat(byRestarted).as("answers from the restarted server").isNotEmpty()
                    .allSatisfy(s -> assertThat(s.completed()).isAfter(up.since()));
            List<PacedLoad.Sample> afterRecovery = between(samples, up.since().plusMillis(100), Instant.MAX);
            Map<String, Long> shares = afterRecovery.stream()
                    .collect(Collectors.groupingBy(PacedLoad.Sample::origin, Collectors.counting()));
            assertThat(shares.get("o2-restarted") / (double) afterRecovery.size()).as("shares %s", shares)
                    .isBetween(0.25, 0.42);
            assertThat(restarted.requests().stream().filter(r -> !r.uri().equals("/healthz")).count())
                    .isEqualTo(byRestarted.size());

            // Each change logged once, however many checks failed meanwhile.
            Map<String, Long> transitions = logged.list.stream()
                    .map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("server 127.0.0.1:" + o2Port + ":"))
                    .map(m -> m.substring(m.indexOf("-> ") + 3).split(" ")[0])
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(transitions).containsOnly(Map.entry("UNHEALTHY", 1L), Map.entry("HEALTHY", 1L));
        }
    }

    private static Duration scaled(Duration d, double factor) {
        return Duration.ofNanos((long) (d.toNanos() * factor));
    }

    private static List<PacedLoad.Sample> between(List<PacedLoad.Sample> samples, Instant from, Instant to) {
        return samples.stream().filter(s -> s.completed().isAfter(from) && s.completed().isBefore(to)).toList();
    }
}
