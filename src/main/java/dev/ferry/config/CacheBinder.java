package dev.ferry.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Binds one entry of {@code caches}. */
final class CacheBinder {

    static final List<String> KEYS = List.of("max_size", "max_object_size", "shared", "store_set_cookie",
            "heuristic", "max_heuristic", "purge_clients");

    private CacheBinder() {
    }

    static Optional<CacheConfig> bind(Section.Field field) {
        boolean goodName = true;
        try {
            Names.name(field.key());
        } catch (BadValue e) {
            field.keyError(e.getMessage());
            goodName = false;
        }
        CacheConfig d = CacheConfig.defaults(field.key());
        Optional<Section> section = field.value().isScalar() ? Optional.empty() : field.value().section(KEYS);
        if (field.value().isScalar()) {
            field.value().error("expected a mapping (max_size, max_object_size, ...)");
        }
        if (section.isEmpty() || !goodName) {
            return Optional.empty();
        }
        Section s = section.get();
        long maxSize = s.optional("max_size", v -> v.size(0, Long.MAX_VALUE), d.maxSize());
        long maxObjectSize = s.optional("max_object_size", v -> v.size(1, Long.MAX_VALUE), d.maxObjectSize());
        if (maxObjectSize > maxSize && maxSize > 0) {
            s.get("max_object_size").ifPresent(v -> v.error("must not be larger than max_size"));
        }
        boolean shared = s.optional("shared", Value::bool, d.shared());
        if (maxSize == 0 && !shared) {
            s.get("max_size").ifPresent(v -> v.error("0 turns the memory tier off, which needs shared: true"));
        }
        boolean storeSetCookie = s.optional("store_set_cookie", Value::bool, d.storeSetCookie());
        int heuristic = s.optional("heuristic", Value::percent, d.heuristicPercent());
        Duration maxHeuristic = s.optional("max_heuristic", v -> v.duration(false), d.maxHeuristic());
        List<Cidr> purgeClients = s.optional("purge_clients", v -> v.listOf(Value::cidr), d.purgeClients());
        return Optional.of(new CacheConfig(field.key(), maxSize, maxObjectSize, shared, storeSetCookie, heuristic,
                maxHeuristic, purgeClients));
    }
}
