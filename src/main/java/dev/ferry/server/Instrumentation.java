package dev.ferry.server;

import dev.ferry.cache.HttpCache;
import dev.ferry.health.HealthState;
import dev.ferry.ratelimit.RateLimiter;
import dev.ferry.redis.CircuitBreaker;
import dev.ferry.redis.SharedRedis;
import dev.ferry.upstream.Server;
import dev.ferry.upstream.Upstream;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Gauges and function counters over what the live parts count themselves: upstream servers'
 * health and load, queues and pools, caches, rate limits and Redis. Read when scraped; nothing here
 * runs per request.
 */
final class Instrumentation {

    private Instrumentation() {
    }

    static void upstream(MeterRegistry registry, Upstream upstream) {
        String name = upstream.name();
        Gauge.builder("ferry.upstream.queue.length", upstream, Upstream::queued)
                .description("Requests waiting for a server slot").tag("upstream", name).register(registry);
        Gauge.builder("ferry.upstream.pool.connections", upstream, u -> u.options().pool().idleTotal())
                .description("Upstream connections: idle in the pool, or in use by a request")
                .tags("upstream", name, "state", "idle").register(registry);
        Gauge.builder("ferry.upstream.pool.connections", upstream,
                        u -> u.servers().stream().mapToInt(Server::load).sum())
                .description("Upstream connections: idle in the pool, or in use by a request")
                .tags("upstream", name, "state", "active").register(registry);
        for (Server server : upstream.servers()) {
            String id = server.id();
            Gauge.builder("ferry.upstream.server.requests.in.flight", server, Server::load)
                    .description("Requests in flight to a server").tags("upstream", name, "server", id)
                    .register(registry);
            FunctionCounter.builder("ferry.upstream.server.ejections", server, s -> s.health().ejections())
                    .description("Times passive health checks ejected a server").tags("upstream", name, "server", id)
                    .register(registry);
            for (HealthState state : HealthState.values()) {
                Gauge.builder("ferry.upstream.server.state", server, s -> s.health().state() == state ? 1 : 0)
                        .description("A server's health state: 1 for the state it is in, 0 for the others")
                        .tags("upstream", name, "server", id, "state", state.name().toLowerCase(Locale.ROOT))
                        .register(registry);
            }
        }
    }

    static void cache(MeterRegistry registry, HttpCache cache) {
        String name = cache.config().name();
        // Meters hold what they read weakly: they read the (long-lived) cache itself.
        Supplier<HttpCache.Stats> stats = cache::stats;
        counter(registry, "ferry.cache.hits", "Requests served from the cache", cache, stats, HttpCache.Stats::hits);
        counter(registry, "ferry.cache.misses", "Lookups that found nothing usable in memory", cache, stats,
                HttpCache.Stats::misses);
        counter(registry, "ferry.cache.stale", "Stale responses served", cache, stats, HttpCache.Stats::staleServed);
        counter(registry, "ferry.cache.stores", "Responses stored", cache, stats, HttpCache.Stats::stores);
        counter(registry, "ferry.cache.evictions", "Entries evicted to stay within max_size", cache, stats,
                HttpCache.Stats::evictions);
        counter(registry, "ferry.cache.shared.hits", "Misses in memory answered by the Redis tier", cache, stats,
                HttpCache.Stats::sharedHits);
        Gauge.builder("ferry.cache.entries", cache, c -> stats.get().entries())
                .description("URLs stored").tag("cache", name).register(registry);
        Gauge.builder("ferry.cache.size", cache, c -> stats.get().bytes())
                .description("Bytes stored in memory (bodies and headers)").baseUnit("bytes").tag("cache", name)
                .register(registry);
    }

    private static void counter(MeterRegistry registry, String meter, String description, HttpCache cache,
                                Supplier<HttpCache.Stats> stats, ToDoubleFunction<HttpCache.Stats> value) {
        FunctionCounter.builder(meter, cache, c -> value.applyAsDouble(stats.get()))
                .description(description).tag("cache", cache.config().name()).register(registry);
    }

    static void rateLimit(MeterRegistry registry, RateLimiter limiter) {
        String name = limiter.config().name();
        FunctionCounter.builder("ferry.rate.limited.requests", limiter, RateLimiter::limited)
                .description("Requests refused by a rate limit")
                .tags("limit", name, "reason", "over_limit").register(registry);
        FunctionCounter.builder("ferry.rate.limited.requests", limiter, RateLimiter::unavailable)
                .description("Requests refused by a rate limit")
                .tags("limit", name, "reason", "unavailable").register(registry);
    }

    static void redis(MeterRegistry registry, SharedRedis redis) {
        FunctionCounter.builder("ferry.redis.calls", redis, SharedRedis::calls)
                .description("Redis calls asked for, including those refused at once").register(registry);
        FunctionCounter.builder("ferry.redis.errors", redis, SharedRedis::errors)
                .description("Redis calls that failed: refused, timed out or answered with an error")
                .register(registry);
        FunctionCounter.builder("ferry.redis.circuit.opened", redis, r -> r.breaker().timesOpened())
                .description("Times the Redis circuit opened").register(registry);
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            Gauge.builder("ferry.redis.circuit.state", redis, r -> r.breaker().state() == state ? 1 : 0)
                    .description("The Redis circuit: 1 for the state it is in, 0 for the others")
                    .tag("state", state.name().toLowerCase(Locale.ROOT)).register(registry);
        }
    }
}
