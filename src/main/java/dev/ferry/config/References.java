package dev.ferry.config;

import java.util.Optional;
import java.util.Set;

/**
 * The names other sections may refer to. Every entry written counts, even a broken one, so a
 * mistake inside an upstream does not also show up as "no upstream named" at each route using it.
 */
record References(Set<String> upstreams, Set<String> caches, Set<String> rateLimits) {

    Optional<String> upstream(Value value) {
        return name(value, "upstream", "upstreams", upstreams);
    }

    Optional<String> cache(Value value) {
        return name(value, "cache", "caches", caches);
    }

    Optional<String> rateLimit(Value value) {
        return name(value, "rate limit", "rate_limits", rateLimits);
    }

    private static Optional<String> name(Value value, String kind, String section, Set<String> known) {
        return value.string().filter(name -> {
            if (!known.contains(name)) {
                value.error("no " + kind + " named '" + name + "'" + (known.isEmpty()
                        ? " (there is no " + section + " section)"
                        : " (" + section + ": " + String.join(", ", known) + ")"));
                return false;
            }
            return true;
        });
    }
}
