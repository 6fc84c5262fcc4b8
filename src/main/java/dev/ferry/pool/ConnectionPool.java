package dev.ferry.pool;

import dev.ferry.config.PoolConfig;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Idle keep-alive connections, kept per event loop and per destination. Each event loop owns its
 * own set and only its thread touches it, so there are no locks: a request borrows a connection
 * of its own event loop, as the client connection and the upstream connection share that loop.
 *
 * <p>Connections are reused most-recently-idle first, so under light load the rest age out. An
 * idle connection is dropped after {@code idle_timeout}, and whenever it is found closed (the
 * server may close idle connections first).
 */
public final class ConnectionPool {

    private final int maxIdle;
    private final long idleTimeoutNanos;
    /** Idle connections over every event loop, for metrics (each loop's own sets are not readable elsewhere). */
    private final LongAdder idleTotal = new LongAdder();
    private final FastThreadLocal<LoopPool> loops = new FastThreadLocal<>() {
        @Override
        protected LoopPool initialValue() {
            return new LoopPool();
        }
    };

    public ConnectionPool(PoolConfig config) {
        this.maxIdle = config.maxIdle();
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
    }

    /** An open idle connection to {@code destination} owned by the calling event loop, or null. */
    public Channel poll(SocketAddress destination) {
        ArrayDeque<Idle> idle = loops.get().idle.get(destination);
        if (idle == null) {
            return null;
        }
        long now = System.nanoTime();
        Idle entry;
        while ((entry = idle.pollLast()) != null) {
            idleTotal.decrement();
            if (entry.channel.isActive() && now - entry.since < entry.maxIdle) {
                return entry.channel;
            }
            entry.channel.close();
        }
        return null;
    }

    /**
     * Keeps {@code channel} for a later request to {@code destination}, or closes it when that
     * destination already has {@code max_idle} idle connections on this event loop.
     */
    public void offer(SocketAddress destination, Channel channel) {
        offer(destination, channel, 0);
    }

    /**
     * As {@link #offer(SocketAddress, Channel)}, for at most {@code maxIdleNanos} of idle time
     * (the server said it closes idle connections; 0 means the pool's own idle timeout).
     */
    public void offer(SocketAddress destination, Channel channel, long maxIdleNanos) {
        LoopPool pool = loops.get();
        ArrayDeque<Idle> idle = pool.idle.computeIfAbsent(destination, d -> new ArrayDeque<>());
        if (idle.size() >= maxIdle || !channel.isActive()) {
            channel.close();
            return;
        }
        long limit = maxIdleNanos > 0 ? Math.min(maxIdleNanos, idleTimeoutNanos) : idleTimeoutNanos;
        idle.addLast(new Idle(channel, System.nanoTime(), limit));
        idleTotal.increment();
        pool.scheduleSweep(channel.eventLoop());
    }

    /** Idle connections kept now, over every event loop. */
    public long idleTotal() {
        return idleTotal.sum();
    }

    /** Idle connections of the calling event loop, for tests and stats. */
    public int idleCount(SocketAddress destination) {
        ArrayDeque<Idle> idle = loops.get().idle.get(destination);
        return idle == null ? 0 : idle.size();
    }

    private record Idle(Channel channel, long since, long maxIdle) {
    }

    /** The idle connections of one event loop. */
    private final class LoopPool {
        final Map<SocketAddress, ArrayDeque<Idle>> idle = new HashMap<>();
        boolean sweepScheduled;

        void scheduleSweep(EventLoop loop) {
            if (!sweepScheduled) {
                sweepScheduled = true;
                loop.schedule(() -> sweep(loop), idleTimeoutNanos, TimeUnit.NANOSECONDS);
            }
        }

        /** Closes connections idle for too long; runs while any connection is kept. */
        void sweep(EventLoop loop) {
            sweepScheduled = false;
            long now = System.nanoTime();
            boolean any = false;
            for (Iterator<ArrayDeque<Idle>> it = idle.values().iterator(); it.hasNext(); ) {
                ArrayDeque<Idle> queue = it.next();
                // Oldest first: stop at the first one still young enough.
                Idle entry;
                while ((entry = queue.peekFirst()) != null
                        && (now - entry.since >= entry.maxIdle || !entry.channel.isActive())) {
                    queue.pollFirst();
                    idleTotal.decrement();
                    entry.channel.close();
                }
                if (queue.isEmpty()) {
                    it.remove();
                } else {
                    any = true;
                }
            }
            if (any) {
                scheduleSweep(loop);
            }
        }
    }
}
