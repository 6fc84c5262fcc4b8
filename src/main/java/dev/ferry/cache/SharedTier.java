package dev.ferry.cache;

import dev.ferry.redis.SharedRedis;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cache's Redis tier, shared by every Ferry instance that names the same Redis and cache: one
 * Redis hash per primary key (a field per set of {@code Vary} values, holding an
 * {@link EntryCodec} entry), with a TTL covering freshness, the stale windows and some time to
 * revalidate; a set per purge tag; a short lock per key being fetched, so a cold key costs the
 * fleet one origin request; and a pub/sub channel on which purges and finished fills are told to
 * the other instances.
 *
 * <p>Every call is asynchronous and bounded by {@code redis.timeout}; a failure is a miss (or a
 * purge that only reached memory), never an error for the client.
 */
final class SharedTier {

    /** How long a fetch may hold a key's lock; others wait for it at most this long. */
    static final long LOCK_MILLIS = 5_000;
    /** A stale entry with validators stays this long beyond its stale windows, for 304 revalidation. */
    private static final long KEEP_MILLIS = 600_000;
    /** KEYS[1] an entry's hash; ARGV: TTL in ms, field, value. */
    private static final byte[] HSET_WITH_TTL = """
            redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
            return redis.call('PEXPIRE', KEYS[1], ARGV[1])
            """.getBytes(StandardCharsets.US_ASCII);
    /** KEYS[1] a tag's set; ARGV: TTL in ms, member. */
    private static final byte[] SADD_WITH_TTL = """
            redis.call('SADD', KEYS[1], ARGV[2])
            return redis.call('PEXPIRE', KEYS[1], ARGV[1])
            """.getBytes(StandardCharsets.US_ASCII);

    /** What other instances tell this one. */
    interface Listener {
        void purged(String key, boolean soft);

        void purgedTag(String tag, boolean soft);

        void purgedPrefix(String keyPrefix, boolean soft);
    }

    private final SharedRedis redis;
    private final String name;
    private final String channel;
    private final Clock clock;
    private final String instance = UUID.randomUUID().toString();
    private final Map<String, List<Runnable>> awaitingFill = new ConcurrentHashMap<>();

    SharedTier(SharedRedis redis, String cacheName, Clock clock) {
        this.redis = redis;
        this.name = cacheName;
        this.channel = "cache:" + cacheName;
        this.clock = clock;
    }

    /** Starts listening to the other instances. */
    void listen(Listener listener) {
        redis.subscribe(channel, message -> {
            String[] parts = message.split(" ", 3);
            if (parts.length < 3 || parts[0].equals(instance)) {
                return;
            }
            String arg = parts[2];
            switch (parts[1]) {
                case "fill" -> wake(arg);
                case "purge" -> listener.purged(arg, false);
                case "soft" -> listener.purged(arg, true);
                case "tag" -> listener.purgedTag(arg, false);
                case "softtag" -> listener.purgedTag(arg, true);
                case "prefix" -> listener.purgedPrefix(arg, false);
                case "softprefix" -> listener.purgedPrefix(arg, true);
                default -> { }
            }
        });
    }

    /** Whether calls may reach Redis now (connected, circuit not open). */
    boolean usable() {
        return redis.usable();
    }

    /** The key's stored responses this version can read (others are skipped); empty on any failure. */
    CompletableFuture<List<StoredResponse>> fetch(String key) {
        return redis.<Map<byte[], byte[]>>call(c -> c.hgetall(entryKey(key))).handle((fields, failure) -> {
            List<StoredResponse> found = new ArrayList<>();
            if (fields != null) {
                for (byte[] value : fields.values()) {
                    StoredResponse stored = EntryCodec.decode(value);
                    if (stored != null && stored.key().equals(key)) {
                        found.add(stored);
                    }
                }
            }
            return found;
        });
    }

    /** Writes {@code stored} (asynchronously; the caller does not wait). */
    void store(StoredResponse stored) {
        byte[] entryKey = entryKey(stored.key());
        byte[] value = EntryCodec.encode(stored);
        long ttl = ttlMillis(stored);
        addWithTtl(HSET_WITH_TTL, entryKey, ttl, EntryCodec.field(stored.varyValues()), value);
        byte[] member = stored.key().getBytes(StandardCharsets.UTF_8);
        for (String tag : stored.tags()) {
            addWithTtl(SADD_WITH_TTL, tagKey(tag), Math.max(ttl, KEEP_MILLIS), member);
        }
    }

    /**
     * Adds to {@code key} and sets its TTL in one script, so a key is never left without a TTL (by
     * a connection lost between two commands). One key per script: in a Redis Cluster the entry
     * and its tags live in different slots.
     */
    private void addWithTtl(byte[] script, byte[] key, long ttlMillis, byte[]... values) {
        byte[][] arguments = new byte[values.length + 1][];
        arguments[0] = Long.toString(ttlMillis).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(values, 0, arguments, 1, values.length);
        redis.call(c -> c.<Long>eval(script, ScriptOutputType.INTEGER, new byte[][] {key}, arguments));
    }

