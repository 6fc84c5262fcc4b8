package dev.ferry.ratelimit;

/**
 * The generic cell rate algorithm: a token bucket of {@code burst} requests refilled one every
 * {@code interval}, kept as a single number per key, the theoretical arrival time (TAT) of the
 * next request. A request at {@code now} is allowed when {@code max(tat, now) + interval - now}
 * stays within {@code burst × interval}; the TAT then moves on by one interval. One number makes
 * the local table lock-free (one compare-and-set) and the Redis version one small script.
 */
final class Gcra {

    private Gcra() {
    }

    /** The decision for a request at {@code now} given the stored {@code tat} (or {@code now} when none). */
    static Decision decide(long tat, long now, long interval, long burst) {
        long start = Math.max(tat, now);
        long next = start + interval;
        long allowance = burst * interval;
        if (next - now > allowance) {
            long retry = next - now - allowance;
            return new Decision(false, 0, start - now, retry);
        }
        long remaining = (allowance - (next - now)) / interval;
        return new Decision(true, remaining, next - now, 0);
    }

    /** The TAT to store after an allowed request. */
    static long advance(long tat, long now, long interval) {
        return Math.max(tat, now) + interval;
    }
}
