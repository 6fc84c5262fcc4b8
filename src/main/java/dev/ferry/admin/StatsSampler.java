package dev.ferry.admin;

import dev.ferry.observe.FerryMetrics;
import dev.ferry.server.FerryServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples Ferry's counters once a second and keeps the last two minutes, so the admin API can
 * answer with rates (requests per second by status class), recent latency percentiles and the
 * recent cache hit ratio, computed from the differences between samples.
 */
final class StatsSampler {

    static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    /** Two minutes of one-second samples. */
    static final int KEPT = 121;
    /** Per-server latency in the upstream table covers this many seconds. */
    static final int SERVER_WINDOW = 10;

    private final FerryServer ferry;
    private final MeterRegistry registry;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    /**
     * Counters and histograms at one moment.
     *
     * @param byClass requests answered so far, by status class (index as {@link #CLASSES})
     * @param cacheHits requests served from a cache (fresh or stale)
     * @param cacheLookups requests a cache looked up (hits, misses, revalidations)
     * @param servers each upstream server's latency histogram, keyed {@code upstream/server}
     */
    record Sample(long timeMillis, double[] byClass, double cacheHits, double cacheLookups, Histogram latency,
                  int connections, int inFlight, Map<String, Histogram> servers) {

        double total() {
            double sum = 0;
            for (double n : byClass) {
                sum += n;
            }
            return sum;
        }
    }

    /** The change between two samples, per second where it is a rate. */
    record Interval(long timeMillis, double[] ratesByClass, double rate, double p50, double p99, double hitRatio,
                    int connections, int inFlight) {
    }

    StatsSampler(FerryServer ferry) {
        this.ferry = ferry;
        this.registry = ferry.metrics().registry();
    }

    /** Takes a sample now (the admin thread calls this every second). */
    synchronized void sample() {
        samples.addLast(take());
        while (samples.size() > KEPT) {
            samples.removeFirst();
        }
    }

    /** A sample of this moment, not kept. */
    Sample take() {
        double[] byClass = new double[CLASSES.length];
        double hits = 0;
        double lookups = 0;
        for (Counter counter : registry.find(FerryMetrics.REQUESTS).counters()) {
            double n = counter.count();
            int index = java.util.Arrays.asList(CLASSES).indexOf(counter.getId().getTag("status_class"));
            if (index >= 0) {
                byClass[index] += n;
            }
            String cache = counter.getId().getTag("cache");
            if ("hit".equals(cache) || "stale".equals(cache)) {
                hits += n;
                lookups += n;
            } else if ("miss".equals(cache) || "revalidated".equals(cache)) {
                lookups += n;
            }
        }
        Histogram latency = Histogram.of(registry.find(FerryMetrics.REQUEST_DURATION).timers());
        Map<String, Histogram> servers = new HashMap<>();
        for (Timer timer : registry.find(FerryMetrics.UPSTREAM_DURATION).timers()) {
            servers.put(timer.getId().getTag("upstream") + "/" + timer.getId().getTag("server"),
                    Histogram.of(List.of(timer)));
        }
        return new Sample(System.currentTimeMillis(), byClass, hits, lookups, latency, ferry.openConnections(),
                ferry.requestsInFlight(), servers);
    }

    /** The latest sample, or a fresh one before the first. */
    synchronized Sample latest() {
        return samples.isEmpty() ? take() : samples.getLast();
    }

    /** One interval per pair of consecutive samples, oldest first. */
    synchronized List<Interval> intervals() {
        List<Interval> intervals = new ArrayList<>(samples.size());
        Sample previous = null;
        for (Sample sample : samples) {
            if (previous != null) {
                intervals.add(between(previous, sample));
            }
            previous = sample;
        }
        return intervals;
    }

    static Interval between(Sample from, Sample to) {
        double seconds = Math.max(0.001, (to.timeMillis() - from.timeMillis()) / 1000.0);
        double[] rates = new double[CLASSES.length];
        double rate = 0;
        for (int i = 0; i < rates.length; i++) {
            rates[i] = Math.max(0, to.byClass()[i] - from.byClass()[i]) / seconds;
            rate += rates[i];
        }
        Histogram latency = to.latency().since(from.latency());
        double lookups = to.cacheLookups() - from.cacheLookups();
        double hitRatio = lookups > 0 ? (to.cacheHits() - from.cacheHits()) / lookups : Double.NaN;
        return new Interval(to.timeMillis(), rates, rate, latency.quantileMillis(0.5), latency.quantileMillis(0.99),
                hitRatio, to.connections(), to.inFlight());
    }

    /** A server's latency over the last {@value #SERVER_WINDOW} seconds, or an empty histogram. */
    synchronized Histogram serverLatency(String upstream, String server) {
        if (samples.isEmpty()) {
            return Histogram.EMPTY;
        }
        String key = upstream + "/" + server;
        Sample last = samples.getLast();
        Sample first = null;
        int back = 0;
        var it = samples.descendingIterator();
        while (it.hasNext() && back <= SERVER_WINDOW) {
            first = it.next();
            back++;
        }
        Histogram now = last.servers().get(key);
        Histogram then = first == null ? null : first.servers().get(key);
        if (now == null) {
            return Histogram.EMPTY;
        }
        return then == null || first == last ? now : now.since(then);
    }
}
