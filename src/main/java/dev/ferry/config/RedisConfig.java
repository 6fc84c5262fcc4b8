package dev.ferry.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The Redis that {@code shared} caches and rate limits use ({@code redis:}).
 *
 * @param uri {@code redis://}, {@code rediss://} (TLS) or {@code redis-sentinel://} as Lettuce reads them
 * @param cluster the URI names a node of a Redis Cluster
 * @param timeout every call is bounded by this; past it the call counts as failed
 * @param prefix put in front of every key and channel, so several Ferry fleets can share a Redis
 * @param failureThreshold failed calls in a row that open the circuit (Redis is then left alone)
 * @param retryAfter how long the circuit stays open before one call tries Redis again
 */
public record RedisConfig(String uri, boolean cluster, Duration timeout, String prefix, int failureThreshold,
                          Duration retryAfter) {

    public RedisConfig {
        requireNonNull(uri, "uri");
        requireNonNull(timeout, "timeout");
        requireNonNull(prefix, "prefix");
        requireNonNull(retryAfter, "retryAfter");
    }

    public static RedisConfig defaults(String uri) {
        return new RedisConfig(uri, false, Duration.ofMillis(50), "ferry:", 5, Duration.ofSeconds(1));
    }
}
