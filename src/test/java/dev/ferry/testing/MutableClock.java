package dev.ferry.testing;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it, so that ages and expiry are driven by the test
 * instead of by sleeping. Safe to read from any thread; copies made by {@link #withZone} move with
 * it.
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    public MutableClock(Instant start) {
        this(new AtomicReference<>(requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** Moves the clock forward (or back, with a negative amount). */
    public void advance(Duration amount) {
        requireNonNull(amount, "amount");
        now.updateAndGet(instant -> instant.plus(amount));
    }

    @Override
    public long millis() {
        return now.get().toEpochMilli();
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new MutableClock(now, requireNonNull(zone, "zone"));
    }
}
