package dev.ferry.upstream;

import static java.util.Objects.requireNonNull;

import dev.ferry.config.UpstreamTimeouts;
import dev.ferry.pool.ConnectionPool;
import java.time.Clock;

/**
 * How a {@link ProxyCall} reaches its server.
 *
 * @param connector opens new connections
 * @param pool idle connections to reuse
 * @param timeouts connect, response and idle timeouts
 * @param maxRequestsPerConnection a connection is retired after this many requests; 0 means never
 * @param maxReplayBody request body bytes kept so a request can be sent again on a fresh connection
 * @param via the {@code Via} pseudonym
 * @param clock what a {@code Date} added to a response without one says (RFC 9110 §6.6.1)
 */
public record CallOptions(
        Connector connector,
        ConnectionPool pool,
        UpstreamTimeouts timeouts,
        int maxRequestsPerConnection,
        long maxReplayBody,
        String via,
        Clock clock) {

    public CallOptions {
        requireNonNull(connector, "connector");
        requireNonNull(pool, "pool");
        requireNonNull(timeouts, "timeouts");
        requireNonNull(via, "via");
        requireNonNull(clock, "clock");
    }
}
