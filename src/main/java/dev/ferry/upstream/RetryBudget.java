package dev.ferry.upstream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps retries so that a failing upstream is not hit by a retry storm: retries in flight may be at
 * most {@code percent} of the requests in flight, but always at least {@value #MIN_RETRIES} (so a
 * lone request can still be retried), as Envoy's retry budgets do.
 */
final class RetryBudget {

    static final int MIN_RETRIES = 3;

    private final int percent;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();

    RetryBudget(int percent) {
        this.percent = percent;
    }

    void requestStarted() {
        requests.incrementAndGet();
    }

    void requestFinished() {
        requests.decrementAndGet();
    }

    /** Takes a retry token, or returns false when the budget is spent. */
    boolean tryRetry() {
        int allowed = Math.max(MIN_RETRIES, requests.get() * percent / 100);
        while (true) {
            int n = retries.get();
            if (n >= allowed) {
                return false;
            }
            if (retries.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void retryFinished() {
        retries.decrementAndGet();
    }

    int retriesInFlight() {
        return retries.get();
    }
}
