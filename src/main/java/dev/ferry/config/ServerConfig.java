package dev.ferry.config;

import static java.util.Objects.requireNonNull;

/**
 * One server of an upstream.
 *
 * @param address where it listens
 * @param weight relative share of traffic, at least 1
 * @param maxConnections requests in flight to this server at once; 0 means no limit
 */
public record ServerConfig(HostPort address, int weight, int maxConnections) {

    public ServerConfig {
        requireNonNull(address, "address");
    }
}
