package dev.ferry.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A reverse-proxy route ({@code listeners[i].routes[j]}).
 *
 * @param name unique within its listener
 * @param match what a request must look like to take this route
 * @param upstream the upstream that serves it (checked to exist)
 * @param timeouts per-leg overrides of the upstream's timeouts
 * @param retries overrides of the upstream's retry policy
 * @param cache the cache (a name in {@code caches}) in front of the upstream, if any
 * @param rateLimit a rate limit (a name in {@code rate_limits}) for the route, if any
 */
public record RouteConfig(
        String name,
        RouteMatch match,
        String upstream,
        TimeoutOverrides timeouts,
        Optional<RetryConfig> retries,
        Optional<String> cache,
        Optional<String> rateLimit) {

    public RouteConfig {
        requireNonNull(name, "name");
        requireNonNull(match, "match");
        requireNonNull(upstream, "upstream");
        requireNonNull(timeouts, "timeouts");
        requireNonNull(retries, "retries");
        requireNonNull(cache, "cache");
        requireNonNull(rateLimit, "rateLimit");
    }

    /**
     * Per-route timeout overrides; an empty leg keeps the upstream's value.
     */
    public record TimeoutOverrides(
            Optional<java.time.Duration> connect,
            Optional<java.time.Duration> response,
            Optional<java.time.Duration> idle,
            Optional<java.time.Duration> tunnel) {

        public static final TimeoutOverrides NONE =
                new TimeoutOverrides(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        public UpstreamTimeouts applyTo(UpstreamTimeouts base) {
            return new UpstreamTimeouts(
                    connect.orElse(base.connect()),
                    response.orElse(base.response()),
                    idle.orElse(base.idle()),
                    tunnel.orElse(base.tunnel()));
        }
    }
}
