package dev.ferry.upstream;

import dev.ferry.config.QueueConfig;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The waiting room of an upstream whose servers are all at {@code max_connections}: bounded in
 * size and in time. When a server frees a slot, the longest waiter that can use that server (it
 * has not tried it yet) is woken on its own event loop; one that waits too long, or finds the
 * room full, gets a 503. Waking, timing out and leaving race; whoever claims a waiter first wins.
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

    /** The queue timeout from now, for a request that starts waiting. */
    long deadlineFromNow() {
        return System.nanoTime() + timeoutNanos;
    }

    /**
     * Enqueues {@code request} until {@code deadline} (System.nanoTime); false when the room is
     * full or the deadline has passed. {@code request.retryPick()} runs on its event loop when it
     * is woken, {@code request.queueTimedOut()} when the deadline comes first.
     *
     * @param first put it at the head (it was woken and is waiting again)
     */
    boolean offer(UpstreamRequest request, long deadline, boolean first) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
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
                waiters.remove(waiter);
                request.queueTimedOut();
            }
        }, left, TimeUnit.NANOSECONDS);
        if (first) {
            waiters.offerFirst(waiter);
        } else {
            waiters.offerLast(waiter);
        }
        return true;
    }

    /** {@code freed} has a free slot: the longest waiter that can use it tries again. */
    void wake(Server freed) {
        for (Waiter waiter : waiters) {
            if (waiter.request.couldUse(freed) && waiter.claim()) {
                waiters.remove(waiter);
                waiter.timer.cancel(false);
                UpstreamRequest request = waiter.request;
                request.eventLoop().execute(request::retryPick);
                return;
            }
        }
    }

    /** Takes {@code request} out of the queue; false when a wake-up or timeout claimed it first. */
    boolean remove(UpstreamRequest request) {
        for (Waiter waiter : waiters) {
            if (waiter.request == request) {
                if (waiter.claim()) {
                    waiter.timer.cancel(false);
                    waiters.remove(waiter);
                    return true;
                }
                return false;
            }
        }
        return false;
    }

    private final class Waiter {
        final UpstreamRequest request;
        final AtomicBoolean done = new AtomicBoolean();
        volatile ScheduledFuture<?> timer;

        Waiter(UpstreamRequest request) {
            this.request = request;
        }

        boolean claim() {
            if (done.compareAndSet(false, true)) {
                size.decrementAndGet();
                return true;
            }
            return false;
        }
    }
}
