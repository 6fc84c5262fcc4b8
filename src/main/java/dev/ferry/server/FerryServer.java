package dev.ferry.server;

import dev.ferry.admin.AdminServer;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.ListenerConfig;
import dev.ferry.config.RouteConfig;
import dev.ferry.forward.SelfAddresses;
import dev.ferry.http.FrontendContext;
import dev.ferry.http.HttpFrontend;
import dev.ferry.http2.Http2Frontend;
import dev.ferry.http.InFlightLimit;
import dev.ferry.tcp.ProxyProtocolGate;
import dev.ferry.tls.ProtocolPipelines;
import dev.ferry.tls.ServerTls;
import dev.ferry.tls.TlsContexts;
import dev.ferry.tls.TlsException;
import dev.ferry.tls.TlsPolicy;
import dev.ferry.tcp.TcpProxy;
import dev.ferry.upstream.Upstream;
import dev.ferry.observe.AccessLog;
import dev.ferry.observe.AsyncAccessLog;
import dev.ferry.observe.FerryMetrics;
import dev.ferry.observe.ListenerMetrics;
import io.micrometer.core.instrument.Gauge;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Ferry: its event loops, its listeners and what they share. {@link #start} binds every
 * listener (and the admin listener, when configured) or none; {@link #shutdown} turns unready,
 * stops accepting, lets requests in flight finish within the drain timeout, then closes everything.
 */
public final class FerryServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FerryServer.class);
    private static final byte[] TOO_MANY_CONNECTIONS = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 21\r\nRetry-After: 1\r\n"
            + "Connection: close\r\n\r\ntoo many connections\n").getBytes(StandardCharsets.US_ASCII);

    private volatile FerryConfig config;
    private final Transport transport;
    private final EventLoopGroup group;
    private final AccessLog accessLog;
    private final InFlightLimit inFlight;
    private final ConnectionTracker connections;
    private final AtomicReference<SelfAddresses> self = new AtomicReference<>();
    private final Map<String, BoundListener> listeners = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Services services;
    private TlsContexts tls = TlsContexts.none();
    private final FerryMetrics metrics = new FerryMetrics();
    private final Instrumentation instrumentation = new Instrumentation(metrics.registry(), this);
    private AdminServer admin;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile boolean draining;
    private volatile boolean ready;

    private final Clock clock;

    private FerryServer(FerryConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.transport = Transport.choose(config.server().transport());
        this.group = transport.newEventLoopGroup(config.server().workers(), "ferry-io");
        this.accessLog = config.accessLog().<AccessLog>map(AsyncAccessLog::start).orElse(AccessLog.OFF);
        this.inFlight = new InFlightLimit(config.limits().maxRequestsInFlight());
        this.connections = new ConnectionTracker(config.limits().maxConnections());
    }

    /** Binds every listener of {@code config} and starts serving. */
    public static FerryServer start(FerryConfig config) throws StartException {
        return start(config, Clock.systemUTC());
    }

    /** As {@link #start(FerryConfig)}, with the wall clock caches judge freshness by (tests move it). */
    public static FerryServer start(FerryConfig config, Clock clock) throws StartException {
        FerryServer server = new FerryServer(config, clock);
        try {
            server.bindAll();
        } catch (StartException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void bindAll() throws StartException {
        try {
            tls = TlsContexts.build(config);
        } catch (TlsException e) {
            throw new StartException(e.getMessage(), e);
        }
        services = Services.build(config, transport, group, self::get, clock, tls, metrics);
        instrumentation.bind();
        Gauge.builder("ferry.requests.in.flight", inFlight, InFlightLimit::current)
                .description("Requests being served").register(metrics.registry());
        Gauge.builder("ferry.ready", this, s -> s.ready() ? 1 : 0)
                .description("1 while Ferry takes traffic, 0 once shutdown has begun").register(metrics.registry());
        for (int i = 0; i < config.listeners().size(); i++) {
            ListenerConfig listener = config.listeners().get(i);
            listeners.put(listener.name(), bind(listener, "listeners[" + i + "]", false));
        }
        List<InetSocketAddress> bound = new ArrayList<>();
        listeners.values().forEach(listener -> bound.add(listener.address()));
        self.set(SelfAddresses.of(bound));
        if (config.admin().isPresent()) {
            try {
                admin = AdminServer.start(this, config.admin().get(), group, transport.serverChannel());
            } catch (Exception e) {
                throw new StartException("admin.bind: cannot bind " + config.admin().get().bind() + ": "
                        + e.getMessage(), e);
            }
        }
        listeners.forEach((name, listener) -> {
            Channel channel = listener.channel();
            channel.config().setAutoRead(true);
            log.info("listener {} on {} ({}{})", name, channel.localAddress(), transport.name().toLowerCase(),
                    tls.listener(name).isPresent() ? ", TLS by " + TlsPolicy.engine() : "");
        });
        ready = true;
    }

    /**
     * Binds one listener. With {@code acceptAtOnce} false it accepts nothing until told (start-up
     * binds every listener first); a reload adds listeners that accept at once.
     */
    private BoundListener bind(ListenerConfig listener, String path, boolean acceptAtOnce) throws StartException {
        LiveHandler handler = listener.protocol() == ListenerConfig.Protocol.HTTP
                ? new LiveHandler(services.handlerFor(listener)) : null;
        AtomicReference<ListenerRuntime> runtime = new AtomicReference<>(runtime(listener, handler));
        InetSocketAddress address = new InetSocketAddress(listener.bind().host(), listener.bind().port());
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    // Nothing is accepted until every listener is bound and the self-address list is known.
                    .option(ChannelOption.AUTO_READ, acceptAtOnce)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, transport.receiveBuffers())
                    .childHandler(initializer(runtime))
                    .bind(address).sync().channel();
            return new BoundListener(channel, handler, runtime);
        } catch (Exception e) {
            throw new StartException(path + " (" + listener.name() + "): cannot bind " + listener.bind() + ": "
                    + e.getMessage(), e);
        }
    }

    /** What a listener's new connections use, from the config and services serving now. */
    private ListenerRuntime runtime(ListenerConfig listener, LiveHandler handler) {
        boolean http = listener.protocol() == ListenerConfig.Protocol.HTTP;
        Map<String, String> routeUpstreams = new LinkedHashMap<>();
        for (RouteConfig route : listener.routes()) {
            routeUpstreams.put(route.name(), route.upstream());
        }
        ListenerMetrics listenerMetrics = metrics.listener(listener.name(), routeUpstreams);
        FrontendContext context = http ? new FrontendContext(listener.name(), handler, inFlight, accessLog,
                config.limits(), config.server().via(), () -> draining, listener.scheme(), listenerMetrics) : null;
        ServerTls serverTls = tls.listener(listener.name()).orElse(null);
        Duration drain = config.server().drainTimeout();
        // What a TLS connection speaks after the handshake, by ALPN protocol (see TlsContexts.alpn).
        ProtocolPipelines protocols = (pipeline, protocol) -> {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                Http2Frontend.install(pipeline, context, listener.http2(), drain);
            } else {
                HttpFrontend.install(pipeline, context);
            }
        };
        Upstream upstream = http ? null : services.upstreams().get(listener.upstream().orElseThrow());
        return new ListenerRuntime(listener, context, serverTls, protocols, upstream, services, listenerMetrics);
    }

    /**
     * The pipeline of a listener's connections: PROXY header gate if asked for, TLS if the listener
     * terminates it, then HTTP/1.1 or HTTP/2 (as ALPN chose, or by the first bytes with h2c) or
     * the TCP relay. Each connection takes the listener's runtime as it is when it arrives.
     */
    private ChannelInitializer<SocketChannel> initializer(AtomicReference<ListenerRuntime> current) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ListenerRuntime runtime = current.get();
                ListenerConfig listener = runtime.config();
                boolean http = runtime.context() != null;
                ListenerMetrics listenerMetrics = runtime.metrics();
                if (!connections.tryOpen(ch)) {
                    listenerMetrics.connectionRefused();
                    if (http && runtime.tls() == null) {
                        ch.writeAndFlush(Unpooled.wrappedBuffer(TOO_MANY_CONNECTIONS))
                                .addListener(ChannelFutureListener.CLOSE);
                    } else {
                        ch.close();
                    }
                    return;
                }
                listenerMetrics.connectionOpened();
                ch.closeFuture().addListener(f -> listenerMetrics.connectionClosed());
                if (listener.proxyProtocol()) {
                    ch.pipeline().addLast("proxy-protocol", new ProxyProtocolGate(listener.trustedProxies()));
                }
                if (http && runtime.tls() != null) {
                    runtime.tls().install(ch.pipeline(), runtime.protocols());
                } else if (http && listener.http2().h2c()) {
                    Http2Frontend.installCleartext(ch.pipeline(), runtime.context(), listener.http2(),
                            config.server().drainTimeout());
                } else if (http) {
                    HttpFrontend.install(ch.pipeline(), runtime.context());
                } else {
                    ch.pipeline().addLast("tcp-proxy", new TcpProxy(listener.name(), runtime.tcpUpstream(),
                            runtime.services().connector(), accessLog, listener.proxyProtocol()));
                }
            }
        };
    }

    /** A bound listener: its socket, the handler its requests go to, and what new connections use. */
    private record BoundListener(Channel channel, LiveHandler handler, AtomicReference<ListenerRuntime> runtime) {

        InetSocketAddress address() {
            return (InetSocketAddress) channel.localAddress();
        }

        ListenerConfig config() {
            return runtime.get().config();
        }
    }

    /** Everything a listener's connections are set up with, for one config. */
    private record ListenerRuntime(ListenerConfig config, FrontendContext context, ServerTls tls,
                                   ProtocolPipelines protocols, Upstream tcpUpstream, Services services,
                                   ListenerMetrics metrics) {
    }

    /** The address a listener is bound to (useful when it was asked for port 0). */
    public InetSocketAddress address(String listener) {
        BoundListener bound = listeners.get(listener);
        if (bound == null) {
            throw new IllegalArgumentException("no listener named " + listener);
        }
        return bound.address();
    }

    public int port(String listener) {
        return address(listener).getPort();
    }

    /** The live upstreams, by name. */
    public java.util.Map<String, dev.ferry.upstream.Upstream> upstreams() {
        return services.upstreams();
    }

    /** The live caches, by name. */
    public java.util.Map<String, dev.ferry.cache.HttpCache> caches() {
        return services.caches();
    }

    /** The Redis connection shared caches and limits use, when a {@code redis} section is configured. */
    public java.util.Optional<dev.ferry.redis.SharedRedis> redis() {
        return services.redis();
    }

    public FerryConfig config() {
        return config;
    }

    /** TLS handshakes that failed on {@code listener} since start (0 for a listener without TLS). */
    public long tlsHandshakeFailures(String listener) {
        return tls.listener(listener).map(ServerTls::handshakeFailures).orElse(0L);
    }

    /** The services serving now (null before they are built). */
    Services services() {
        return services;
    }

    /** The admin listener's address, when there is one. */
    public Optional<InetSocketAddress> adminAddress() {
        return Optional.ofNullable(admin).map(AdminServer::address);
    }

    /** Every meter of this Ferry. */
    public FerryMetrics metrics() {
        return metrics;
    }

    /**
     * Whether Ferry takes traffic: true once every listener is bound, false from the moment a
     * shutdown begins (before listeners stop), so load balancers stop sending first.
     */
    public boolean ready() {
        return ready;
    }

    /**
     * Re-reads the config file it was started from (SIGHUP, {@code POST /api/reload}) and applies
     * it as {@link #reload(FerryConfig)} does; a file with errors is refused with every one of them.
     */
    public ReloadResult reload() {
        FerryConfig next;
        try {
            next = dev.ferry.config.ConfigLoader.load(java.nio.file.Path.of(config.source()));
        } catch (dev.ferry.config.ConfigException e) {
            List<String> errors = e.errors().stream().map(Object::toString).toList();
            log.warn("reload refused, the running config is kept: {}", String.join("; ", errors));
            return new ReloadResult(false, errors);
        } catch (RuntimeException e) {
            log.warn("reload refused, the running config is kept: cannot read {}: {}", config.source(), e.getMessage());
            return new ReloadResult(false, List.of("cannot read " + config.source() + ": " + e.getMessage()));
        }
        return reload(next);
    }

    /**
     * Swaps {@code next} in without dropping a connection: routes, upstreams, caches, rate limits
     * and limits for new requests; listeners added and removed (one whose bind and protocol did not
     * change keeps its socket, and its open connections send their next request by the new
     * config). Requests in flight finish on the parts they started with; parts whose settings did
     * not change (caches with their contents, upstreams with their health, Redis) carry over, and
     * replaced ones are closed after the drain timeout. Settings that need a restart refuse it.
     */
    public synchronized ReloadResult reload(FerryConfig next) {
        if (stopping.get()) {
            return new ReloadResult(false, List.of("shutting down"));
        }
        List<String> errors = new ArrayList<>();
        FerryConfig running = config;
        if (!next.server().equals(running.server())) {
            errors.add("server: workers, transport, via and drain_timeout need a restart");
        }
        if (!next.accessLog().equals(running.accessLog())) {
            errors.add("access_log: needs a restart");
        }
        if (!next.admin().equals(running.admin())) {
            errors.add("admin: needs a restart");
        }
        if (!next.limits().equals(running.limits())
                && (next.limits().maxConnections() != running.limits().maxConnections()
                || next.limits().maxRequestsInFlight() != running.limits().maxRequestsInFlight())) {
            errors.add("limits.max_connections and limits.max_requests_in_flight need a restart");
        }
        TlsContexts nextTls = null;
        if (errors.isEmpty()) {
            try {
                nextTls = TlsContexts.build(next);
            } catch (TlsException e) {
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            log.warn("reload refused, the running config is kept: {}", String.join("; ", errors));
            return new ReloadResult(false, errors);
        }
        Services previous = services;
        TlsContexts previousTls = tls;
        Services fresh;
        try {
            fresh = Services.build(next, transport, group, self::get, clock, nextTls, metrics, previous);
        } catch (StartException e) {
            log.warn("reload refused, the running config is kept: {}", e.getMessage());
            return new ReloadResult(false, List.of(e.getMessage()));
        }
        // From here on, new connections and requests see the new config.
        config = next;
        tls = nextTls;
        services = fresh;
        Map<String, BoundListener> added = new LinkedHashMap<>();
        try {
            for (int i = 0; i < next.listeners().size(); i++) {
                ListenerConfig listener = next.listeners().get(i);
                BoundListener bound = listeners.get(listener.name());
                if (bound == null || !keepsSocket(bound.config(), listener)) {
                    added.put(listener.name(), bind(listener, "listeners[" + i + "]", true));
                }
            }
        } catch (StartException e) {
            added.values().forEach(listener -> listener.channel().close());
            config = running;
            tls = previousTls;
            services = previous;
            fresh.closeReplaced(previous);
            log.warn("reload refused, the running config is kept: {}", e.getMessage());
            return new ReloadResult(false, List.of(e.getMessage()));
        }
        for (ListenerConfig listener : next.listeners()) {
            BoundListener bound = listeners.get(listener.name());
            if (bound != null && !added.containsKey(listener.name())) {
                bound.runtime().set(runtime(listener, bound.handler()));
                if (bound.handler() != null) {
                    bound.handler().swap(fresh.handlerFor(listener));
                }
            }
        }
        for (Map.Entry<String, BoundListener> old : List.copyOf(listeners.entrySet())) {
            boolean kept = next.listeners().stream().anyMatch(l -> l.name().equals(old.getKey()))
                    && !added.containsKey(old.getKey());
            if (!kept) {
                // Its open connections finish what they are doing; it accepts no more.
                old.getValue().channel().close();
                listeners.remove(old.getKey());
            }
        }
        listeners.putAll(added);
        List<InetSocketAddress> bound = new ArrayList<>();
        listeners.values().forEach(listener -> bound.add(listener.address()));
        self.set(SelfAddresses.of(bound));
        instrumentation.bind();
        group.schedule(() -> previous.closeReplaced(fresh), running.server().drainTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("reloaded {}: {} listener(s), {} upstream(s), {} cache(s)", next.source(), next.listeners().size(),
                next.upstreams().size(), next.caches().size());
        return new ReloadResult(true, List.of());
    }

    /** A listener keeps its socket (and its open connections) when its address and protocol stay. */
    private static boolean keepsSocket(ListenerConfig running, ListenerConfig next) {
        return running.bind().equals(next.bind()) && running.protocol() == next.protocol();
    }

    /** Client connections open now. */
    public int openConnections() {
        return connections.open();
    }

    /** Requests being served now. */
    public int requestsInFlight() {
        return inFlight.current();
    }

    /**
     * Graceful shutdown: stop accepting, close idle connections, let requests in flight finish
     * (their responses close their connections), and after {@code drainTimeout} close the rest.
     */
    public void shutdown(Duration drainTimeout) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        // Readiness first, so that /readyz answers 503 while the listeners stop and requests drain.
        boolean wasReady = ready;
        ready = false;
        if (wasReady) {
            log.info("shutting down: not ready; draining for at most {} ms", drainTimeout.toMillis());
        }
        draining = true;
        listeners.values().forEach(listener -> listener.channel().close().syncUninterruptibly());
        connections.channels().forEach(ch -> ch.pipeline().fireUserEventTriggered(dev.ferry.http.DrainSignal.INSTANCE));
        try {
            if (!connections.awaitAllClosed(drainTimeout)) {
                log.warn("drain timeout: closing {} connections still open", connections.open());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.channels().close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        if (admin != null) {
            admin.close();
        }
        if (services != null) {
            services.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        accessLog.close();
        metrics.close();
    }

    /** Shuts down with the configured drain timeout. */
    @Override
    public void close() {
        shutdown(config.server().drainTimeout());
    }
}
