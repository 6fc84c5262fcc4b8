package dev.ferry.config;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Binds the top level of the file: {@code server}, {@code listeners}, {@code upstreams},
 * {@code caches}, {@code rate_limits}, {@code redis}, {@code limits}, {@code access_log}, {@code admin}.
 */
final class ConfigBinder {

    static final List<String> KEYS = List.of("server", "listeners", "upstreams", "caches", "rate_limits", "redis",
            "limits", "access_log", "admin");
    static final List<String> SERVER_KEYS = List.of("workers", "drain_timeout", "via", "transport");
    static final List<String> LIMITS_KEYS = List.of(
            "max_connections", "max_requests_in_flight", "max_header_size", "header_timeout", "idle_timeout");
    static final List<String> ACCESS_LOG_KEYS = List.of("format", "path");
    /** Visible ASCII without the comma, which would split the Via header into two entries. */
    private static final Pattern VIA = Pattern.compile("[\\x21-\\x2B\\x2D-\\x7E]+");

    private ConfigBinder() {
    }

    /** The config, or empty when anything was wrong (every error is then in problems). */
    static Optional<FerryConfig> bind(Value root, Problems problems) {
        if (!root.isMapping()) {
            root.error("expected a mapping of sections (" + String.join(", ", KEYS) + ") at the top level");
            return Optional.empty();
        }
        Optional<Section> top = root.section(KEYS);
        if (top.isEmpty()) {
            return Optional.empty();
        }
        Section s = top.get();
        ServerSettings server = s.optional("server", ConfigBinder::server, ServerSettings.DEFAULT);
        Limits limits = s.optional("limits", ConfigBinder::limits, Limits.DEFAULT);
        Optional<AccessLogConfig> accessLog = s.optional("access_log", ConfigBinder::accessLog);

        List<Section.Field> upstreamFields = s.get("upstreams").flatMap(Value::map)
                .map(Section::fields).orElse(List.of());
        Set<String> upstreamNames = new LinkedHashSet<>();
        upstreamFields.forEach(field -> upstreamNames.add(field.key()));
        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        for (Section.Field field : upstreamFields) {
            UpstreamBinder.bind(field).ifPresent(upstream -> upstreams.put(upstream.name(), upstream));
        }

        List<Section.Field> cacheFields = s.get("caches").flatMap(Value::map)
                .map(Section::fields).orElse(List.of());
        Set<String> cacheNames = new LinkedHashSet<>();
        cacheFields.forEach(field -> cacheNames.add(field.key()));
        Map<String, CacheConfig> caches = new LinkedHashMap<>();
        for (Section.Field field : cacheFields) {
            CacheBinder.bind(field).ifPresent(cache -> caches.put(cache.name(), cache));
        }

        List<Section.Field> limitFields = s.get("rate_limits").flatMap(Value::map)
                .map(Section::fields).orElse(List.of());
        Set<String> limitNames = new LinkedHashSet<>();
        limitFields.forEach(field -> limitNames.add(field.key()));
        Map<String, RateLimitConfig> rateLimits = new LinkedHashMap<>();
        for (Section.Field field : limitFields) {
            RateLimitBinder.bind(field).ifPresent(limit -> rateLimits.put(limit.name(), limit));
        }
        Optional<RedisConfig> redis = s.optional("redis", RedisBinder::bind);
        if (!s.has("redis")) {
            // Anything shared lives in Redis: without one it cannot work.
            for (Section.Field field : cacheFields) {
                if (caches.containsKey(field.key()) && caches.get(field.key()).shared()) {
                    field.value().error("shared: true needs a redis section");
                }
            }
            for (Section.Field field : limitFields) {
                if (rateLimits.containsKey(field.key()) && rateLimits.get(field.key()).shared()) {
                    field.value().error("shared: true needs a redis section");
                }
            }
        }

        References references = new References(upstreamNames, cacheNames, limitNames);
        List<ListenerConfig> listeners = s.required("listeners", new ListenerBinder(references)::bindAll)
                .orElse(List.of());
        Optional<AdminConfig> admin = s.optional("admin", AdminBinder::bind);
        admin.ifPresent(a -> checkAdminBind(s, a, listeners));

        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FerryConfig(problems.source(), server, listeners, upstreams, caches, rateLimits,
                redis, limits, accessLog, admin));
    }

    /** The admin listener cannot share an address with a proxy listener (port 0 always gets its own). */
    private static void checkAdminBind(Section s, AdminConfig admin, List<ListenerConfig> listeners) {
        if (admin.bind().port() == 0) {
            return;
        }
        for (int i = 0; i < listeners.size(); i++) {
            if (listeners.get(i).bind().equals(admin.bind())) {
                int index = i;
                s.get("admin").flatMap(Value::map).flatMap(a -> a.get("bind"))
                        .ifPresentOrElse(v -> v.error("duplicate of listeners[" + index + "].bind (" + admin.bind() + ")"),
                                () -> s.get("admin").ifPresent(v -> v.error("the default admin bind " + admin.bind()
                                        + " is taken by listeners[" + index + "]; set admin.bind")));
                return;
            }
        }
    }

    private static Optional<ServerSettings> server(Value value) {
        ServerSettings d = ServerSettings.DEFAULT;
        return value.section(SERVER_KEYS).map(s -> new ServerSettings(
                s.optional("workers", v -> v.integer(0, 4096), d.workers()),
                s.optional("drain_timeout", v -> v.duration(false), d.drainTimeout()),
                s.optional("via", v -> v.parsed("a string", ConfigBinder::via), d.via()),
                s.optional("transport", v -> v.oneOf(ServerSettings.TransportChoice.class), d.transport())));
    }

    static String via(String text) {
        if (!VIA.matcher(text).matches()) {
            throw new BadValue("'" + text + "' must be a single word of visible ASCII characters, without spaces "
                    + "or commas");
        }
        return text;
    }

    private static Optional<Limits> limits(Value value) {
        Limits d = Limits.DEFAULT;
        return value.section(LIMITS_KEYS).map(s -> new Limits(
                s.optional("max_connections", v -> v.integer(1, Integer.MAX_VALUE), d.maxConnections()),
                s.optional("max_requests_in_flight", v -> v.integer(1, Integer.MAX_VALUE), d.maxRequestsInFlight()),
                s.optional("max_header_size", v -> v.size(1024, 1024 * 1024).map(Long::intValue), d.maxHeaderSize()),
                s.optional("header_timeout", PolicyBinder::timeout, d.headerTimeout()),
                s.optional("idle_timeout", PolicyBinder::timeout, d.idleTimeout())));
    }

    private static Optional<AccessLogConfig> accessLog(Value value) {
        AccessLogConfig d = AccessLogConfig.STDOUT_TEXT;
        return value.section(ACCESS_LOG_KEYS).map(s -> new AccessLogConfig(
                s.optional("format", v -> v.oneOf(AccessLogConfig.Format.class), d.format()),
                s.optional("path", Value::nonEmptyString, d.path())));
    }
}
