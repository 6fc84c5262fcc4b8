package dev.ferry.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A pool of servers that serve the same content ({@code upstreams.NAME}).
 *
 * @param name the key under {@code upstreams}
 * @param balance how a server is chosen
 * @param hashKey what {@code consistent_hash} hashes; present exactly when balance is consistent_hash
 * @param servers at least one
 * @param queue the waiting room used when every server is at its {@code max_connections}
 * @param timeouts per-leg timeouts
 * @param retries retry policy
 * @param pool keep-alive pool per event loop per server
 * @param host when present, the {@code Host} header sent to the servers; otherwise the client's is kept
 * @param health active and passive checks, fail-open and slow start
 * @param proxyProtocol when present, each connection to a server starts with a PROXY header of that version
 * @param tls how servers marked {@link ServerConfig#tls()} are reached; present exactly when one is
 */
public record UpstreamConfig(
        String name,
        Balance balance,
        Optional<HashKey> hashKey,
        List<ServerConfig> servers,
        QueueConfig queue,
        UpstreamTimeouts timeouts,
        RetryConfig retries,
        PoolConfig pool,
        Optional<String> host,
        HealthConfig health,
        Optional<ProxyProtocol> proxyProtocol,
        Optional<UpstreamTls> tls) {

    /** PROXY protocol versions (HAProxy's proxy-protocol.txt). */
    public enum ProxyProtocol { V1, V2 }

    public enum Balance { ROUND_ROBIN, WEIGHTED_ROUND_ROBIN, LEAST_CONNECTIONS, POWER_OF_TWO, CONSISTENT_HASH }

    public UpstreamConfig {
        requireNonNull(name, "name");
        requireNonNull(balance, "balance");
        requireNonNull(hashKey, "hashKey");
        servers = List.copyOf(servers);
        requireNonNull(queue, "queue");
        requireNonNull(timeouts, "timeouts");
        requireNonNull(retries, "retries");
        requireNonNull(pool, "pool");
        requireNonNull(host, "host");
        requireNonNull(health, "health");
        requireNonNull(proxyProtocol, "proxyProtocol");
        requireNonNull(tls, "tls");
    }

    /** An upstream whose servers are all plain HTTP. */
    public UpstreamConfig(String name, Balance balance, Optional<HashKey> hashKey, List<ServerConfig> servers,
            QueueConfig queue, UpstreamTimeouts timeouts, RetryConfig retries, PoolConfig pool, Optional<String> host,
            HealthConfig health, Optional<ProxyProtocol> proxyProtocol) {
        this(name, balance, hashKey, servers, queue, timeouts, retries, pool, host, health, proxyProtocol,
                Optional.empty());
    }
}
