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

    private final FerryConfig config;
    private final Transport transport;
    private final EventLoopGroup group;
    private final AccessLog accessLog;
    private final InFlightLimit inFlight;
    private final ConnectionTracker connections;
    private final AtomicReference<SelfAddresses> self = new AtomicReference<>();
    private final Map<String, Channel> listeners = new LinkedHashMap<>();
    private volatile Services services;
    private TlsContexts tls = TlsContexts.none();
    private final FerryMetrics metrics = new FerryMetrics();
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
        Instrumentation.bind(metrics.registry(), this);
        Gauge.builder("ferry.requests.in.flight", inFlight, InFlightLimit::current)
                .description("Requests being served").register(metrics.registry());
        Gauge.builder("ferry.ready", this, s -> s.ready() ? 1 : 0)
                .description("1 while Ferry takes traffic, 0 once shutdown has begun").register(metrics.registry());
        List<InetSocketAddress> bound = new ArrayList<>();
        for (int i = 0; i < config.listeners().size(); i++) {
            ListenerConfig listener = config.listeners().get(i);

            InetSocketAddress address = new InetSocketAddress(listener.bind().host(), listener.bind().port());
            try {
                Channel channel = new ServerBootstrap()
                        .group(group)
                        .channel(transport.serverChannel())
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        // Nothing is accepted until every listener is bound and the self-address list is known.
                        .option(ChannelOption.AUTO_READ, false)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.RCVBUF_ALLOCATOR, transport.receiveBuffers())
                        .childHandler(initializer(listener))
                        .bind(address).sync().channel();
                listeners.put(listener.name(), channel);
                bound.add((InetSocketAddress) channel.localAddress());
            } catch (Exception e) {
                throw new StartException("listeners[" + i + "] (" + listener.name() + "): cannot bind "
                        + listener.bind() + ": " + e.getMessage(), e);
            }
        }
        self.set(SelfAddresses.of(bound));
        if (config.admin().isPresent()) {
            try {
                admin = AdminServer.start(this, config.admin().get(), group, transport.serverChannel());
            } catch (Exception e) {
                throw new StartException("admin.bind: cannot bind " + config.admin().get().bind() + ": "
                        + e.getMessage(), e);
            }
        }
        listeners.forEach((name, channel) -> {
            channel.config().setAutoRead(true);
            log.info("listener {} on {} ({}{})", name, channel.localAddress(), transport.name().toLowerCase(),
                    tls.listener(name).isPresent() ? ", TLS by " + TlsPolicy.engine() : "");
        });
        ready = true;
    }

    /**
     * The pipeline of a listener's connections: PROXY header gate if asked for, TLS if the listener
     * terminates it, then HTTP/1.1 or HTTP/2 (as ALPN chose, or by the first bytes with h2c) or
     * the TCP relay.
     */
    private ChannelInitializer<SocketChannel> initializer(ListenerConfig listener) {
        boolean http = listener.protocol() == ListenerConfig.Protocol.HTTP;
        Map<String, String> routeUpstreams = new LinkedHashMap<>();
        for (RouteConfig route : listener.routes()) {
            routeUpstreams.put(route.name(), route.upstream());
        }
        ListenerMetrics listenerMetrics = metrics.listener(listener.name(), routeUpstreams);
        FrontendContext context = http ? new FrontendContext(listener.name(), services.handlerFor(listener), inFlight,
                accessLog, config.limits(), config.server().via(), () -> draining, listener.scheme(), listenerMetrics) : null;
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
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (!connections.tryOpen(ch)) {
                    listenerMetrics.connectionRefused();
                    if (http && serverTls == null) {
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
                if (http && serverTls != null) {
                    serverTls.install(ch.pipeline(), protocols);
                } else if (http && listener.http2().h2c()) {
                    Http2Frontend.installCleartext(ch.pipeline(), context, listener.http2(), drain);
                } else if (http) {
                    HttpFrontend.install(ch.pipeline(), context);
                } else {
                    ch.pipeline().addLast("tcp-proxy", new TcpProxy(listener.name(), upstream, services.connector(),
                            accessLog, listener.proxyProtocol()));
                }
            }
        };
    }

    /** The address a listener is bound to (useful when it was asked for port 0). */
    public InetSocketAddress address(String listener) {
        Channel channel = listeners.get(listener);
        if (channel == null) {
            throw new IllegalArgumentException("no listener named " + listener);
        }
        return (InetSocketAddress) channel.localAddress();
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
     * Re-reads the config file and applies it without dropping connections.
     *
     * <p>Not available in this build: always refused, the running config kept.
     */
    public ReloadResult reload() {
        return new ReloadResult(false, List.of("reload is not available"));
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
        listeners.values().forEach(channel -> channel.close().syncUninterruptibly());
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
