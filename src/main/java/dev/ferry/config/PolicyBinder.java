package dev.ferry.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Binds the policy blocks that upstreams, routes and forward proxies share: timeouts, retries,
 * pool and queue. A partial block takes the rest of its values from the record's defaults.
 */
final class PolicyBinder {

    static final List<String> TIMEOUT_KEYS = List.of("connect", "response", "idle", "tunnel");
    static final List<String> RETRY_KEYS = List.of("attempts", "budget", "max_replay_body");
    static final List<String> POOL_KEYS = List.of("max_idle", "idle_timeout", "max_requests");
    static final List<String> QUEUE_KEYS = List.of("size", "timeout");
    /** The replay buffer is held in memory per request; beyond this a retry is not worth it. */
    static final long MAX_REPLAY_BODY = 1L << 30;

    private PolicyBinder() {
    }

    static Optional<UpstreamTimeouts> timeouts(Value value) {
        UpstreamTimeouts d = UpstreamTimeouts.DEFAULT;
        return value.section(TIMEOUT_KEYS).map(s -> new UpstreamTimeouts(
                s.optional("connect", PolicyBinder::timeout, d.connect()),
                s.optional("response", PolicyBinder::timeout, d.response()),
                s.optional("idle", PolicyBinder::timeout, d.idle()),
                s.optional("tunnel", PolicyBinder::timeout, d.tunnel())));
    }

    static Optional<RouteConfig.TimeoutOverrides> timeoutOverrides(Value value) {
        return value.section(TIMEOUT_KEYS).map(s -> new RouteConfig.TimeoutOverrides(
                s.optional("connect", PolicyBinder::timeout),
                s.optional("response", PolicyBinder::timeout),
                s.optional("idle", PolicyBinder::timeout),
                s.optional("tunnel", PolicyBinder::timeout)));
    }

    static Optional<RetryConfig> retries(Value value) {
        RetryConfig d = RetryConfig.DEFAULT;
        return value.section(RETRY_KEYS).map(s -> new RetryConfig(
                s.optional("attempts", v -> v.integer(1, 100), d.attempts()),
                s.optional("budget", Value::percent, d.budgetPercent()),
                s.optional("max_replay_body", v -> v.size(0, MAX_REPLAY_BODY), d.maxReplayBody())));
    }

    static Optional<PoolConfig> pool(Value value) {
        PoolConfig d = PoolConfig.DEFAULT;
        return value.section(POOL_KEYS).map(s -> new PoolConfig(
                s.optional("max_idle", v -> v.integer(0, Integer.MAX_VALUE), d.maxIdle()),
                s.optional("idle_timeout", PolicyBinder::timeout, d.idleTimeout()),
                s.optional("max_requests", v -> v.integer(0, Integer.MAX_VALUE), d.maxRequests())));
    }

    static Optional<QueueConfig> queue(Value value) {
        QueueConfig d = QueueConfig.DEFAULT;
        return value.section(QUEUE_KEYS).map(s -> new QueueConfig(
                s.optional("size", v -> v.integer(0, Integer.MAX_VALUE), d.size()),
                s.optional("timeout", PolicyBinder::timeout, d.timeout())));
    }

    /** Timeouts must be longer than zero: a zero timeout would fail every request at once. */
    static Optional<Duration> timeout(Value value) {
        return value.duration(true);
    }
}
