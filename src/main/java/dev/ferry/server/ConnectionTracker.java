package dev.ferry.server;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client connections open over all listeners: enforces {@code max_connections} and lets a
 * graceful shutdown signal them and wait until they are gone.
 */
final class ConnectionTracker {

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final ChannelGroup channels = new DefaultChannelGroup("ferry-clients", GlobalEventExecutor.INSTANCE);
    private volatile CountDownLatch drained;

    ConnectionTracker(int max) {
        this.max = max;
    }

    /** Counts {@code channel} as open until it closes, or returns false when the limit is reached. */
    boolean tryOpen(Channel channel) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return false;
        }
        channels.add(channel);
        channel.closeFuture().addListener(f -> {
            if (open.decrementAndGet() == 0 && drained != null) {
                drained.countDown();
            }
        });
        return true;
    }

    int open() {
        return open.get();
    }

    ChannelGroup channels() {
        return channels;
    }

    /** Waits until every tracked connection closed, at most {@code timeout}; true if they did. */
    boolean awaitAllClosed(Duration timeout) throws InterruptedException {
        drained = new CountDownLatch(1);
        if (open.get() == 0) {
            return true;
        }
        return drained.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
