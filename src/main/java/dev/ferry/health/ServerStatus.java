package dev.ferry.health;

import java.time.Instant;

/**
 * A server's health as the admin API shows it.
 *
 * @param server {@code ip:port}
 * @param state its state now
 * @param since when it entered that state
 * @param lastError the last failure seen (check or request), or null
 * @param ejections how many times passive checks ejected it
 * @param trafficShare share of its weight it gets now (below 1 during slow start)
 */
public record ServerStatus(String server, HealthState state, Instant since, String lastError, long ejections,
                           double trafficShare) {
}
