package dev.ferry.admin;

import dev.ferry.config.AdminConfig;
import dev.ferry.server.FerryServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: a small HTTP/1.1 server on Ferry's own event loops for {@code /metrics},
 * {@code /healthz}, {@code /readyz}, the admin API and the dashboard. The event loops only decode
 * and write; every answer is computed on one admin thread, which also samples the counters each
 * second for the dashboard's rates.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("ferry.admin");
    private static final int MAX_BODY = 64 * 1024;
    private static final int IDLE_SECONDS = 60;

    private final Channel channel;
    private final ChannelGroup connections;
    private final ScheduledExecutorService executor;

    private AdminServer(Channel channel, ChannelGroup connections, ScheduledExecutorService executor) {
        this.channel = channel;
        this.connections = connections;
        this.executor = executor;
    }

    /**
     * Binds {@code config.bind()} on {@code group} and starts answering.
     *
     * @throws Exception when the address cannot be bound
     */
    public static AdminServer start(FerryServer ferry, AdminConfig config, EventLoopGroup group,
                                    Class<? extends ServerChannel> channelType) throws Exception {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ferry-admin");
            thread.setDaemon(true);
            return thread;
        });
        try {
            StatsSampler sampler = new StatsSampler(ferry);
            AdminRouter router = new AdminRouter(ferry, config, sampler, new Assets());
            ChannelGroup connections = new DefaultChannelGroup("ferry-admin", GlobalEventExecutor.INSTANCE);
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(channelType)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            connections.add(ch);
                            ch.pipeline()
                                    .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS))
                                    .addLast("http", new HttpServerCodec())
                                    .addLast("aggregator", new HttpObjectAggregator(MAX_BODY))
                                    .addLast("admin", new AdminHandler(router, executor));
                        }
                    })
                    .bind(new InetSocketAddress(config.bind().host(), config.bind().port())).sync().channel();
            executor.scheduleAtFixedRate(sampler::sample, 0, 1, TimeUnit.SECONDS);
            InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
            log.info("admin listener on {}: dashboard http://{}/, metrics /metrics{}", bound, hostPort(bound),
                    config.token().isPresent() ? " (bearer token required for /metrics and /api)" : "");
            if (config.token().isEmpty() && !bound.getAddress().isLoopbackAddress()) {
                log.warn("the admin listener on {} is not on loopback and has no token: anyone who can reach it "
                        + "can purge caches and drain servers; set admin.token", bound);
            }
            return new AdminServer(channel, connections, executor);
        } catch (Exception e) {
            executor.shutdownNow();
            throw e;
        }
    }

    /** {@code host:port} for a URL, IPv6 in brackets, the wildcard as loopback. */
    static String hostPort(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip.isAnyLocalAddress() ? "127.0.0.1" : ip.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops accepting, closes admin connections and stops the admin thread. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        executor.shutdownNow();
    }
}
