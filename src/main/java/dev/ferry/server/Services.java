package dev.ferry.server;

import dev.ferry.config.FerryConfig;
import dev.ferry.config.ForwardProxyConfig;
import dev.ferry.config.ListenerConfig;
import dev.ferry.config.RetryConfig;
import dev.ferry.config.RouteConfig;
import dev.ferry.config.ServerConfig;
import dev.ferry.config.UpstreamConfig;
import dev.ferry.forward.ForwardProxy;
import dev.ferry.Ticker;
import dev.ferry.cache.CacheInterceptor;
import dev.ferry.cache.HttpCache;
import dev.ferry.http.Interceptor;
import dev.ferry.ratelimit.RateLimitInterceptor;
import dev.ferry.ratelimit.RateLimiter;
import dev.ferry.redis.SharedRedis;
import dev.ferry.forward.SelfAddresses;
import dev.ferry.health.UpstreamHealth;
import dev.ferry.http.RequestHandler;
import dev.ferry.observe.FerryMetrics;
import dev.ferry.pool.ConnectionPool;
import dev.ferry.route.Route;
import dev.ferry.route.Router;
import dev.ferry.upstream.CallOptions;
import dev.ferry.upstream.Connector;
import dev.ferry.upstream.Server;
import dev.ferry.upstream.Upstream;
import dev.ferry.tls.ClientTls;
import dev.ferry.tls.TlsContexts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import io.netty.channel.EventLoopGroup;

/**
 * The request-handling side built from a config: upstreams with their pools, and each listener's
 * handler (forward proxy, router, or both).
 */
final class Services implements AutoCloseable {

    private final FerryConfig config;
    private final Connector connector;
    private final Transport transport;
    private final Supplier<SelfAddresses> self;
    private final Clock clock;
    private final FerryMetrics metrics;
    private final Map<String, Upstream> upstreams = new LinkedHashMap<>();
    private final Map<String, CacheInterceptor> caches = new LinkedHashMap<>();
    private final Map<String, RateLimiter> rateLimits = new LinkedHashMap<>();
    private SharedRedis redis;
    private TlsContexts tls = TlsContexts.none();
    private final List<ForwardProxy> forwardProxies = new ArrayList<>();

    private Services(FerryConfig config, Transport transport, Supplier<SelfAddresses> self, Clock clock,
                     FerryMetrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
        this.transport = transport;
        this.connector = new Connector(transport.socketChannel(), transport.receiveBuffers());
        this.self = self;
    }

    /**
     * Builds every upstream (starting their health checks on {@code group}) and every cache; what
     * runs per request records on {@code metrics}.
     */
    static Services build(FerryConfig config, Transport transport, EventLoopGroup group, Supplier<SelfAddresses> self,
                          Clock clock, TlsContexts tls, FerryMetrics metrics) throws StartException {
        return build(config, transport, group, self, clock, tls, metrics, null);
    }

    /**
     * As {@link #build(FerryConfig, Transport, EventLoopGroup, Supplier, Clock, TlsContexts,
     * FerryMetrics)}, keeping from {@code previous} (a reload) every part whose settings did not
     * change: the Redis connection, caches with their contents, rate limits with their buckets,
     * upstreams with their health state and pools.
     */
    static Services build(FerryConfig config, Transport transport, EventLoopGroup group, Supplier<SelfAddresses> self,
                          Clock clock, TlsContexts tls, FerryMetrics metrics, Services previous)
            throws StartException {
        Services services = new Services(config, transport, self, clock, metrics);
        services.tls = tls;
        boolean sameRedis = previous != null && previous.config.redis().equals(config.redis());
        services.redis = sameRedis ? previous.redis : config.redis().map(SharedRedis::start).orElse(null);
        config.caches().forEach((name, cache) -> {
            CacheInterceptor kept = previous == null ? null : previous.caches.get(name);
            boolean keep = kept != null && kept.cache().config().equals(cache) && (!cache.shared() || sameRedis);
            services.caches.put(name, keep ? kept : new CacheInterceptor(cache.shared()
                    ? HttpCache.shared(cache, clock, services.redis) : new HttpCache(cache, clock)));
        });
        config.rateLimits().forEach((name, limit) -> {
            RateLimiter kept = previous == null ? null : previous.rateLimits.get(name);
            boolean keep = kept != null && kept.config().equals(limit) && (!limit.shared() || sameRedis);
            services.rateLimits.put(name, keep ? kept : new RateLimiter(limit, services.redis, Ticker.SYSTEM));
        });
        try {
            for (UpstreamConfig upstream : config.upstreams().values()) {
                Upstream kept = previous == null ? null : previous.upstreams.get(upstream.name());
                boolean keep = kept != null && previous.config.upstreams().get(upstream.name()).equals(upstream);
                services.upstreams.put(upstream.name(), keep ? kept : services.buildUpstream(upstream, group));
            }
        } catch (StartException e) {
            services.closeReplaced(previous); // only what was built for this config
            throw e;
        }
        return services;
    }

