package dev.ferry.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ferry's metrics: one Micrometer registry per running Ferry, exposed in the Prometheus text format
 * ({@code ferry_*_total} counters, {@code *_seconds} histograms). Labels are drawn from the config
 * (listener, route, upstream, server, cache and limit names) and small fixed sets (status class,
 * cache outcome, failure reason), never from requests, so the number of series is bounded.
 *
 * <p>Hot paths get handles ({@link ListenerMetrics}, {@link UpstreamMetrics}, {@link ServerMetrics})
 * whose meters are looked up once; recording is then an add to a striped counter. What other parts
 * already count (cache statistics, health, pools) is read when scraped, through gauges and function
 * counters registered on {@link #registry()}.
 */
public final class FerryMetrics implements AutoCloseable {

    public static final String REQUESTS = "ferry.requests";
    public static final String REQUEST_DURATION = "ferry.request.duration";
    public static final String UPSTREAM_DURATION = "ferry.upstream.response.duration";

    /**
     * Histogram buckets for request and upstream latency: from 100µs (a cache hit on loopback) to a
     * minute (the default response timeout).
     */
    public static final Duration[] LATENCY_BUCKETS = {
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Open connections by listener name: the gauge reads one counter, however often a listener is rebuilt. */
    private final Map<String, AtomicInteger> openConnections = new ConcurrentHashMap<>();

    public FerryMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        bindNetty();
    }

    /**
     * Netty's direct memory: its own counter when it tracks direct memory itself, else what its
     * allocators report; and each allocator's use.
     */
    private void bindNetty() {
        Gauge.builder("ferry.netty.direct.memory.used", FerryMetrics::nettyDirectMemory)
                .description("Direct memory held by Netty buffers")
                .baseUnit("bytes")
                .register(registry);
        Map<String, ByteBufAllocator> allocators = Map.of(
                "default", ByteBufAllocator.DEFAULT, "unpooled", UnpooledByteBufAllocator.DEFAULT);
        allocators.forEach((name, allocator) -> {
            if (allocator instanceof ByteBufAllocatorMetricProvider provider) {
                Gauge.builder("ferry.netty.allocator.used", provider, p -> p.metric().usedDirectMemory())
                        .tags("allocator", name, "memory", "direct").baseUnit("bytes")
                        .description("Memory used by a Netty allocator").register(registry);
                Gauge.builder("ferry.netty.allocator.used", provider, p -> p.metric().usedHeapMemory())
                        .tags("allocator", name, "memory", "heap").baseUnit("bytes")
                        .description("Memory used by a Netty allocator").register(registry);
            }
        });
    }

    static double nettyDirectMemory() {
        long tracked = PlatformDependent.usedDirectMemory();
        if (tracked >= 0) {
            return tracked;
        }
        long used = 0;
        for (ByteBufAllocator allocator : new ByteBufAllocator[] {ByteBufAllocator.DEFAULT,
                UnpooledByteBufAllocator.DEFAULT}) {
            if (allocator instanceof ByteBufAllocatorMetricProvider provider) {
                used += Math.max(0, provider.metric().usedDirectMemory());
            }
        }
        return used;
    }

    /** Where gauges and function counters over live state are registered. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Every meter in the Prometheus text format (0.0.4), or OpenMetrics when asked for by content type. */
    public String scrape(String contentType) {
        return registry.scrape(contentType);
    }

    /**
     * The handle for one listener. Asking again for the same listener (after a reload, say) gives a
     * handle that counts on the same series.
     *
     * @param routeUpstreams each route of the listener and the upstream it sends to, in order
     */
    public ListenerMetrics listener(String listener, Map<String, String> routeUpstreams) {
        return new MeteredListener(this, listener, routeUpstreams,
                openConnections.computeIfAbsent(listener, this::openConnectionsGauge));
    }

    /** The count of a listener's open connections, and its gauge: made once per name, kept across reloads. */
    private AtomicInteger openConnectionsGauge(String listener) {
        AtomicInteger open = new AtomicInteger();
        Gauge.builder("ferry.connections.open", open, AtomicInteger::get)
                .description("Client connections open").tag("listener", listener).register(registry);
        return open;
    }

    /** The handle for one upstream; the same series for the same name. */
    public UpstreamMetrics upstream(String upstream) {
        Counter retries = Counter.builder("ferry.upstream.retries")
                .description("Requests sent again to another server after a failed attempt")
                .tag("upstream", upstream).register(registry);
        return retries::increment;
    }

    /** The handle for one server of an upstream; the same series for the same names. */
    public ServerMetrics server(String upstream, String server) {
        return new MeteredServer(upstream, server);
    }

    /** A latency histogram with Ferry's buckets (and no client-side percentiles: Prometheus computes them). */
    Timer latencyTimer(String name, String description, String... tags) {
        return Timer.builder(name)
                .description(description)
                .tags(tags)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private final class MeteredServer implements ServerMetrics {
        private final String upstream;
        private final String server;
        private final Timer latency;
        private final Counter[] responses = new Counter[StatusClass.LABELS.length];
        private final Map<String, Counter> failures = new ConcurrentHashMap<>();

        MeteredServer(String upstream, String server) {
            this.upstream = upstream;
            this.server = server;
            this.latency = latencyTimer(UPSTREAM_DURATION,
                    "Time from the start of an attempt to the server's response head", "upstream", upstream,
                    "server", server);
            for (int i = 0; i < responses.length; i++) {
                responses[i] = Counter.builder("ferry.upstream.responses")
                        .description("Final responses from upstream servers")
                        .tags("upstream", upstream, "server", server, "status_class", StatusClass.LABELS[i])
                        .register(registry);
            }
        }

        @Override
        public void responded(int status, long nanos) {
            latency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            responses[StatusClass.of(status)].increment();
        }

        @Override
        public void failed(String reason) {
            Counter counter = failures.get(reason);
            if (counter == null) {
                counter = failures.computeIfAbsent(reason, r -> Counter.builder("ferry.upstream.failures")
                        .description("Attempts that failed before their response started")
                        .tags("upstream", upstream, "server", server, "reason", r)
                        .register(registry));
            }
            counter.increment();
        }
    }
}
