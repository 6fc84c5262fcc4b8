package dev.ferry.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * A rate limit ({@code rate_limits.NAME}): {@code rate} requests per {@code period} per key, with
 * bursts of up to {@code burst} requests.
 *
 * @param keys what identifies a caller; several are combined
 * @param shared decided in Redis, over every Ferry instance, rather than in this one
 * @param failClosed when Redis is unreachable refuse requests rather than fall back to local limits
 */
public record RateLimitConfig(String name, List<Key> keys, long rate, Duration period, long burst, boolean shared,
                              boolean failClosed) {

    public RateLimitConfig {
        requireNonNull(name, "name");
        keys = List.copyOf(keys);
        requireNonNull(period, "period");
    }

    /** One part of a limit's key. */
    public record Key(Source source, String name) {

        public enum Source { CLIENT_IP, HEADER, ROUTE }

        @Override
        public String toString() {
            return switch (source) {
                case CLIENT_IP -> "client_ip";
                case HEADER -> "header:" + name;
                case ROUTE -> "route";
            };
        }
    }

    /** How long a client refused because Redis could not decide (fail closed) is told to wait. */
    public long retryAfterOnFailureNanos() {
        return 1_000_000_000L;
    }

    /** The interval between requests at the sustained rate, in nanoseconds. */
    public long emissionIntervalNanos() {
        return period.toNanos() / rate;
    }
}
