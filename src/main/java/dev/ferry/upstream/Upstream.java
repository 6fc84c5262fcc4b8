package dev.ferry.upstream;

import static java.util.Objects.requireNonNull;

import dev.ferry.balance.Balancer;
import dev.ferry.config.HashKey;
import dev.ferry.config.QueueConfig;
import dev.ferry.config.RetryConfig;
import dev.ferry.config.UpstreamConfig;
import dev.ferry.health.ServerStatus;
import dev.ferry.health.UpstreamHealth;
import dev.ferry.http.Exchange;
import dev.ferry.observe.UpstreamMetrics;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * A live upstream: its servers, how one is chosen, the waiting room, the retry budget and how a
 * request reaches a server.
 */
public final class Upstream {

    private final String name;
    private final List<Server> servers;
    private final Balancer<Server> balancer;
    private final Optional<HashKey> hashKey;
    private final WaitQueue queue;
    private final RetryBudget budget;
    private final CallOptions options;
    private final RetryConfig retries;
    private final Optional<String> host;
    private final UpstreamHealth health;
    private final Optional<UpstreamConfig.ProxyProtocol> proxyProtocol;
    private final UpstreamMetrics metrics;
    private final UpstreamConfig.Balance balance;

    /**
     * @param servers each with a {@code ServerHealth} from {@code health}
     */
    public Upstream(UpstreamConfig config, List<Server> servers, CallOptions options, UpstreamHealth health) {
        this(config, servers, options, health, UpstreamMetrics.NONE);
    }

    /**
     * @param servers each with a {@code ServerHealth} from {@code health}
     * @param metrics where retries are counted
     */
    public Upstream(UpstreamConfig config, List<Server> servers, CallOptions options, UpstreamHealth health,
                    UpstreamMetrics metrics) {
        this.metrics = metrics;
        this.balance = config.balance();
        this.name = config.name();
        this.servers = List.copyOf(servers);
        // Slow start works through weights, so plain round robin becomes its weighted form (equal weights).
        boolean slowStart = !config.health().slowStart().isZero();
        this.balancer = balancerFor(slowStart && config.balance() == UpstreamConfig.Balance.ROUND_ROBIN
                ? UpstreamConfig.Balance.WEIGHTED_ROUND_ROBIN : config.balance());
        this.health = health;
        this.proxyProtocol = config.proxyProtocol();
        this.hashKey = config.hashKey();
        this.queue = new WaitQueue(config.queue());
        this.budget = new RetryBudget();
        this.options = requireNonNull(options, "options");
        this.retries = config.retries();
        this.host = config.host();
    }

    /** An upstream of one server, no queue and no retries: where the forward proxy sends a request. */
    static Upstream direct(Server server, CallOptions options) {
        return new Upstream("direct", server, options);
    }

    private Upstream(String name, Server server, CallOptions options) {
        this.name = name;
        this.servers = List.of(server);
        this.balancer = Balancer.roundRobin();
        this.hashKey = Optional.empty();
        this.queue = new WaitQueue(QueueConfig.DEFAULT);
        this.budget = new RetryBudget();
        this.options = options;
        this.retries = new RetryConfig(1, 0, options.maxReplayBody());
        this.host = Optional.empty();
        this.health = null;
        this.proxyProtocol = Optional.empty();
        this.metrics = UpstreamMetrics.NONE;
        this.balance = UpstreamConfig.Balance.ROUND_ROBIN;
    }

    private static Balancer<Server> balancerFor(UpstreamConfig.Balance balance) {
        return switch (balance) {
            case ROUND_ROBIN -> Balancer.roundRobin();
            case WEIGHTED_ROUND_ROBIN -> Balancer.weightedRoundRobin();
            case LEAST_CONNECTIONS -> Balancer.leastConnections();
            case POWER_OF_TWO -> Balancer.powerOfTwo();
            case CONSISTENT_HASH -> Balancer.consistentHash();
        };
    }

    public String name() {
        return name;
    }

    public List<Server> servers() {
        return servers;
    }

    /** The balancing strategy configured. */
    public UpstreamConfig.Balance balance() {
        return balance;
    }

    UpstreamMetrics metrics() {
        return metrics;
    }

    public CallOptions options() {
        return options;
    }

    public RetryConfig retries() {
        return retries;
    }

    /** The {@code Host} header to send, when the upstream rewrites it. */
    public Optional<String> host() {
        return host;
    }

    Balancer<Server> balancer() {
        return balancer;
    }

    WaitQueue queue() {
        return queue;
    }

    RetryBudget budget() {
        return budget;
    }

    /** The PROXY protocol version to open each server connection with, if any. */
    public Optional<UpstreamConfig.ProxyProtocol> proxyProtocol() {
        return proxyProtocol;
    }

    /** A TCP connection's consistent-hash key: the client address when hashing on it, else null. */
    public String connectionHashKey(InetSocketAddress client) {
        return hashKey.filter(k -> k.source() == HashKey.Source.CLIENT_IP)
                .map(k -> client.getAddress().getHostAddress()).orElse(null);
    }

    /** Each server's health, in config order. */
    public List<ServerStatus> health() {
        return servers.stream().map(s -> s.health().status()).toList();
    }

    /** Whether to try unhealthy servers when no server is available. */
    boolean failOpen() {
        return health == null || health.failOpen();
    }

    /** Stops the active health checks. */
    public void close() {
        if (health != null) {
            health.close();
        }
    }

    /** Requests waiting for a free server now. */
    public int queued() {
        return queue.size();
    }

    /** Starts choosing servers for one request or connection. */
    public ServerSelection select(String hashKey) {
        return new ServerSelection(this, hashKey);
    }

    /** The request's consistent-hash key, or null (then any server will do). */
    public String hashKeyOf(Exchange exchange) {
        if (hashKey.isEmpty()) {
            return null;
        }
        HashKey key = hashKey.get();
        return switch (key.source()) {
            case CLIENT_IP -> exchange.clientAddress().getAddress().getHostAddress();
            case HEADER -> exchange.request().headers().get(key.name());
            case COOKIE -> cookie(exchange, key.name());
        };
    }

    private static String cookie(Exchange exchange, String name) {
        for (String header : exchange.request().headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
                if (cookie.name().equals(name)) {
                    return cookie.value();
                }
            }
        }
        return null;
    }
}
