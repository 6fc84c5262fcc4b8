package dev.ferry.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * An HTTP cache ({@code caches.NAME}), used by the routes and forward proxies that name it.
 *
 * @param name the key under {@code caches}
 * @param maxSize bytes the in-memory tier may hold (bodies and headers), evicting by W-TinyLFU; 0
 *     turns the memory tier off (only with {@code shared}: every hit then comes from Redis)
 * @param maxObjectSize a larger response is passed on but not stored
 * @param shared also keep entries in the shared Redis tier
 * @param storeSetCookie store responses that carry {@code Set-Cookie} (the field itself is never
 *     stored); off by default, as in Varnish and nginx
 * @param heuristicPercent a response without explicit freshness but with {@code Last-Modified} is
 *     fresh for this share of its age at the time it was sent (RFC 9111 §4.2.2)
 * @param maxHeuristic cap on heuristic freshness
 * @param purgeClients clients allowed to send {@code PURGE}
 */
public record CacheConfig(
        String name,
        long maxSize,
        long maxObjectSize,
        boolean shared,
        boolean storeSetCookie,
        int heuristicPercent,
        Duration maxHeuristic,
        List<Cidr> purgeClients) {

    public CacheConfig {
        requireNonNull(name, "name");
        requireNonNull(maxHeuristic, "maxHeuristic");
        purgeClients = List.copyOf(purgeClients);
    }

    /** 256 MiB in memory, objects up to 8 MiB, heuristic 10% up to a day, purge from loopback. */
    public static CacheConfig defaults(String name) {
        return new CacheConfig(name, 256L << 20, 8L << 20, false, false, 10, Duration.ofDays(1),
                Defaults.LOOPBACK_CLIENTS);
    }
}
