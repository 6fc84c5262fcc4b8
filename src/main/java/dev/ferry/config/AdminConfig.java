package dev.ferry.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The admin listener ({@code admin:} in the file): metrics, health and readiness, the admin API
 * and the dashboard. Absent from the file: no admin listener.
 *
 * @param bind where it listens; loopback by default, as it can purge caches and drain servers
 * @param token when present, {@code Authorization: Bearer <token>} is required for {@code /metrics}
 *              and {@code /api/*}
 */
public record AdminConfig(HostPort bind, Optional<String> token) {

    public static final HostPort DEFAULT_BIND = new HostPort("127.0.0.1", 9901);

    public AdminConfig {
        requireNonNull(bind, "bind");
        requireNonNull(token, "token");
    }

    /** {@code 127.0.0.1:9901}, no token. */
    public static AdminConfig defaults() {
        return new AdminConfig(DEFAULT_BIND, Optional.empty());
    }
}
