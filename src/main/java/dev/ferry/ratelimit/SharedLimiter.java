package dev.ferry.ratelimit;

import dev.ferry.redis.SharedRedis;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Rate limits decided in Redis, over every Ferry instance: {@link Gcra} in one Lua script, called
 * with {@code EVALSHA} (one round trip per decision), timed by Redis's own clock so instances with
 * skewed clocks agree.
 */
final class SharedLimiter {

    /** KEYS[1]: the bucket; ARGV: interval (µs), burst. Returns {allowed, remaining, reset µs, retry µs}. */
    static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local interval = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local tat = tonumber(redis.call('GET', KEYS[1]) or now)
            if tat < now then tat = now end
            local nxt = tat + interval
            local allowance = burst * interval
            if nxt - now > allowance then
              return {0, 0, tat - now, nxt - now - allowance}
            end
            redis.call('SET', KEYS[1], nxt, 'PX', math.ceil((nxt - now) / 1000) + 1)
            return {1, math.floor((allowance - (nxt - now)) / interval), nxt - now, 0}
            """;

    private final SharedRedis redis;
    private final String name;
    private final byte[] interval;
    private final byte[] burst;
    private volatile String sha;

    SharedLimiter(SharedRedis redis, String name, long intervalNanos, long burst) {
        this.redis = redis;
        this.name = name;
        this.interval = Long.toString(Math.max(1, intervalNanos / 1000)).getBytes(StandardCharsets.US_ASCII);
        this.burst = Long.toString(burst).getBytes(StandardCharsets.US_ASCII);
    }

    CompletableFuture<Decision> decide(String key) {
        byte[][] keys = {redis.key("rl:" + name + ":" + key)};
        String current = sha;
        CompletableFuture<List<Object>> result = current == null
                ? load().thenCompose(loaded -> evalsha(loaded, keys))
                : evalsha(current, keys).exceptionallyCompose(failure -> {
                    // Redis restarted and forgot the script: load it again, once.
                    if (failure instanceof RedisNoScriptException || failure.getCause() instanceof RedisNoScriptException) {
                        sha = null;
                        return load().thenCompose(loaded -> evalsha(loaded, keys));
                    }
                    return CompletableFuture.failedFuture(failure);
                });
        return result.thenApply(SharedLimiter::toDecision);
    }

    private CompletableFuture<String> load() {
        return redis.call(c -> c.scriptLoad(SCRIPT.getBytes(StandardCharsets.UTF_8))).thenApply(loaded -> {
            sha = loaded;
            return loaded;
        });
    }

    private CompletableFuture<List<Object>> evalsha(String script, byte[][] keys) {
        return redis.call(c -> c.<List<Object>>evalsha(script, ScriptOutputType.MULTI, keys, interval, burst));
    }

    private static Decision toDecision(List<Object> reply) {
        return new Decision(((Long) reply.get(0)) == 1, (Long) reply.get(1), (Long) reply.get(2) * 1000,
                (Long) reply.get(3) * 1000);
    }
}
