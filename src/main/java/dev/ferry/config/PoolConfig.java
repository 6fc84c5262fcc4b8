package dev.ferry.config;

import java.time.Duration;

/**
 * Keep-alive connection pool towards one server, per event loop.
 *
 * @param maxIdle idle connections kept per event loop per server
 * @param idleTimeout an idle connection is closed after this long
 * @param maxRequests a connection is retired after this many requests; 0 means no limit
 */
public record PoolConfig(int maxIdle, Duration idleTimeout, int maxRequests) {

    public static final PoolConfig DEFAULT = new PoolConfig(64, Duration.ofSeconds(60), 0);
}
