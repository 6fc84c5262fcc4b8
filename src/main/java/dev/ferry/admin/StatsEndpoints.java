package dev.ferry.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ferry.cache.HttpCache;
import dev.ferry.health.ServerStatus;
import dev.ferry.server.FerryServer;
import dev.ferry.upstream.Server;
import dev.ferry.upstream.Upstream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code GET /api/stats}, {@code /api/upstreams} and {@code /api/cache}: what Ferry is doing, as JSON. */
final class StatsEndpoints {

    private final FerryServer ferry;
    private final StatsSampler sampler;

    StatsEndpoints(FerryServer ferry, StatsSampler sampler) {
        this.ferry = ferry;
        this.sampler = sampler;
    }

    /**
     * Totals now, rates over the last second, and the last two minutes of one-second intervals
     * (what the dashboard draws).
     */
    Reply stats() {
        StatsSampler.Sample now = sampler.take();
        List<StatsSampler.Interval> history = sampler.intervals();
        StatsSampler.Interval last = history.isEmpty() ? null : history.get(history.size() - 1);
        return Reply.ok(json -> {
            json.writeStartObject();
            json.writeStringField("time", Instant.ofEpochMilli(now.timeMillis()).toString());
            Json.number(json, "uptime_seconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
            json.writeBooleanField("ready", ferry.ready());
            json.writeNumberField("connections", now.connections());
            json.writeNumberField("in_flight", now.inFlight());

            json.writeObjectFieldStart("requests");
            json.writeNumberField("total", (long) now.total());
            json.writeObjectFieldStart("by_class");
            for (int i = 0; i < StatsSampler.CLASSES.length; i++) {
                json.writeNumberField(StatsSampler.CLASSES[i], (long) now.byClass()[i]);
            }
            json.writeEndObject();
            json.writeEndObject();

            json.writeObjectFieldStart("rates");
            Json.number(json, "requests_per_second", last == null ? 0 : last.rate());
            json.writeObjectFieldStart("by_class");
            for (int i = 0; i < StatsSampler.CLASSES.length; i++) {
                Json.number(json, StatsSampler.CLASSES[i], last == null ? 0 : last.ratesByClass()[i]);
            }
            json.writeEndObject();
            json.writeEndObject();

            json.writeObjectFieldStart("latency_ms");
            Json.number(json, "p50", last == null ? Double.NaN : last.p50());
            Json.number(json, "p99", last == null ? Double.NaN : last.p99());
            Json.number(json, "mean_since_start", now.latency().meanMillis());
            json.writeEndObject();

            json.writeObjectFieldStart("cache");
            json.writeNumberField("hits", (long) now.cacheHits());
            json.writeNumberField("lookups", (long) now.cacheLookups());
            Json.number(json, "hit_ratio", now.cacheLookups() > 0 ? now.cacheHits() / now.cacheLookups() : Double.NaN);
            Json.number(json, "hit_ratio_recent", last == null ? Double.NaN : last.hitRatio());
            json.writeEndObject();

            writeHistory(json, history);
            json.writeEndObject();
        });
    }

    /** Column arrays, one entry per second, oldest first: what a chart library wants. */
    private static void writeHistory(JsonGenerator json, List<StatsSampler.Interval> history) throws IOException {
        json.writeObjectFieldStart("history");
        json.writeNumberField("interval_seconds", 1);
        json.writeArrayFieldStart("time");
        for (StatsSampler.Interval interval : history) {
            // Seconds with milliseconds, written plainly (a double would come out as 1.7954E9).
            json.writeNumber(java.math.BigDecimal.valueOf(interval.timeMillis(), 3));
        }
        json.writeEndArray();
        for (int i = 0; i < StatsSampler.CLASSES.length; i++) {
            json.writeArrayFieldStart("rps_" + StatsSampler.CLASSES[i]);
            for (StatsSampler.Interval interval : history) {
                number(json, interval.ratesByClass()[i]);
            }
            json.writeEndArray();
        }
        column(json, "p50_ms", history, StatsSampler.Interval::p50);
        column(json, "p99_ms", history, StatsSampler.Interval::p99);
        column(json, "hit_ratio", history, StatsSampler.Interval::hitRatio);
        column(json, "connections", history, StatsSampler.Interval::connections);
        column(json, "in_flight", history, StatsSampler.Interval::inFlight);
        json.writeEndObject();
    }

    private static void column(JsonGenerator json, String name, List<StatsSampler.Interval> history,
                               java.util.function.ToDoubleFunction<StatsSampler.Interval> value) throws IOException {
        json.writeArrayFieldStart(name);
        for (StatsSampler.Interval interval : history) {
            number(json, value.applyAsDouble(interval));
        }
        json.writeEndArray();
    }

    private static void number(JsonGenerator json, double value) throws IOException {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            json.writeNull();
        } else {
            json.writeNumber(Json.round(value));
        }
    }