    private Upstream buildUpstream(UpstreamConfig config, EventLoopGroup group) throws StartException {
        UpstreamHealth health = new UpstreamHealth(config.name(), config.health(), config.servers().size(),
                Ticker.SYSTEM, Clock.systemUTC());
        List<UpstreamHealth.Watched> watched = new ArrayList<>();
        List<Server> servers = new ArrayList<>();
        ClientTls upstreamTls = tls.upstream(config.name()).orElse(null);
        for (int i = 0; i < config.servers().size(); i++) {
            ServerConfig server = config.servers().get(i);
            InetAddress address;
            try {
                address = InetAddress.getByName(server.address().host());
            } catch (UnknownHostException e) {
                throw new StartException("upstreams." + config.name() + ".servers[" + i + "].address: cannot resolve "
                        + server.address().host(), e);
            }
            InetSocketAddress socketAddress = new InetSocketAddress(address, server.address().port());
            ClientTls serverTls = server.tls() ? upstreamTls : null;
            String id = socketAddress.getAddress().getHostAddress() + ":" + socketAddress.getPort();
            Server live = new Server(socketAddress, server.weight(), server.maxConnections(), health.newServer(id),
                    serverTls, metrics.server(config.name(), id));
            servers.add(live);
            watched.add(new UpstreamHealth.Watched(socketAddress, live.health(), serverTls));
        }
        health.start(watched, group, transport.socketChannel());
        CallOptions options = new CallOptions(connector, new ConnectionPool(config.pool()), config.timeouts(),
                config.pool().maxRequests(), config.retries().maxReplayBody(), this.config.server().via(), clock);
        return new Upstream(config, servers, options, health, metrics.upstream(config.name()));
    }

    Connector connector() {
        return connector;
    }

    Map<String, Upstream> upstreams() {
        return upstreams;
    }

    /** The handler of an HTTP listener. */
    RequestHandler handlerFor(ListenerConfig listener) {
        ForwardProxy forward = null;
        if (listener.forwardProxy().isPresent()) {
            ForwardProxyConfig fp = listener.forwardProxy().get();
            CallOptions options = new CallOptions(connector, new ConnectionPool(fp.pool()), fp.timeouts(),
                    fp.pool().maxRequests(), RetryConfig.DEFAULT.maxReplayBody(), config.server().via(), clock);
            forward = new ForwardProxy(fp, options, self, transport.datagramChannel(),
                    interceptors(fp.rateLimit(), fp.cache(), listener));
            forwardProxies.add(forward);
        }
        Router router = null;
        if (!listener.routes().isEmpty()) {
            List<Route> routes = new ArrayList<>();
            for (RouteConfig route : listener.routes()) {
                routes.add(buildRoute(route, listener));
            }
            router = new Router(routes, listener.trustedProxies());
        }
        return new ListenerDispatch(forward, router, interceptors(listener.rateLimit(), Optional.empty(), listener));
    }

    private Route buildRoute(RouteConfig route, ListenerConfig listener) {
        Upstream upstream = upstreams.get(route.upstream());
        CallOptions base = upstream.options();
        RetryConfig retries = route.retries().orElse(upstream.retries());
        CallOptions options = new CallOptions(base.connector(), base.pool(), route.timeouts().applyTo(base.timeouts()),
                base.maxRequestsPerConnection(), retries.maxReplayBody(), base.via(), base.clock());
        return new Route(route.name(), route.match(), upstream, options, retries,
                interceptors(route.rateLimit(), route.cache(), listener));
    }

    /** What runs before the upstream, in order: the rate limit (so cache hits count too), then the cache. */
    private List<Interceptor> interceptors(Optional<String> rateLimit, Optional<String> cache, ListenerConfig listener) {
        List<Interceptor> interceptors = new ArrayList<>(2);
        rateLimit.ifPresent(name -> interceptors.add(new RateLimitInterceptor(rateLimits.get(name),
                listener.trustedProxies())));
        cache.ifPresent(name -> interceptors.add(caches.get(name)));
        return interceptors;
    }

    /** The rate limits, by name. */
    Map<String, RateLimiter> rateLimits() {
        return rateLimits;
    }

    Optional<SharedRedis> redis() {
        return Optional.ofNullable(redis);
    }

    /** The live caches, by name. */
    Map<String, HttpCache> caches() {
        Map<String, HttpCache> live = new LinkedHashMap<>();
        caches.forEach((name, interceptor) -> live.put(name, interceptor.cache()));
        return live;
    }

    /**
     * Closes what this one has and {@code successor} (the services a reload replaced these with)
     * does not share; with a null successor, everything.
     */
    void closeReplaced(Services successor) {
        caches.forEach((name, interceptor) -> {
            if (successor == null || successor.caches.get(name) != interceptor) {
                interceptor.cache().clear();
            }
        });
        if (redis != null && (successor == null || successor.redis != redis)) {
            redis.close();
        }
        upstreams.forEach((name, upstream) -> {
            if (successor == null || successor.upstreams.get(name) != upstream) {
                upstream.close();
            }
        });
        forwardProxies.forEach(ForwardProxy::close);
    }

    @Override
    public void close() {
        caches.values().forEach(interceptor -> interceptor.cache().clear());
        if (redis != null) {
            redis.close();
        }
        upstreams.values().forEach(Upstream::close);
        forwardProxies.forEach(ForwardProxy::close);
    }
}
