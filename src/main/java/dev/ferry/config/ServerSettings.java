package dev.ferry.config;

import java.time.Duration;

/**
 * Process-wide settings ({@code server:} in the file).
 *
 * @param workers event-loop threads; 0 means one per available core
 * @param drainTimeout how long a graceful shutdown waits for requests in flight
 * @param via the pseudonym Ferry writes in {@code Via} headers
 */
public record ServerSettings(int workers, Duration drainTimeout, String via) {

    public static final ServerSettings DEFAULT = new ServerSettings(0, Duration.ofSeconds(30), "ferry");
}