    /** Every upstream and its servers: state, load, ejections and recent latency. */
    Reply upstreams() {
        Map<String, Upstream> upstreams = ferry.upstreams();
        return Reply.ok(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("upstreams");
            for (Upstream upstream : upstreams.values()) {
                json.writeStartObject();
                json.writeStringField("name", upstream.name());
                json.writeStringField("balance", upstream.balance().name().toLowerCase(Locale.ROOT));
                json.writeNumberField("queued", upstream.queued());
                json.writeNumberField("requests_in_flight",
                        upstream.servers().stream().mapToInt(Server::load).sum());
                json.writeArrayFieldStart("servers");
                List<String> configured = configuredAddresses(upstream.name());
                for (int i = 0; i < upstream.servers().size(); i++) {
                    server(json, upstream.name(), upstream.servers().get(i),
                            i < configured.size() ? configured.get(i) : null);
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    List<String> configuredAddresses(String upstream) {
        var config = ferry.config().upstreams().get(upstream);
        return config == null ? List.of() : config.servers().stream().map(s -> s.address().toString()).toList();
    }

    private void server(JsonGenerator json, String upstream, Server server, String configured) throws IOException {
        ServerStatus status = server.health().status();
        json.writeStartObject();
        json.writeStringField("address", server.id());
        if (configured != null) {
            json.writeStringField("configured", configured);
        }
        json.writeStringField("state", status.state().name().toLowerCase(Locale.ROOT));
        json.writeStringField("since", status.since().toString());
        if (status.lastError() == null) {
            json.writeNullField("last_error");
        } else {
            json.writeStringField("last_error", status.lastError());
        }
        json.writeNumberField("ejections", status.ejections());
        json.writeNumberField("requests_in_flight", server.load());
        json.writeNumberField("weight", server.configuredWeight() / 100);
        Json.number(json, "traffic_share", status.trafficShare());
        Histogram latency = sampler.serverLatency(upstream, server.id());
        json.writeObjectFieldStart("latency_ms");
        json.writeNumberField("window_seconds", StatsSampler.SERVER_WINDOW);
        json.writeNumberField("responses", latency.count());
        Json.number(json, "mean", latency.meanMillis());
        Json.number(json, "p50", latency.quantileMillis(0.5));
        Json.number(json, "p99", latency.quantileMillis(0.99));
        json.writeEndObject();
        json.writeEndObject();
    }

    /** Every cache: size, entries and hit ratio. */
    Reply caches() {
        Map<String, HttpCache> caches = ferry.caches();
        return Reply.ok(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("caches");
            for (Map.Entry<String, HttpCache> entry : caches.entrySet()) {
                HttpCache cache = entry.getValue();
                HttpCache.Stats stats = cache.stats();
                json.writeStartObject();
                json.writeStringField("name", entry.getKey());
                json.writeBooleanField("shared", cache.config().shared());
                json.writeNumberField("entries", stats.entries());
                json.writeNumberField("bytes", stats.bytes());
                json.writeNumberField("max_size", cache.config().maxSize());
                json.writeNumberField("max_object_size", cache.config().maxObjectSize());
                json.writeNumberField("hits", stats.hits());
                json.writeNumberField("misses", stats.misses());
                json.writeNumberField("stale", stats.staleServed());
                json.writeNumberField("stores", stats.stores());
                json.writeNumberField("evictions", stats.evictions());
                json.writeNumberField("shared_hits", stats.sharedHits());
                Json.number(json, "hit_ratio", stats.hits() + stats.misses() == 0 ? Double.NaN : stats.hitRatio());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }
}
