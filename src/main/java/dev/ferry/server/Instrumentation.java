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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Gauges and function counters over what the live parts count themselves: upstream servers'
 * health and load, queues and pools, caches, rate limits and Redis. Read when scraped; nothing here
 * runs per request.
 *
 * <p>Each meter finds its part by name in the services running when it is read, not in those that
 * ran when it was registered: after a reload it reads the new parts, a part that is gone reads NaN,
 * and {@link #bind} is called again to add the meters of the parts that are new.
 */
final class Instrumentation {

    private final MeterRegistry registry;
    private final FerryServer ferry;
    /** The parts whose meters are registered ("upstream:a", "server:a/b", ...), each once. */
    private final Set<String> bound = ConcurrentHashMap.newKeySet();

    Instrumentation(MeterRegistry registry, FerryServer ferry) {
        this.registry = registry;
        this.ferry = ferry;
    }

    /** Registers the meters of the parts of {@code ferry}'s current services not bound before. */
    void bind() {
        Services services = ferry.services();
        services.upstreams().values().forEach(this::upstream);
        services.caches().keySet().stream().filter(name -> bound.add("cache:" + name)).forEach(this::cache);
        services.rateLimits().keySet().stream().filter(name -> bound.add("limit:" + name)).forEach(this::rateLimit);
        if (services.redis().isPresent() && bound.add("redis")) {
            redis();
        }
    }

    /** Reads {@code value} of the part {@code find} locates now, or NaN when there is none. */
    private <T> ToDoubleFunction<FerryServer> read(Function<Services, T> find, ToDoubleFunction<T> value) {
        return f -> {
            Services services = f.services();
            T part = services == null ? null : find.apply(services);
            return part == null ? Double.NaN : value.applyAsDouble(part);
        };
    }

    private ToDoubleFunction<FerryServer> upstream(String name, ToDoubleFunction<Upstream> value) {
        return read(s -> s.upstreams().get(name), value);
    }

    private ToDoubleFunction<FerryServer> server(String upstream, String id, ToDoubleFunction<Server> value) {
        return read(s -> {
            Upstream live = s.upstreams().get(upstream);
            return live == null ? null : live.servers().stream().filter(server -> server.id().equals(id))
                    .findFirst().orElse(null);
        }, value);
    }

    private void upstream(Upstream upstream) {
        String name = upstream.name();
        if (bound.add("upstream:" + name)) {
            upstreamMeters(name);
        }
        for (Server server : upstream.servers()) {
            if (bound.add("server:" + name + "/" + server.id())) {
                serverMeters(name, server.id());
            }
        }
    }

    private void upstreamMeters(String name) {
        Gauge.builder("ferry.upstream.queue.length", ferry, upstream(name, Upstream::queued))
                .description("Requests waiting for a server slot").tag("upstream", name).register(registry);
        Gauge.builder("ferry.upstream.pool.connections", ferry, upstream(name, u -> u.options().pool().idleTotal()))
                .description("Upstream connections: idle in the pool, or in use by a request")
                .tags("upstream", name, "state", "idle").register(registry);
        Gauge.builder("ferry.upstream.pool.connections", ferry,
                        upstream(name, u -> u.servers().stream().mapToInt(Server::load).sum()))
                .description("Upstream connections: idle in the pool, or in use by a request")
                .tags("upstream", name, "state", "active").register(registry);
    }

    private void serverMeters(String name, String id) {
        Gauge.builder("ferry.upstream.server.requests.in.flight", ferry, server(name, id, Server::load))
                .description("Requests in flight to a server").tags("upstream", name, "server", id)
                .register(registry);
        FunctionCounter.builder("ferry.upstream.server.ejections", ferry,
                        server(name, id, s -> s.health().ejections()))
                .description("Times passive health checks ejected a server").tags("upstream", name, "server", id)
                .register(registry);
        for (HealthState state : HealthState.values()) {
            Gauge.builder("ferry.upstream.server.state", ferry,
                            server(name, id, s -> s.health().state() == state ? 1 : 0))
                    .description("A server's health state: 1 for the state it is in, 0 for the others")
                    .tags("upstream", name, "server", id, "state", state.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
    }

    private void cache(String name) {
        cacheCounter(name, "ferry.cache.hits", "Requests served from the cache", HttpCache.Stats::hits);
        cacheCounter(name, "ferry.cache.misses", "Lookups that found nothing usable in memory", HttpCache.Stats::misses);
        cacheCounter(name, "ferry.cache.stale", "Stale responses served", HttpCache.Stats::staleServed);
        cacheCounter(name, "ferry.cache.stores", "Responses stored", HttpCache.Stats::stores);
        cacheCounter(name, "ferry.cache.evictions", "Entries evicted to stay within max_size", HttpCache.Stats::evictions);
        cacheCounter(name, "ferry.cache.shared.hits", "Misses in memory answered by the Redis tier",
                HttpCache.Stats::sharedHits);
        Gauge.builder("ferry.cache.entries", ferry, cacheStats(name, HttpCache.Stats::entries))
                .description("URLs stored").tag("cache", name).register(registry);
        Gauge.builder("ferry.cache.size", ferry, cacheStats(name, HttpCache.Stats::bytes))
                .description("Bytes stored in memory (bodies and headers)").baseUnit("bytes").tag("cache", name)
                .register(registry);
    }

    private ToDoubleFunction<FerryServer> cacheStats(String name, ToDoubleFunction<HttpCache.Stats> value) {
        return read(s -> s.caches().get(name), cache -> value.applyAsDouble(cache.stats()));
    }

    private void cacheCounter(String name, String meter, String description, ToDoubleFunction<HttpCache.Stats> value) {
        FunctionCounter.builder(meter, ferry, cacheStats(name, value))
                .description(description).tag("cache", name).register(registry);
    }

    private void rateLimit(String name) {
        FunctionCounter.builder("ferry.rate.limited.requests", ferry,
                        read(s -> s.rateLimits().get(name), RateLimiter::limited))
                .description("Requests refused by a rate limit")
                .tags("limit", name, "reason", "over_limit").register(registry);
        FunctionCounter.builder("ferry.rate.limited.requests", ferry,
                        read(s -> s.rateLimits().get(name), RateLimiter::unavailable))
                .description("Requests refused by a rate limit")
                .tags("limit", name, "reason", "unavailable").register(registry);
    }

    private void redis() {
        FunctionCounter.builder("ferry.redis.calls", ferry, read(Instrumentation::liveRedis, SharedRedis::calls))
                .description("Redis calls asked for, including those refused at once").register(registry);
        FunctionCounter.builder("ferry.redis.errors", ferry, read(Instrumentation::liveRedis, SharedRedis::errors))
                .description("Redis calls that failed: refused, timed out or answered with an error")
                .register(registry);
        FunctionCounter.builder("ferry.redis.circuit.opened", ferry, read(Instrumentation::liveRedis, r -> r.breaker().timesOpened()))
                .description("Times the Redis circuit opened").register(registry);
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            Gauge.builder("ferry.redis.circuit.state", ferry, read(Instrumentation::liveRedis, r -> r.breaker().state() == state ? 1 : 0))
                    .description("The Redis circuit: 1 for the state it is in, 0 for the others")
                    .tag("state", state.name().toLowerCase(Locale.ROOT)).register(registry);
        }
    }

    private static SharedRedis liveRedis(Services services) {
        return services.redis().orElse(null);
    }
}
