package dev.ferry.config;

import static java.util.Objects.requireNonNull;

/**
 * One server of an upstream.
 *
 * @param address where it listens
 * @param weight relative share of traffic, at least 1
 * @param maxConnections requests in flight to this server at once; 0 means no limit
 * @param tls connect with TLS ({@code https://} address, or the upstream has a {@code tls} block)
 */
public record ServerConfig(HostPort address, int weight, int maxConnections, boolean tls) {

    public ServerConfig {
        requireNonNull(address, "address");
    }

    /** A plain (non-TLS) server. */
    public ServerConfig(HostPort address, int weight, int maxConnections) {
        this(address, weight, maxConnections, false);
    }
}
