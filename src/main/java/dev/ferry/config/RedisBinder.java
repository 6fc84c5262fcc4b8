package dev.ferry.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Binds {@code redis}. */
final class RedisBinder {

    static final List<String> KEYS = List.of("uri", "cluster", "timeout", "prefix", "failure_threshold", "retry_after");

    private RedisBinder() {
    }

    static Optional<RedisConfig> bind(Value value) {
        return value.section(KEYS).flatMap(s -> {
            Optional<String> uri = s.required("uri", v -> v.parsed("a Redis URI such as redis://127.0.0.1:6379",
                    RedisBinder::uri));
            RedisConfig d = RedisConfig.defaults("redis://127.0.0.1:6379");
            boolean cluster = s.optional("cluster", Value::bool, d.cluster());
            Duration timeout = s.optional("timeout", PolicyBinder::timeout, d.timeout());
            String prefix = s.optional("prefix", Value::string, d.prefix());
            int threshold = s.optional("failure_threshold", v -> v.integer(1, 1000), d.failureThreshold());
            Duration retryAfter = s.optional("retry_after", PolicyBinder::timeout, d.retryAfter());
            return uri.map(u -> new RedisConfig(u, cluster, timeout, prefix, threshold, retryAfter));
        });
    }

    private static String uri(String text) {
        if (!(text.startsWith("redis://") || text.startsWith("rediss://") || text.startsWith("redis-sentinel://")
                || text.startsWith("rediss-sentinel://") || text.startsWith("redis-socket://"))) {
            throw new BadValue("'" + text + "' is not a Redis URI; expected redis://, rediss:// or redis-sentinel://");
        }
        return text;
    }
}
