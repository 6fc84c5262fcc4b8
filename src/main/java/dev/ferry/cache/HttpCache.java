package dev.ferry.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.ferry.config.CacheConfig;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One configured cache's store: responses in memory, bounded in bytes by Caffeine (W-TinyLFU
 * admission and eviction), looked up by primary key and {@code Vary} values; plus purging by URL,
 * prefix and tag, hard (removed) or soft (marked stale, so the next request revalidates).
 *
 * <p>Bodies are reference-counted buffers owned by the store: one released when its entry leaves
 * (eviction, purge, replacement), while hits in flight hold their own references.
 */
public final class HttpCache {

    private final CacheConfig config;
    private final Clock clock;
    private final Cache<String, Variants> entries;
    private final Map<String, Set<String>> keysByTag = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder staleServed = new LongAdder();
    private final LongAdder stores = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    public HttpCache(CacheConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(config.maxSize())
                .weigher((String key, Variants variants) -> variants.weight())
                // Maintenance (and so the release of evicted bodies) runs on the thread that writes.
                .executor(Runnable::run)
                .removalListener((String key, Variants variants, RemovalCause cause) -> {
                    if (variants != null && cause != RemovalCause.REPLACED) {
                        if (cause.wasEvicted()) {
                            evictions.increment();
                        }
                        variants.responses().forEach(this::release);
                    }
                })
                .build();
    }

    public CacheConfig config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    /** The key's entry, or null. */
    Variants variants(String key) {
        return entries.getIfPresent(key);
    }

    /** Stores {@code response}, replacing a stored one with the same Vary values. */
    void store(StoredResponse response) {
        List<StoredResponse> dropped = new ArrayList<>(1);
        entries.asMap().compute(response.key(), (key, current) ->
                current == null ? new Variants(List.of(response)) : current.with(response, dropped));
        dropped.forEach(this::release);
        for (String tag : response.tags()) {
            keysByTag.computeIfAbsent(tag, t -> ConcurrentHashMap.newKeySet()).add(response.key());
        }
        stores.increment();
    }

    /** Replaces {@code old} by {@code updated} (a 304 refreshed it); they share the body. */
    void refresh(StoredResponse old, StoredResponse updated) {
        entries.asMap().computeIfPresent(old.key(), (key, current) -> {
            List<StoredResponse> next = new ArrayList<>(current.responses());
            int index = next.indexOf(old);
            if (index < 0) {
                return current;
            }
            next.set(index, updated);
            return new Variants(next);
        });
    }

    /** Drops {@code old} alone (an update made it unfit to keep); the key's other variants stay. */
    void discard(StoredResponse old) {
        List<StoredResponse> dropped = new ArrayList<>(1);
        entries.asMap().computeIfPresent(old.key(), (key, current) -> {
            // By identity: a record's equals would compare bodies, and one left behind may be freed.
            if (current.responses().stream().noneMatch(stored -> stored == old)) {
                return current;
            }
            Variants rest = current.without(old);
            if (rest != null) {
                // Replaced, not removed: the removal listener leaves this one to us.
                dropped.add(old);
            }
            return rest;
        });
        dropped.forEach(this::release);
    }

    /** Drops every stored response of {@code key} (RFC 9111 §4.4 invalidation, hard purge). */
    boolean remove(String key) {
        return entries.asMap().remove(key) != null;
    }

    /** Purges the URL's entry; true if there was one. */
    public boolean purgeUrl(String url, boolean soft) {
        String key = CacheKey.ofUri(url);
        return key != null && purgeKey(key, soft);
    }

    /** Purges every entry whose URL starts with {@code prefix} (scheme and host included); returns how many. */
    public int purgePrefix(String prefix, boolean soft) {
        String keyPrefix = CacheKey.ofUri(prefix);
        int purged = 0;
        for (String key : List.copyOf(entries.asMap().keySet())) {
            if (keyPrefix != null && key.startsWith(keyPrefix) && purgeKey(key, soft)) {
                purged++;
            }
        }
        return purged;
    }

    /** Purges every entry tagged {@code tag} by its {@code Surrogate-Key} or {@code Cache-Tag}; returns how many. */
    public int purgeTag(String tag, boolean soft) {
        Set<String> keys = soft ? keysByTag.get(tag) : keysByTag.remove(tag);
        int purged = 0;
        if (keys != null) {
            for (String key : keys) {
                if (purgeKey(key, soft)) {
                    purged++;
                }
            }
        }
        return purged;
    }

    /** Purges one key, hard (removed) or soft (marked stale); true if it was cached. */
    boolean purgeKey(String key, boolean soft) {
        if (!soft) {
            return remove(key);
        }
        Variants variants = entries.getIfPresent(key);
        if (variants == null) {
            return false;
        }
        variants.responses().forEach(stored -> stored.flags().purged = true);
        return true;
    }

    /** Counts and sizes, for stats and the admin API. */
    public Stats stats() {
        entries.cleanUp();
        long bytes = entries.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
        return new Stats(entries.estimatedSize(), bytes, hits.sum(), misses.sum(), staleServed.sum(), stores.sum(),
                evictions.sum());
    }

    void countHit() {
        hits.increment();
    }

    void countMiss() {
        misses.increment();
    }

    void countStale() {
        staleServed.increment();
    }

    /** Drops everything (for shutdown): releases every body. */
    public void clear() {
        entries.invalidateAll();
        entries.cleanUp();
    }

    private void release(StoredResponse stored) {
        stored.body().release();
        for (String tag : stored.tags()) {
            Set<String> keys = keysByTag.get(tag);
            if (keys != null) {
                keys.remove(stored.key());
            }
        }
    }

    /**
     * @param entries URLs stored
     * @param bytes their weight in bytes
     */
    public record Stats(long entries, long bytes, long hits, long misses, long staleServed, long stores,
                        long evictions) {

        public double hitRatio() {
            long lookups = hits + misses;
            return lookups == 0 ? 0 : (double) hits / lookups;
        }
    }

    /** Whether a stored response matching {@code request} exists under {@code key} (for tests). */
    boolean contains(String key, HttpHeaders request) {
        Variants variants = variants(key);
        return variants != null && variants.select(request) != null;
    }
}
