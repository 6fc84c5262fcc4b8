package dev.ferry.ratelimit;

import dev.ferry.Ticker;
import dev.ferry.config.RateLimitConfig;
import dev.ferry.redis.SharedRedis;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One configured rate limit. A local one decides at once; a shared one asks Redis and, when Redis
 * cannot answer (down, slow past {@code redis.timeout}, circuit open), falls back to the local
 * bucket (fail open, the default) or refuses (fail closed).
 */
public final class RateLimiter {

    private final RateLimitConfig config;
    private final LocalLimiter local;
    private final SharedLimiter shared;
    private final SharedRedis redis;
    private final LongAdder limited = new LongAdder();
    private final LongAdder unavailable = new LongAdder();

    /** @param redis null unless the limit is shared */
    public RateLimiter(RateLimitConfig config, SharedRedis redis, Ticker ticker) {
        this.config = config;
        this.local = new LocalLimiter(config.emissionIntervalNanos(), config.burst(), ticker);
        this.redis = config.shared() ? redis : null;
        this.shared = this.redis == null ? null
                : new SharedLimiter(redis, config.name(), config.emissionIntervalNanos(), config.burst());
    }

    public RateLimitConfig config() {
        return config;
    }

    /** Decides for {@code key} and hands the decision to {@code then} on {@code loop}. */
    public void decide(String key, EventExecutor loop, Consumer<Decision> then) {
        if (shared == null || !redis.usable()) {
            then.accept(counted(fallback(key)));
            return;
        }
        shared.decide(key).whenComplete((decision, failure) -> loop.execute(() ->
                then.accept(counted(failure == null ? decision : fallback(key)))));
    }

    private Decision counted(Decision decision) {
        if (!decision.allowed()) {
            (decision.undecided() ? unavailable : limited).increment();
        }
        return decision;
    }

    /** Requests refused for being over the limit. */
    public long limited() {
        return limited.sum();
    }

    /** Requests refused because a fail-closed shared limit could not be checked. */
    public long unavailable() {
        return unavailable.sum();
    }

    private Decision fallback(String key) {
        if (shared != null && config.failClosed()) {
            return Decision.unavailable(config.retryAfterOnFailureNanos());
        }
        return local.decide(key);
    }
}
