package dev.ferry.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * How an upstream watches its servers ({@code health_check}, {@code outlier}, {@code fail_open}
 * and {@code slow_start} under {@code upstreams.NAME}).
 *
 * @param check active checks; empty means none
 * @param outlier passive checks on live traffic; empty means none
 * @param failOpen when no server is available, try the unhealthy ones rather than refuse
 * @param slowStart a new or recovered server's share of traffic ramps up over this; zero means off
 */
public record HealthConfig(Optional<Check> check, Optional<Outlier> outlier, boolean failOpen, Duration slowStart) {

    public static final HealthConfig DEFAULT = new HealthConfig(Optional.empty(), Optional.empty(), true, Duration.ZERO);

    public HealthConfig {
        requireNonNull(check, "check");
        requireNonNull(outlier, "outlier");
        requireNonNull(slowStart, "slowStart");
    }

    /**
     * An active check, run against every server of the upstream.
     *
     * @param type {@code http}: a GET whose status must be in [expectMin, expectMax]; {@code tcp}: a connect
     * @param path request path of an http check
     * @param host {@code Host} of an http check; empty means the server's address
     * @param interval time between checks of one server (each spread by up to 10% so servers are not checked in step)
     * @param timeout a check that takes longer fails
     * @param rise consecutive successes that make an unhealthy server healthy
     * @param fall consecutive failures that make a healthy server unhealthy
     */
    public record Check(Type type, String path, Optional<String> host, int expectMin, int expectMax,
                        Duration interval, Duration timeout, int rise, int fall) {

        public enum Type { HTTP, TCP }

        public static final Check DEFAULT = new Check(Type.HTTP, "/healthz", Optional.empty(), 200, 399,
                Duration.ofSeconds(5), Duration.ofSeconds(1), 2, 3);
    }

    /**
     * Passive outlier detection: {@code consecutiveFailures} connect errors, timeouts or 5xx
     * answers in a row eject a server for {@code ejection} times the number of its ejections so far.
     *
     * @param maxEjectedPercent at most this share of the upstream's servers is ejected at once
     */
    public record Outlier(int consecutiveFailures, Duration ejection, int maxEjectedPercent) {

        public static final Outlier DEFAULT = new Outlier(5, Duration.ofSeconds(30), 50);
    }
}
