package dev.ferry.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ferry.observe.FerryMetrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Percentiles of the requests between two samples, from Ferry's histogram buckets. */
class HistogramTest {

    private static final double[] BOUNDS = {0.001, 0.01, 0.1, 1};

    @Test
    void interpolatesWithinTheBucketAsPrometheusDoes() {
        // 100 requests: 50 up to 1 ms, 40 more up to 10 ms, 10 more up to 100 ms.
        Histogram histogram = new Histogram(BOUNDS, new long[] {50, 90, 100, 100}, 100, 1.0);
        assertThat(histogram.quantileMillis(0.5)).isCloseTo(1.0, within(1e-9));
        assertThat(histogram.quantileMillis(0.25)).isCloseTo(0.5, within(1e-9));
        assertThat(histogram.quantileMillis(0.7)).isCloseTo(1 + 9 * 0.5, within(1e-9));
        assertThat(histogram.quantileMillis(0.99)).isCloseTo(10 + 90 * 0.9, within(1e-9));
        assertThat(histogram.meanMillis()).isCloseTo(10, within(1e-9));
    }

    @Test
    void requestsBeyondTheLastBoundReportIt() {
        Histogram histogram = new Histogram(BOUNDS, new long[] {0, 0, 0, 0}, 3, 9.0);
        assertThat(histogram.quantileMillis(0.5)).isEqualTo(1000);
    }

    @Test
    void onlyWhatHappenedSinceTheEarlierSampleCounts() {
        Histogram earlier = new Histogram(BOUNDS, new long[] {10, 10, 10, 10}, 10, 0.005);
        Histogram later = new Histogram(BOUNDS, new long[] {10, 20, 20, 20}, 20, 0.1);
        Histogram between = later.since(earlier);
        assertThat(between.count()).isEqualTo(10);
        assertThat(between.quantileMillis(0.5)).isCloseTo(1 + 9 * 0.5, within(1e-9));
        assertThat(Histogram.EMPTY.quantileMillis(0.5)).isNaN();
        assertThat(later.since(later).quantileMillis(0.99)).isNaN();
    }

    @Test
    void readsFerrysTimersCumulatively() {
        try (FerryMetrics metrics = new FerryMetrics()) {
            Timer timer = metrics.registry().find(FerryMetrics.REQUEST_DURATION).timer();
            assertThat(timer).isNull();
            metrics.listener("edge", java.util.Map.of("all", "origin"))
                    .requestFinished("all", false, 200, null, Duration.ofMillis(3).toNanos(), false);
            metrics.listener("edge2", java.util.Map.of("all", "origin"))
                    .requestFinished("all", false, 200, null, Duration.ofMillis(30).toNanos(), false);
            Histogram sum = Histogram.of(metrics.registry().find(FerryMetrics.REQUEST_DURATION).timers());
            assertThat(sum.count()).isEqualTo(2);
            assertThat(sum.bounds()).hasSize(FerryMetrics.LATENCY_BUCKETS.length);
            assertThat(sum.bounds()[0]).isCloseTo(0.0001, within(1e-12));
            // Cumulative: the 5 ms bucket holds the first, the 50 ms bucket both.
            assertThat(sum.cumulative()[List.of(0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005).size() - 1]).isEqualTo(1);
            assertThat(sum.cumulative()[8]).isEqualTo(2);
            assertThat(sum.quantileMillis(0.5)).isBetween(2.0, 5.0);
        }
    }
}
