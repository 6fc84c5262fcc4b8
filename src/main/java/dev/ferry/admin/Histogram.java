package dev.ferry.admin;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Cumulative bucket counts of one or more latency timers at one moment. Two of them give the
 * requests in between, and their percentiles by linear interpolation within a bucket, as
 * Prometheus's {@code histogram_quantile} does.
 *
 * @param bounds bucket upper bounds in seconds (the last bucket, +Inf, is implied)
 * @param cumulative requests at or below each bound
 * @param count every request, the +Inf bucket included
 * @param totalSeconds their summed duration
 */
record Histogram(double[] bounds, long[] cumulative, long count, double totalSeconds) {

    static final Histogram EMPTY = new Histogram(new double[0], new long[0], 0, 0);

    /** The sum of {@code timers}, which must share their buckets (all of Ferry's do). */
    static Histogram of(Collection<Timer> timers) {
        double[] bounds = null;
        long[] cumulative = null;
        long count = 0;
        double total = 0;
        for (Timer timer : timers) {
            HistogramSnapshot snapshot = timer.takeSnapshot();
            CountAtBucket[] buckets = snapshot.histogramCounts();
            if (bounds == null) {
                bounds = new double[buckets.length];
                cumulative = new long[buckets.length];
                for (int i = 0; i < buckets.length; i++) {
                    bounds[i] = buckets[i].bucket(TimeUnit.SECONDS);
                }
            }
            for (int i = 0; i < Math.min(buckets.length, cumulative.length); i++) {
                cumulative[i] += (long) buckets[i].count();
            }
            count += snapshot.count();
            total += snapshot.total(TimeUnit.SECONDS);
        }
        return bounds == null ? EMPTY : new Histogram(bounds, cumulative, count, total);
    }

    /** What was recorded after {@code earlier}. */
    Histogram since(Histogram earlier) {
        if (earlier.cumulative.length != cumulative.length) {
            return this;
        }
        long[] delta = new long[cumulative.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = cumulative[i] - earlier.cumulative[i];
        }
        return new Histogram(bounds, delta, count - earlier.count, totalSeconds - earlier.totalSeconds);
    }

    /** The {@code q} quantile (0..1) in milliseconds, or NaN when nothing was recorded. */
    double quantileMillis(double q) {
        if (count <= 0) {
            return Double.NaN;
        }
        double rank = q * count;
        long below = 0;
        double lower = 0;
        for (int i = 0; i < cumulative.length; i++) {
            if (cumulative[i] >= rank) {
                long inBucket = cumulative[i] - below;
                double fraction = inBucket == 0 ? 1 : (rank - below) / inBucket;
                return (lower + fraction * (bounds[i] - lower)) * 1000;
            }
            below = cumulative[i];
            lower = bounds[i];
        }
        // Beyond the last bound: all that is known is that it took longer.
        return lower * 1000;
    }

    /** Mean in milliseconds, or NaN when nothing was recorded. */
    double meanMillis() {
        return count <= 0 ? Double.NaN : totalSeconds / count * 1000;
    }
}
