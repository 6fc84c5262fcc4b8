package dev.ferry.http;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A timeout that is cheap to re-arm on every read: one task is scheduled at a time and, when it
 * fires early because the deadline moved, it reschedules itself for the rest. Arming and
 * disarming are a few field writes, so hot paths can do it per request without allocating.
 * Confined to one event loop.
 */
public final class Deadline implements Runnable {

    private final EventExecutor executor;
    private final Runnable onExpiry;
    private boolean armed;
    private long deadline;
    private ScheduledFuture<?> task;
    private long taskAt;

    public Deadline(EventExecutor executor, Runnable onExpiry) {
        this.executor = executor;
        this.onExpiry = onExpiry;
    }

    /** Expires {@code delayNanos} from now, replacing any earlier arming. */
    public void arm(long delayNanos) {
        long now = System.nanoTime();
        deadline = now + delayNanos;
        armed = true;
        if (task != null && taskAt - deadline > 0) {
            task.cancel(false);
            task = null;
        }
        if (task == null) {
            schedule(now, delayNanos);
        }
    }

    public void disarm() {
        armed = false;
    }

    /** Disarms and drops the scheduled task; for when the channel closes. */
    public void cancel() {
        armed = false;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    public boolean armed() {
        return armed;
    }

    @Override
    public void run() {
        task = null;
        if (!armed) {
            return;
        }
        long now = System.nanoTime();
        long left = deadline - now;
        if (left <= 0) {
            armed = false;
            onExpiry.run();
        } else {
            schedule(now, left);
        }
    }

    private void schedule(long now, long delayNanos) {
        taskAt = now + delayNanos;
        task = executor.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }
}
