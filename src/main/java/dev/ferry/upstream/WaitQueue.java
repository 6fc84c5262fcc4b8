package dev.ferry.upstream;

import dev.ferry.config.QueueConfig;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The waiting room of an upstream whose servers are all at {@code max_connections}: bounded in
 * size and in time. A waiter is woken on its own event loop when a server slot frees; one that
 * waits too long, or finds the room full, gets a 503 at once.
 */
final class WaitQueue {

    private final int capacity;
    private final long timeoutNanos;
    private final ConcurrentLinkedDeque<Waiter> waiters = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();

    WaitQueue(QueueConfig config) {
        this.capacity = config.size();
        this.timeoutNanos = config.timeout().toNanos();
    }

    /** Requests waiting now. */
    int size() {
        return size.get();
    }

    /**
     * Enqueues {@code request}; false when the room is full. {@code request.retryPick()} runs on
     * its event loop when a slot frees, {@code request.queueTimedOut()} when it waited too long.
     */
    boolean offer(UpstreamRequest request, boolean first) {
        while (true) {
            int n = size.get();
            if (n >= capacity) {
                return false;
            }
            if (size.compareAndSet(n, n + 1)) {
                break;
            }
        }
        Waiter waiter = new Waiter(request);
        waiter.timer = request.eventLoop().schedule(() -> {
            if (waiter.claim()) {
                request.queueTimedOut();
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        if (first) {
            waiters.offerFirst(waiter);
        } else {
            waiters.offerLast(waiter);
        }
        return true;
    }

    /** A server slot was freed: the longest waiter tries again. */
    void wakeOne() {
        Waiter waiter;
        while ((waiter = waiters.pollFirst()) != null) {
            if (waiter.claim()) {
                waiter.timer.cancel(false);
                UpstreamRequest request = waiter.request;
                request.eventLoop().execute(request::retryPick);
                return;
            }
        }
    }

    /** Drops a waiter whose client went away. */
    void remove(UpstreamRequest request) {
        for (Waiter waiter : waiters) {
            if (waiter.request == request && waiter.claim()) {
                waiter.timer.cancel(false);
                waiters.remove(waiter);
                return;
            }
        }
    }

    private final class Waiter {
        final UpstreamRequest request;
        final AtomicBoolean done = new AtomicBoolean();
        volatile ScheduledFuture<?> timer;

        Waiter(UpstreamRequest request) {
            this.request = request;
        }

        /** Whoever claims the waiter first (wake, timeout, removal) decides its fate. */
        boolean claim() {
            if (done.compareAndSet(false, true)) {
                size.decrementAndGet();
                return true;
            }
            return false;
        }
    }
}
