package dev.ferry.upstream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps retries so that a failing upstream is not hit by a retry storm: retries in flight may be at
 * most a share ({@code budget}, the route's or the upstream's) of the requests in flight to the
 * upstream, but always at least {@value #MIN_RETRIES} (so a lone request can still be retried), as
 * Envoy's retry budgets do.
 */
final class RetryBudget {

    static final int MIN_RETRIES = 3;

    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();

    void requestStarted() {
        requests.incrementAndGet();
    }

    void requestFinished() {
        requests.decrementAndGet();
    }

    /** Takes a retry token, or returns false when {@code percent} of the requests in flight are already retries. */
    boolean tryRetry(int percent) {
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
