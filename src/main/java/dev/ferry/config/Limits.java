package dev.ferry.config;

import java.time.Duration;

/**
 * Admission limits shared by every listener ({@code limits:} in the file). Work beyond a limit is
 * refused at once with 503 and {@code Retry-After}, never queued without bound.
 *
 * @param maxConnections client connections open at once, over all listeners
 * @param maxRequestsInFlight requests being served at once, over all listeners
 * @param maxHeaderSize bytes of request line plus header fields (431 or 414 beyond)
 * @param headerTimeout time a client has to send a whole request head (408 beyond)
 * @param idleTimeout time a client connection may stay idle between requests
 */
public record Limits(
        int maxConnections,
        int maxRequestsInFlight,
        int maxHeaderSize,
        Duration headerTimeout,
        Duration idleTimeout) {

    public static final Limits DEFAULT =
            new Limits(10_000, 5_000, 16 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(60));
}
