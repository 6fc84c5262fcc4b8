package dev.ferry;

/**
 * The one clock read wherever elapsed time matters (health, ejections, slow start, later cache
 * ages and token buckets), so tests can move time instead of sleeping. Nanoseconds, monotonic.
 */
@FunctionalInterface
public interface Ticker {

    Ticker SYSTEM = System::nanoTime;

    long nanos();
}
