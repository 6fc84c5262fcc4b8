package dev.ferry.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.ferry.config.CacheConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
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
 *
 * <p>With a {@link SharedTier}, what is stored is also written to Redis (asynchronously), and
 * purges and invalidations reach Redis and, through it, every other instance's memory.
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
    private final LongAdder sharedHits = new LongAdder();
    private final SharedTier shared;

    public HttpCache(CacheConfig config, Clock clock) {
        this(config, clock, null);
    }

    /** @param shared the Redis tier, or null for a cache in memory only */
    HttpCache(CacheConfig config, Clock clock, SharedTier shared) {
        this.config = config;
        this.clock = clock;
        this.shared = shared;
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
        if (shared != null) {
            shared.listen(new SharedTier.Listener() {
                @Override
                public void purged(String key, boolean soft) {
                    purgeLocal(key, soft);
                }

                @Override
                public void purgedTag(String tag, boolean soft) {
                    purgeTagLocal(tag, soft);
                }

                @Override
                public void purgedPrefix(String keyPrefix, boolean soft) {
                    purgePrefixLocal(keyPrefix, soft);
                }
            });
        }
    }

    /** A cache with a Redis tier on {@code redis}, shared with every instance using the same cache name. */
    public static HttpCache shared(CacheConfig config, Clock clock, dev.ferry.redis.SharedRedis redis) {
        return new HttpCache(config, clock, new SharedTier(redis, config.name(), clock));
    }

    /** The Redis tier, or null. */
    SharedTier shared() {
        return shared;
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

    /** Stores {@code response}, replacing a stored one with the same Vary values (in Redis too). */
    void store(StoredResponse response) {
        if (shared != null) {
            shared.store(response);
        }
        storeLocal(response);
    }

    /**
     * What Redis had for {@code key}: kept in memory too (bodies copied into direct buffers, as
     * stores are), and the variant for {@code request} returned, or null.
     */
    StoredResponse promote(String key, List<StoredResponse> found, HttpHeaders request) {
        if (found.isEmpty()) {
            return null;
        }
        sharedHits.increment();
        if (inMemory()) {
            for (StoredResponse response : found) {
                ByteBuf body = response.body();
                ByteBuf copy = UnpooledByteBufAllocator.DEFAULT.directBuffer(body.readableBytes(), body.readableBytes());
                storeLocal(response.withBody(copy.writeBytes(body, body.readerIndex(), body.readableBytes())));
            }
            Variants variants = variants(key);
            StoredResponse selected = variants == null ? null : variants.select(request);
            if (selected != null) {
                return selected;
            }
        }
        // Memory tier off (or it would not keep them): serve from the Redis copy itself.
        return new Variants(found).select(request);
    }

    /** Whether there is a memory tier ({@code max_size} above 0). */
    boolean inMemory() {
        return config.maxSize() > 0;
    }

    private void storeLocal(StoredResponse response) {
        if (!inMemory()) {
            response.body().release();
            return;
        }
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
        if (shared != null) {
            shared.store(updated);
        }
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
        if (shared != null) {
            shared.discard(old);
        }
    }

    /** Drops every stored response of {@code key} (RFC 9111 §4.4 invalidation, hard purge), everywhere. */
    boolean remove(String key) {
        if (shared != null) {
            shared.purge(key, false);
        }
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
        if (keyPrefix != null && shared != null) {
            shared.purgePrefix(keyPrefix, soft);
        }
        return keyPrefix == null ? 0 : purgePrefixLocal(keyPrefix, soft);
    }

    private int purgePrefixLocal(String keyPrefix, boolean soft) {
        int purged = 0;
        for (String key : List.copyOf(entries.asMap().keySet())) {
            if (key.startsWith(keyPrefix) && purgeLocal(key, soft)) {
                purged++;
            }
        }
        return purged;
    }

    /** Purges every entry tagged {@code tag} by its {@code Surrogate-Key} or {@code Cache-Tag}; returns how many. */
    public int purgeTag(String tag, boolean soft) {
        if (shared != null) {
            shared.purgeTag(tag, soft);
        }
        return purgeTagLocal(tag, soft);
    }

    private int purgeTagLocal(String tag, boolean soft) {
        Set<String> keys = soft ? keysByTag.get(tag) : keysByTag.remove(tag);
        int purged = 0;
        if (keys != null) {
            for (String key : keys) {
                if (purgeLocal(key, soft)) {
                    purged++;
                }
            }
        }
        return purged;
    }

    /** Purges one key, hard (removed) or soft (marked stale), everywhere; true if it was cached here. */
    boolean purgeKey(String key, boolean soft) {
        if (shared != null) {
            shared.purge(key, soft);
        }
        return purgeLocal(key, soft);
    }

    /**
     * As {@link #purgeKey}, completing with whether it was cached here or in Redis (for {@code PURGE}
     * on a shared cache).
     */
    java.util.concurrent.CompletableFuture<Boolean> purgeKeyEverywhere(String key, boolean soft) {
        boolean here = purgeLocal(key, soft);
        if (shared == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(here);
        }
        return shared.purge(key, soft).thenApply(inRedis -> here || inRedis);
    }

    private boolean purgeLocal(String key, boolean soft) {
        if (!soft) {
            return entries.asMap().remove(key) != null;
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
                evictions.sum(), sharedHits.sum());
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
     * @param misses lookups that found nothing usable in memory
     * @param sharedHits of those, the ones Redis answered
     */
    public record Stats(long entries, long bytes, long hits, long misses, long staleServed, long stores,
                        long evictions, long sharedHits) {

        public double hitRatio() {
            long lookups = hits + misses - sharedHits;
            return lookups == 0 ? 0 : (double) hits / lookups;
        }
    }

    /** Whether a stored response matching {@code request} exists under {@code key} (for tests). */
    boolean contains(String key, HttpHeaders request) {
        Variants variants = variants(key);
        return variants != null && variants.select(request) != null;
    }
}
