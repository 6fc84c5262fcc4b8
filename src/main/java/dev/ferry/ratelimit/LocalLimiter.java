package dev.ferry.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ferry.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate limits decided in this process: one {@link Gcra} arrival time per key, updated with a
 * compare-and-set (no lock), in a bounded table that forgets keys idle longer than it takes their
 * bucket to fill up again.
 */
final class LocalLimiter {

    /** Keys tracked at most; beyond, the least recently used are forgotten (they get a full bucket). */
    static final long MAX_KEYS = 100_000;

    private final long interval;
    private final long burst;
    private final Ticker ticker;
    private final Cache<String, AtomicLong> buckets;

    LocalLimiter(long intervalNanos, long burst, Ticker ticker) {
        this.interval = intervalNanos;
        this.burst = burst;
        this.ticker = ticker;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(MAX_KEYS)
                .expireAfterAccess(Duration.ofNanos(Math.max(intervalNanos * burst, 1_000_000_000L)))
                .executor(Runnable::run)
                .build();
    }

    Decision decide(String key) {
        AtomicLong tat = buckets.get(key, k -> new AtomicLong(Long.MIN_VALUE));
        while (true) {
            long now = ticker.nanos();
            long current = tat.get();
            long stored = current == Long.MIN_VALUE ? now : current;
            Decision decision = Gcra.decide(stored, now, interval, burst);
            if (!decision.allowed() || tat.compareAndSet(current, Gcra.advance(stored, now, interval))) {
                return decision;
            }
        }
    }
}
