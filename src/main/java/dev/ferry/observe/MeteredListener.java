package dev.ferry.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A listener's meters. Requests are counted per route (with its upstream), status class and cache
 * outcome; each combination's counter is registered the first time it occurs, then found by index.
 */
final class MeteredListener implements ListenerMetrics {

    /** Route label for requests the forward proxy took, and for those no route took. */
    static final String FORWARD_PROXY = "forward_proxy";
    static final String NONE = "none";

    private static final int OUTCOMES = CacheOutcome.values().length;

    private final FerryMetrics metrics;
    private final String listener;
    private final Map<String, Route> routes = new HashMap<>();
    private final Route forwardProxy;
    private final Route unrouted;
    private final AtomicInteger open;
    private final Counter accepted;
    private final Counter refused;

    /** @param open the listener's open connections, shared by every handle of the listener's name */
    MeteredListener(FerryMetrics metrics, String listener, Map<String, String> routeUpstreams, AtomicInteger open) {
        this.open = open;
        this.metrics = metrics;
        this.listener = listener;
        // Configured routes show in the histogram from the start; the other two once they occur.
        routeUpstreams.forEach((route, upstream) -> routes.put(route, new Route(route, upstream).withLatency()));
        this.forwardProxy = new Route(FORWARD_PROXY, FORWARD_PROXY);
        this.unrouted = new Route(NONE, NONE);
        accepted = Counter.builder("ferry.connections.accepted").description("Client connections accepted")
                .tag("listener", listener).register(metrics.registry());
        refused = Counter.builder("ferry.connections.refused")
                .description("Client connections refused because max_connections were open")
                .tag("listener", listener).register(metrics.registry());
    }

    @Override
    public void connectionOpened() {
        open.incrementAndGet();
        accepted.increment();
    }

    @Override
    public void connectionClosed() {
        open.decrementAndGet();
    }

    @Override
    public void connectionRefused() {
        refused.increment();
    }

    @Override
    public void requestFinished(String route, boolean forwardProxied, int status, String cacheStatus, long nanos,
                                boolean tunnel) {
        Route meters = route != null ? routes.getOrDefault(route, unrouted) : forwardProxied ? forwardProxy : unrouted;
        meters.count(status, CacheOutcome.of(cacheStatus));
        if (!tunnel) {
            meters.latency().record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void requestRejected(int status) {
        unrouted.count(status, CacheOutcome.NONE);
    }

    private final class Route {
        final String name;
        final String upstream;
        final AtomicReferenceArray<Counter> counters =
                new AtomicReferenceArray<>(StatusClass.LABELS.length * OUTCOMES);
        private volatile Timer latency;

        Route(String name, String upstream) {
            this.name = name;
            this.upstream = upstream;
        }

        Route withLatency() {
            latency();
            return this;
        }

        Timer latency() {
            Timer timer = latency;
            if (timer == null) {
                timer = metrics.latencyTimer(FerryMetrics.REQUEST_DURATION,
                        "Time from a request's head to the end of its response", "listener", listener, "route", name);
                latency = timer;
            }
            return timer;
        }

        void count(int status, CacheOutcome outcome) {
            int statusClass = StatusClass.of(status);
            int index = statusClass * OUTCOMES + outcome.ordinal();
            Counter counter = counters.get(index);
            if (counter == null) {
                // Registering twice is harmless: the registry hands back the same counter.
                counter = Counter.builder(FerryMetrics.REQUESTS)
                        .description("Requests answered, by listener, route, upstream, status class and cache outcome")
                        .tags("listener", listener, "route", name, "upstream", upstream,
                                "status_class", StatusClass.LABELS[statusClass], "cache", outcome.label())
                        .register(metrics.registry());
                counters.set(index, counter);
            }
            counter.increment();
        }
    }
}
