package dev.ferry.demo;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP/1.1 origin server, for trying Ferry without a backend of one's own and for Ferry's
 * integration tests, which need a real origin over real sockets that they can observe.
 *
 * <p>Endpoints (any method unless noted; every response carries {@code X-Origin: <name>}, {@code
 * Date}, and {@code Content-Length} unless chunked; connections are kept alive unless the client
 * sends {@code Connection: close}; a request is answered once its whole body has been read):
 *
 * <ul>
 *   <li>{@code /healthz}: the {@linkplain #setHealthStatus health status} (200 {@code ok} by default)
 *   <li>{@code /echo}: JSON {@code method, uri, protocol, headers (lower-case name -> [values]),
 *       bodyLength, bodySha256, remote, origin}; the body is hashed as it streams, never buffered
 *   <li>{@code /bytes/{n}}: n bytes of {@linkplain #patternByte the pattern}, n with an optional
 *       {@code k}, {@code m} or {@code g} suffix (KiB, MiB, GiB); streamed with backpressure;
 *       {@code ?chunked=1} for {@code Transfer-Encoding: chunked}
 *   <li>{@code /small}, {@code /medium}, {@code /large}: 1 KiB, 16 KiB, 1 MiB of the pattern with
 *       {@code Cache-Control: public, max-age=3600}
 *   <li>{@code /delay/{ms}}: answers {@code delayed} after that many milliseconds
 *   <li>{@code /status/{code}}: that status (200-599), a short body except for 204, 205 and 304
 *   <li>{@code GET /ws} with a WebSocket upgrade: echoes text and binary messages (up to 16 MiB)
 *   <li>{@code /close}: answers with {@code Connection: close}, then closes; {@code /close/silent}
 *       closes after the response without announcing it
 *   <li>{@code /broken/cl}: {@code Content-Length: 100}, 10 bytes, close; {@code /broken/header}:
 *       an unparsable response head, close
 *   <li>anything else: 404
 * </ul>
 *
 * <p>Query parameters accepted on every endpoint: {@code delay=ms}, {@code cache=} (sets {@code
 * Cache-Control}), {@code etag=} (sets {@code ETag}, quoted unless already; a matching {@code
 * If-None-Match} on a 200 answers 304), {@code lastmod=} (sets {@code Last-Modified}; honours
 * {@code If-Modified-Since}), {@code vary=}, {@code header=Name:Value} (repeatable). A malformed
 * parameter answers 400. Text bodies ({@code ok}, {@code delayed}, {@code status 503}...) end with
 * a newline.
 *
 * <p>Counters and recorded requests may be read from any thread. The origin runs on its own two
 * daemon event-loop threads: a launcher that must outlive {@code main} calls {@link #awaitStop()}.
 */
public final class DemoOrigin implements AutoCloseable {

    /** The response header naming the origin that answered. */
    public static final String ORIGIN_HEADER = "X-Origin";

    /** How many requests {@link #requests()} remembers. */
    public static final int RECORDED_REQUESTS = OriginStats.RECORDED_LIMIT;

    private static final int IO_THREADS = 2;

    private final Options options;
    private final EventLoopGroup group;
    private final Channel server;
    private final ChannelGroup channels;
    private final OriginStats stats;
    private final AtomicInteger health;
    private final AtomicLong extraDelay;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private DemoOrigin(Options options, EventLoopGroup group, Channel server, ChannelGroup channels,
                       OriginStats stats, AtomicInteger health, AtomicLong extraDelay) {
        this.options = options;
        this.group = group;
        this.server = server;
        this.channels = channels;
        this.stats = stats;
        this.health = health;
        this.extraDelay = extraDelay;
    }

    /**
     * Binds and returns once the origin is listening.
     *
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static DemoOrigin start(Options options) throws InterruptedException {
        requireNonNull(options, "options");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(IO_THREADS,
                new DefaultThreadFactory("ferry-origin-" + options.name(), true), NioIoHandler.newFactory());
        ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        OriginStats stats = new OriginStats();
        AtomicInteger health = new AtomicInteger(200);
        AtomicLong extraDelay = new AtomicLong();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new OriginInitializer(options, channels, stats, 
                        new Endpoints(options.name(), health::get, extraDelay::get,
                                options.keepAliveIdleClose() == null ? 0 : options.keepAliveIdleClose().toSeconds())));
        ChannelFuture bind = bootstrap.bind(options.host(), options.port()).await();
        if (!bind.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            Throwable cause = bind.cause();
            String where = options.host() + ":" + options.port();
            if (cause instanceof IOException io) {
                throw new UncheckedIOException("cannot bind demo origin to " + where, io);
            }
            throw new IllegalStateException("cannot bind demo origin to " + where, cause);
        }
        channels.add(bind.channel());
        return new DemoOrigin(options, group, bind.channel(), channels, stats, health, extraDelay);
    }

    public Options options() {
        return options;
    }

    /** The port actually bound, useful when the options asked for port 0. */
    public int port() {
        return address().getPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** {@code http://host:port} (or {@code https}), without a trailing slash. */
    public String baseUrl() {
        String host = address().getHostString();
        host = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return (options.tls() == null ? "http://" : "https://") + host + ":" + port();
    }

    /** TCP connections accepted since start or the last {@link #reset()}. */
    public int connectionsAccepted() {
        return stats.connectionsAccepted();
    }

    /** Connections open right now; 0 once the origin or its peers closed them all. */
    public int openConnections() {
        // the listening channel is in the group too
        return Math.max(0, channels.size() - (server.isOpen() ? 1 : 0));
    }

    /** Request heads decoded without error since start or the last {@link #reset()}. */
    public int requestsReceived() {
        return stats.requestsReceived();
    }

    /** Raw bytes read from every socket (before TLS and HTTP decoding). */
    public long bytesReceived() {
        return stats.bytesReceived();
    }

    /**
     * The last {@value #RECORDED_REQUESTS} requests, oldest first. A request is recorded once its body
     * has been read, or when its connection closes before that (then {@link RecordedRequest#complete()}
     * is false).
     */
    public List<RecordedRequest> requests() {
        return stats.recorded();
    }

    /** Zeroes the counters and forgets the recorded requests; open connections stay open. */
    public void reset() {
        stats.reset();
    }

    /**
     * Delays every answer but {@code /healthz} by this much from now on (0 by default): a slow
     * server, for balancing tests.
     */
    public void setResponseDelay(java.time.Duration delay) {
        extraDelay.set(delay.toMillis());
    }

    /** The status {@code /healthz} answers from now on, 200 by default. */
    public void setHealthStatus(int status) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("health status must be 200-599: " + status);
        }
        health.set(status);
    }

    public int healthStatus() {
        return health.get();
    }

    /**
     * Closes the listener and every open connection, then stops the event loops. When it returns, new
     * connections are refused. Idempotent. Blocks, so it must not be called from the origin's own
     * event loop.
     */
    public synchronized void stop() {
        if (stopped.getCount() == 0) {
            return;
        }
        server.close().awaitUninterruptibly();
        channels.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        stopped.countDown();
    }

    /** Blocks until {@link #stop()} has completed. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        stop();
    }

    /** The SHA-256 (lower-case hex) of the first {@code n} bytes that {@code /bytes/{n}} sends. */
    public static String expectedSha256(long n) {
        return BytePattern.sha256(n);
    }

    /** Byte {@code index} of the pattern every generated body uses: {@code index % 251}. */
    public static byte patternByte(long index) {
        return BytePattern.at(index);
    }

    @Override
    public String toString() {
        return "DemoOrigin[" + options.name() + " " + baseUrl() + "]";
    }

    /**
     * How to start an origin.
     *
     * @param host               the address to bind
     * @param port               0 for any free port
     * @param keepAliveIdleClose when set, a connection with no request in flight for this long is
     *                           closed by the origin; null never closes idle connections
     * @param name               sent in {@code X-Origin}; null means {@code origin}
     * @param tls                when set, the origin speaks HTTPS (and WSS) only
     */
    public record Options(String host, int port, Duration keepAliveIdleClose, String name, SslContext tls) {

        public Options {
            requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            if (keepAliveIdleClose != null && (keepAliveIdleClose.isNegative() || keepAliveIdleClose.isZero())) {
                throw new IllegalArgumentException("keepAliveIdleClose must be positive: " + keepAliveIdleClose);
            }
            name = name == null ? "origin" : name;
        }

        /** 127.0.0.1, any free port, idle connections kept, named {@code origin}, plain HTTP. */
        public static Options defaults() {
            return new Options("127.0.0.1", 0, null, "origin", null);
        }

        public Options withHost(String host) {
            return new Options(host, port, keepAliveIdleClose, name, tls);
        }

        public Options withPort(int port) {
            return new Options(host, port, keepAliveIdleClose, name, tls);
        }

        public Options withKeepAliveIdleClose(Duration keepAliveIdleClose) {
            return new Options(host, port, keepAliveIdleClose, name, tls);
        }

        public Options withName(String name) {
            return new Options(host, port, keepAliveIdleClose, name, tls);
        }

        public Options withTls(SslContext tls) {
            return new Options(host, port, keepAliveIdleClose, name, tls);
        }
    }
}
