package dev.ferry.config;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration of one Ferry process, immutable. Built by {@link ConfigLoader} from a
 * YAML or JSON file (every cross-reference already checked), or in code by the quick-start
 * commands.
 *
 * @param source where it was read from, for messages ({@code "<command line>"} when built in code)
 * @param server process-wide settings
 * @param listeners at least one, names and bind addresses unique
 * @param upstreams by name, in file order
 * @param caches by name
 * @param rateLimits by name
 * @param redis where shared caches and rate limits live, if anything is shared
 * @param limits admission limits shared by every listener
 * @param accessLog empty when access logging is off
 * @param admin the admin listener, empty when there is none
 */
public record FerryConfig(
        String source,
        ServerSettings server,
        List<ListenerConfig> listeners,
        Map<String, UpstreamConfig> upstreams,
        Map<String, CacheConfig> caches,
        Map<String, RateLimitConfig> rateLimits,
        Optional<RedisConfig> redis,
        Limits limits,
        Optional<AccessLogConfig> accessLog,
        Optional<AdminConfig> admin) {

    public FerryConfig {
        requireNonNull(source, "source");
        requireNonNull(server, "server");
        listeners = List.copyOf(listeners);
        // Map.copyOf would lose the file order promised above.
        upstreams.forEach((name, upstream) -> {
            requireNonNull(name, "upstream name");
            requireNonNull(upstream, "upstream");
        });
        upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        caches = Collections.unmodifiableMap(new LinkedHashMap<>(caches));
        rateLimits = Collections.unmodifiableMap(new LinkedHashMap<>(rateLimits));
        requireNonNull(redis, "redis");
        requireNonNull(limits, "limits");
        requireNonNull(accessLog, "accessLog");
        requireNonNull(admin, "admin");
    }
}
