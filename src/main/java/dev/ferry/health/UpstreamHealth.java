package dev.ferry.health;

import dev.ferry.Ticker;
import dev.ferry.config.HealthConfig;
import dev.ferry.tls.ClientTls;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The health watch of one upstream: creates each server's {@link ServerHealth} and runs the
 * active checks, each server on its own schedule: {@code interval} spread by ±10% so servers are
 * not probed in step, the first check soon after start so a dead server is found quickly.
 */
public final class UpstreamHealth implements AutoCloseable {

    private final String upstream;
    private final HealthConfig config;
    private final Ejections ejections;
    private final Ticker ticker;
    private final Clock clock;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private volatile boolean closed;

    public UpstreamHealth(String upstream, HealthConfig config, int servers, Ticker ticker, Clock clock) {
        this.upstream = upstream;
        this.config = config;
        this.ejections = new Ejections(servers, config.outlier().map(HealthConfig.Outlier::maxEjectedPercent).orElse(0));
        this.ticker = ticker;
        this.clock = clock;
    }

    public ServerHealth newServer(String server) {
        return new ServerHealth(upstream, server, config, ejections, ticker, clock);
    }

    /** Whether to try unhealthy servers when none is available. */
    public boolean failOpen() {
        return config.failOpen();
    }

    /** Starts the active checks (if configured) of {@code servers}. */
    public void start(List<Watched> servers, EventLoopGroup group, Class<? extends SocketChannel> channelType) {
        config.check().ifPresent(check -> {
            Probe probe = new Probe(check, channelType);
            long interval = check.interval().toNanos();
            for (Watched server : servers) {
                EventLoop loop = group.next();
                schedule(loop, probe, server, ThreadLocalRandom.current().nextLong(interval / 10 + 1));
            }
        });
    }

    private void schedule(EventLoop loop, Probe probe, Watched server, long delayNanos) {
        if (closed) {
            return;
        }
        synchronized (timers) {
            timers.removeIf(ScheduledFuture::isDone);
            timers.add(loop.schedule(() -> probe.run(loop, server.address(), server.tls(), failure -> {
                if (failure == null) {
                    server.health().checkPassed();
                } else {
                    server.health().checkFailed(failure);
                }
                schedule(loop, probe, server, jittered(config.check().get().interval().toNanos()));
            }), delayNanos, TimeUnit.NANOSECONDS));
        }
    }

    private static long jittered(long interval) {
        return interval + ThreadLocalRandom.current().nextLong(-interval / 10, interval / 10 + 1);
    }

    @Override
    public void close() {
        closed = true;
        synchronized (timers) {
            timers.forEach(timer -> timer.cancel(false));
            timers.clear();
        }
    }

    /**
     * A server to check and where its results go.
     *
     * @param tls checks go over TLS (verified like requests) when not null
     */
    public record Watched(InetSocketAddress address, ServerHealth health, ClientTls tls) {

        public Watched(InetSocketAddress address, ServerHealth health) {
            this(address, health, null);
        }
    }
}
