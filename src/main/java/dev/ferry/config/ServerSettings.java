package dev.ferry.config;

import java.time.Duration;

/**
 * Process-wide settings ({@code server:} in the file).
 *
 * @param workers event-loop threads; 0 means one per available core
 * @param drainTimeout how long a graceful shutdown waits for requests in flight
 * @param via the pseudonym Ferry writes in {@code Via} headers
 * @param transport the socket implementation
 */
public record ServerSettings(int workers, Duration drainTimeout, String via, TransportChoice transport) {

    /**
     * {@code auto}: io_uring where the kernel offers it (fewer kernel entries per request), else
     * epoll, else Java NIO. The others force one, falling back the same way when it is missing.
     */
    public enum TransportChoice { AUTO, IO_URING, EPOLL, NIO }

    public static final ServerSettings DEFAULT =
            new ServerSettings(0, Duration.ofSeconds(30), "ferry", TransportChoice.AUTO);
}
