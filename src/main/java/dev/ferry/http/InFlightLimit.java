package dev.ferry.http;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts requests being served over all listeners and refuses those beyond the limit. */
public final class InFlightLimit {

    private final int max;
    private final AtomicInteger inFlight = new AtomicInteger();

    public InFlightLimit(int max) {
        this.max = max;
    }

    /** Takes a slot, or returns false at once when none is free. */
    public boolean tryAcquire() {
        while (true) {
            int n = inFlight.get();
            if (n >= max) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void release() {
        inFlight.decrementAndGet();
    }

    public int current() {
        return inFlight.get();
    }
}