    /** Drops one variant (an update made it unfit to keep). */
    void discard(StoredResponse stored) {
        byte[] entryKey = entryKey(stored.key());
        redis.call(c -> c.hdel(entryKey, EntryCodec.field(stored.varyValues())));
    }

    /** Freshness left, plus the stale windows, plus time to revalidate when it has validators. */
    private long ttlMillis(StoredResponse stored) {
        long left = Math.max(0, stored.lifetime() - Freshness.currentAge(stored, clock.millis()));
        CacheControl cc = stored.directives();
        long window = Math.max(0, Math.max(cc.seconds("stale-while-revalidate"), cc.seconds("stale-if-error")));
        boolean validators = stored.headers().contains("etag") || stored.headers().contains("last-modified");
        return Math.max(1_000, left + Math.min(window, 86_400) * 1000 + (validators ? KEEP_MILLIS : 0));
    }

    /** Tries to become the one instance fetching {@code key}; true when this one should go to the origin. */
    CompletableFuture<Boolean> lock(String key) {
        return redis.<String>call(c -> c.set(lockKey(key), instance.getBytes(StandardCharsets.UTF_8),
                SetArgs.Builder.nx().px(LOCK_MILLIS))).handle((ok, failure) -> failure != null || "OK".equals(ok));
    }

    /**
     * The fetch of {@code key} is over (stored or not): frees its lock and tells the waiting
     * instances to look again. Sent on the connection that wrote the entry, so it arrives after it.
     */
    void filled(String key) {
        redis.call(c -> c.del(lockKey(key)));
        redis.publish(channel, instance + " fill " + key);
    }

    /** Runs {@code waiter} once another instance says {@code key} was fetched (the caller bounds the wait). */
    void awaitFill(String key, Runnable waiter) {
        awaitingFill.computeIfAbsent(key, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(waiter);
    }

    void stopWaiting(String key, Runnable waiter) {
        awaitingFill.computeIfPresent(key, (k, waiters) -> {
            waiters.remove(waiter);
            return waiters.isEmpty() ? null : waiters;
        });
    }

    private void wake(String key) {
        List<Runnable> waiters = awaitingFill.remove(key);
        if (waiters != null) {
            waiters.forEach(Runnable::run);
        }
    }

    /**
     * Drops the key's entries everywhere: deleted in Redis (a soft purge too: the instances that
     * hold a copy revalidate it, the others fetch it anew) and dropped or marked by every instance.
     * Completes with whether Redis had it.
     */
    CompletableFuture<Boolean> purge(String key, boolean soft) {
        redis.publish(channel, instance + (soft ? " soft " : " purge ") + key);
        return redis.<Long>call(c -> c.del(entryKey(key))).handle((deleted, failure) -> deleted != null && deleted > 0);
    }

    void purgeTag(String tag, boolean soft) {
        redis.publish(channel, instance + (soft ? " softtag " : " tag ") + tag);
        byte[] tagKey = tagKey(tag);
        redis.<java.util.Set<byte[]>>call(c -> c.smembers(tagKey)).thenAccept(keys -> {
            for (byte[] key : keys) {
                byte[] entryKey = entryKey(new String(key, StandardCharsets.UTF_8));
                redis.call(c -> c.del(entryKey));
            }
            redis.call(c -> c.del(tagKey));
        });
    }

    void purgePrefix(String keyPrefix, boolean soft) {
        redis.publish(channel, instance + (soft ? " softprefix " : " prefix ") + keyPrefix);
        String pattern = new String(entryKey(""), StandardCharsets.UTF_8) + globEscaped(keyPrefix) + "*";
        scanAndDelete(ScanCursor.INITIAL, ScanArgs.Builder.matches(pattern.getBytes(StandardCharsets.UTF_8)).limit(500));
    }

    private void scanAndDelete(ScanCursor cursor, ScanArgs args) {
        redis.<KeyScanCursor<byte[]>>call(c -> c.scan(cursor, args)).thenAccept(page -> {
            for (byte[] key : page.getKeys()) {
                redis.call(c -> c.del(key));
            }
            if (!page.isFinished()) {
                scanAndDelete(page, args);
            }
        });
    }

    private static String globEscaped(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if ("*?[]\\".indexOf(c) >= 0) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    private byte[] entryKey(String key) {
        return redis.key("cache:" + name + ":e:" + key);
    }

    private byte[] lockKey(String key) {
        return redis.key("cache:" + name + ":lock:" + key);
    }

    private byte[] tagKey(String tag) {
        return redis.key("cache:" + name + ":tag:" + tag);
    }
}
