package dev.ferry.redis;

import dev.ferry.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Ferry away from a Redis that does not answer: after {@code threshold} failed calls in a row
 * the circuit opens and calls fail at once (callers fall back to memory, the origin, or local
 * limits) instead of each waiting for the timeout; after {@code retryAfter} one call probes Redis,
 * and its success closes the circuit again. Each change of state is logged once.
 */
public final class CircuitBreaker {

    /** Closed: calls go to Redis. Open: they fail at once. Half-open: one probe is on its way. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private static final Logger log = LoggerFactory.getLogger("ferry.redis");

    private final int threshold;
    private final long retryAfterNanos;
    private final Ticker ticker;
    private final AtomicInteger failuresInARow = new AtomicInteger();
    private final AtomicLong openedAt = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();
    private volatile State state = State.CLOSED;

    public CircuitBreaker(int threshold, Duration retryAfter, Ticker ticker) {
        this.threshold = threshold;
        this.retryAfterNanos = retryAfter.toNanos();
        this.ticker = ticker;
    }

    /** Whether a call may go to Redis now (when half-open, only the one probe may). */
    public boolean allow() {
        State current = state;
        if (current == State.CLOSED) {
            return true;
        }
        if (current == State.OPEN && ticker.nanos() - openedAt.get() >= retryAfterNanos) {
            synchronized (this) {
                if (state == State.OPEN && ticker.nanos() - openedAt.get() >= retryAfterNanos) {
                    state = State.HALF_OPEN;
                    return true;
                }
            }
        }
        return false;
    }

    public void success() {
        if (failuresInARow.get() != 0) {
            failuresInARow.set(0);
        }
        if (state != State.CLOSED) {
            synchronized (this) {
                if (state != State.CLOSED) {
                    state = State.CLOSED;
                    log.info("Redis answers again: shared caches and rate limits are back in use");
                }
            }
        }
    }

    public void failure(Throwable cause) {
        if (state == State.HALF_OPEN) {
            open("the probe failed: " + describe(cause));
        } else if (failuresInARow.incrementAndGet() >= threshold && state == State.CLOSED) {
            open(threshold + " calls failed in a row, the last: " + describe(cause));
        }
    }

    private synchronized void open(String why) {
        boolean wasClosed = state == State.CLOSED;
        state = State.OPEN;
        openedAt.set(ticker.nanos());
        failuresInARow.set(0);
        if (wasClosed) {
            opened.incrementAndGet();
            log.warn("Redis circuit open ({}): serving from memory and origin, local rate limits", why);
        }
    }

    public State state() {
        return state;
    }

    /** How many times the circuit opened. */
    public long timesOpened() {
        return opened.get();
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
