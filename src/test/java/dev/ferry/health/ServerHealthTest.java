package dev.ferry.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.HealthConfig;
import dev.ferry.config.HealthConfig.Check;
import dev.ferry.config.HealthConfig.Outlier;
import dev.ferry.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * One server's health on its own, with time moved by the test: how checks, failed requests and
 * time make its state, and the share of traffic slow start gives it.
 */
class ServerHealthTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        clock.advance(d);
    }

    private UpstreamHealth upstream(int servers, Optional<Outlier> outlier, Duration slowStart) {
        Check check = new Check(Check.Type.HTTP, "/healthz", Optional.empty(), 200, 399,
                Duration.ofSeconds(1), Duration.ofMillis(500), 2, 3);
        return new UpstreamHealth("app", new HealthConfig(Optional.of(check), outlier, true, slowStart), servers,
                nanos::get, clock);
    }

    private static Optional<Outlier> outlier(int failures, Duration ejection, int maxEjectedPercent) {
        return Optional.of(new Outlier(failures, ejection, maxEjectedPercent));
    }

    private static void fail(ServerHealth health, int times) {
        for (int i = 0; i < times; i++) {
            health.requestFailed("status 503");
        }
    }

    @Test
    void fallFailedChecksInARowMakeItUnhealthyAndRiseSuccessesHealthyAgain() {
        ServerHealth health = upstream(1, Optional.empty(), Duration.ZERO).newServer("a");
        health.checkFailed("status 500");
        health.checkFailed("status 500");
        health.checkPassed();
        health.checkFailed("status 500");
        health.checkFailed("status 500");
        assertThat(health.state()).as("never three failures in a row").isEqualTo(HealthState.HEALTHY);

        advance(Duration.ofSeconds(5));
        health.checkFailed("connection refused");
        ServerStatus down = health.status();
        assertThat(down.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(down.since()).isEqualTo(clock.instant());
        assertThat(down.lastError()).isEqualTo("connection refused");
        assertThat(health.available()).isFalse();

        health.checkPassed();
        assertThat(health.state()).isEqualTo(HealthState.UNHEALTHY);
        advance(Duration.ofSeconds(1));
        health.checkPassed();
        assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(health.status().since()).isEqualTo(clock.instant());
    }

    @Test
    void consecutiveFailedRequestsEjectForTheEjectionTimesTheNumberOfEjections() {
        ServerHealth health = upstream(2, outlier(3, Duration.ofSeconds(1), 50), Duration.ZERO).newServer("a");
        fail(health, 2);
        health.requestSucceeded();
        fail(health, 2);
        assertThat(health.available()).as("a success broke the run").isTrue();

        fail(health, 1);
        assertThat(health.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(health.status().ejections()).isEqualTo(1);
        advance(Duration.ofMillis(999));
        assertThat(health.available()).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(health.available()).isTrue();
        assertThat(health.state()).isEqualTo(HealthState.HEALTHY);

        fail(health, 3);
        assertThat(health.status().ejections()).isEqualTo(2);
        advance(Duration.ofMillis(1999));
        assertThat(health.available()).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(health.available()).isTrue();

        fail(health, 3);
        advance(Duration.ofMillis(2999));
        assertThat(health.available()).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(health.available()).isTrue();
    }

    @Test
    void aLongHealthyStretchMakesTheNextEjectionAFirstOneAgain() {
        ServerHealth health = upstream(2, outlier(3, Duration.ofSeconds(1), 50), Duration.ZERO).newServer("a");
        fail(health, 3);
        advance(Duration.ofSeconds(1));
        assertThat(health.available()).isTrue();
        advance(Duration.ofSeconds(11));
        fail(health, 3);
        advance(Duration.ofSeconds(1));
        assertThat(health.available()).as("out for one ejection time, not two").isTrue();
    }

    @Test
    void failuresOfRequestsInFlightWhenItWasEjectedDoNotCountTowardsTheNextEjection() {
        ServerHealth health = upstream(2, outlier(3, Duration.ofSeconds(1), 50), Duration.ZERO).newServer("a");
        fail(health, 3);
        // Two requests sent before the ejection fail after it.
        fail(health, 2);
        advance(Duration.ofSeconds(1));
        assertThat(health.available()).isTrue();

        fail(health, 2);
        assertThat(health.available()).as("two new failures are not three").isTrue();
        fail(health, 1);
        assertThat(health.available()).isFalse();
        assertThat(health.status().ejections()).isEqualTo(2);
    }

    @Test
    void atMostMaxEjectedOfTheUpstreamIsOutAtOnce() {
        UpstreamHealth upstream = upstream(4, outlier(3, Duration.ofSeconds(1), 25), Duration.ZERO);
        ServerHealth a = upstream.newServer("a");
        ServerHealth b = upstream.newServer("b");
        fail(a, 3);
        fail(b, 10);
        assertThat(a.available()).isFalse();
        assertThat(b.available()).as("25% of four: one at a time").isTrue();
        assertThat(b.status().lastError()).isEqualTo("status 503");

        // Once a is back, b's next failure ejects it.
        advance(Duration.ofSeconds(1));
        assertThat(a.available()).isTrue();
        fail(b, 1);
        assertThat(b.available()).isFalse();
    }

    @Test
    void slowStartRampsARecoveredServersShareFromATenthToAll() {
        ServerHealth health = upstream(1, Optional.empty(), Duration.ofSeconds(10)).newServer("a");
        assertThat(health.trafficShare()).as("present at start: full share at once").isEqualTo(1.0);

        fail3Checks(health);
        health.checkPassed();
        health.checkPassed();
        assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(health.trafficShare()).isEqualTo(0.1);
        advance(Duration.ofSeconds(5));
        assertThat(health.trafficShare()).isEqualTo(0.5);
        assertThat(health.status().trafficShare()).isEqualTo(0.5);
        advance(Duration.ofSeconds(5));
        assertThat(health.trafficShare()).isEqualTo(1.0);
    }

    private static void fail3Checks(ServerHealth health) {
        for (int i = 0; i < 3; i++) {
            health.checkFailed("status 500");
        }
    }

    @Test
    void aDrainedServerTakesNothingNewAndIsNotTriedEvenWhenFailingOpen() {
        ServerHealth health = upstream(1, Optional.empty(), Duration.ZERO).newServer("a");
        health.drain();
        assertThat(health.state()).isEqualTo(HealthState.DRAINING);
        assertThat(health.available()).isFalse();
        assertThat(health.notDraining()).isFalse();
        health.undrain();
        assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(health.available()).isTrue();
    }
}
