package dev.ferry.redis;

import dev.ferry.Ticker;
import dev.ferry.config.RedisConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ferry's one connection to Redis (standalone, Sentinel or Cluster, through Lettuce, async on its
 * own Netty threads), shared by every shared cache and rate limit. Every call is bounded by
 * {@code redis.timeout} and goes through a {@link CircuitBreaker}; a Redis that is down at start
 * is connected to later, in the background: Redis never keeps Ferry from starting or serving.
 */
public final class SharedRedis implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("ferry.redis");

    private final RedisConfig config;
    private final CircuitBreaker breaker;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final Map<String, Consumer<String>> subscriptions = new ConcurrentHashMap<>();
    private volatile RedisClusterAsyncCommands<byte[], byte[]> commands;
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;
    private final java.util.concurrent.atomic.LongAdder calls = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder errors = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean closed;

    private SharedRedis(RedisConfig config, Ticker ticker) {
        this.config = config;
        this.breaker = new CircuitBreaker(config.failureThreshold(), config.retryAfter(), ticker);
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        RedisURI uri = RedisURI.create(config.uri());
        uri.setTimeout(config.timeout());
        if (config.cluster()) {
            this.client = null;
            this.clusterClient = RedisClusterClient.create(resources, uri);
            clusterClient.setOptions(ClusterClientOptions.builder()
                    .timeoutOptions(TimeoutOptions.enabled(config.timeout()))
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build());
        } else {
            this.clusterClient = null;
            this.client = RedisClient.create(resources, uri);
            client.setOptions(ClientOptions.builder()
                    .timeoutOptions(TimeoutOptions.enabled(config.timeout()))
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .autoReconnect(true)
                    .build());
        }
    }

    /** Starts connecting (in the background) and returns at once. */
    public static SharedRedis start(RedisConfig config) {
        SharedRedis redis = new SharedRedis(config, Ticker.SYSTEM);
        redis.connect();
        return redis;
    }

    private void connect() {
        if (closed) {
            return;
        }
        CompletionStage<? extends StatefulConnection<byte[], byte[]>> connecting = client != null
                ? client.connectAsync(ByteArrayCodec.INSTANCE, RedisURI.create(config.uri()))
                : clusterClient.connectAsync(ByteArrayCodec.INSTANCE);
        connecting.whenComplete((connected, failure) -> {
            if (failure != null) {
                log.warn("cannot connect to Redis at {} ({}); retrying in {} ms", redacted(), failure.getMessage(),
                        config.retryAfter().toMillis());
                resources.eventExecutorGroup().schedule(this::connect, config.retryAfter().toMillis(),
                        TimeUnit.MILLISECONDS);
                return;
            }
            connected.setTimeout(config.timeout());
            commands = connected instanceof io.lettuce.core.api.StatefulRedisConnection<byte[], byte[]> standalone
                    ? standalone.async()
                    : ((io.lettuce.core.cluster.api.StatefulRedisClusterConnection<byte[], byte[]>) connected).async();
            log.info("connected to Redis at {}", redacted());
            connectPubSub();
        });
    }

    private void connectPubSub() {
        CompletionStage<? extends StatefulRedisPubSubConnection<String, String>> connecting = client != null
                ? client.connectPubSubAsync(io.lettuce.core.codec.StringCodec.UTF8, RedisURI.create(config.uri()))
                : clusterClient.connectPubSubAsync(io.lettuce.core.codec.StringCodec.UTF8);
        connecting.whenComplete((connected, failure) -> {
            if (failure != null) {
                resources.eventExecutorGroup().schedule(this::connectPubSub, config.retryAfter().toMillis(),
                        TimeUnit.MILLISECONDS);
                return;
            }
            connected.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    Consumer<String> listener = subscriptions.get(channel);
                    if (listener != null) {
                        listener.accept(message);
                    }
                }
            });
            pubSub = connected;
            if (!subscriptions.isEmpty()) {
                connected.async().subscribe(subscriptions.keySet().toArray(new String[0]));
            }
        });
    }

    /**
     * Runs one Redis call, or fails at once when the circuit is open or Redis was never reached.
     * The future completes on a Lettuce thread: callers move back to their event loop.
     */
    public <T> CompletableFuture<T> call(Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletionStage<T>> command) {
        RedisClusterAsyncCommands<byte[], byte[]> current = commands;
        calls.increment();
        if (current == null) {
            errors.increment();
            return CompletableFuture.failedFuture(new RedisUnavailable("not connected to Redis yet"));
        }
        if (!breaker.allow()) {
            errors.increment();
            return CompletableFuture.failedFuture(new RedisUnavailable("Redis circuit open"));
        }
        CompletableFuture<T> result;
        try {
            result = command.apply(current).toCompletableFuture();
        } catch (RuntimeException e) {
            errors.increment();
            breaker.failure(e);
            return CompletableFuture.failedFuture(e);
        }
        // Lettuce times each command out; the extra bound covers a command it never sent.
        return result.orTimeout(config.timeout().toMillis() * 2, TimeUnit.MILLISECONDS).whenComplete((value, failure) -> {
            if (failure == null) {
                breaker.success();
            } else {
                errors.increment();
                breaker.failure(failure);
            }
        });
    }

    /** Publishes {@code message} on {@code channel} (prefixed), best effort. */
    public void publish(String channel, String message) {
        String name = config.prefix() + channel;
        call(c -> c.publish(name.getBytes(StandardCharsets.UTF_8), message.getBytes(StandardCharsets.UTF_8)));
    }

    /** Calls {@code listener} (on a Lettuce thread) for each message on {@code channel} (prefixed). */
    public void subscribe(String channel, Consumer<String> listener) {
        String name = config.prefix() + channel;
        subscriptions.put(name, listener);
        StatefulRedisPubSubConnection<String, String> current = pubSub;
        if (current != null) {
            current.async().subscribe(name);
        }
    }

    /** The key {@code prefix + name}. */
    public byte[] key(String name) {
        return (config.prefix() + name).getBytes(StandardCharsets.UTF_8);
    }

    public RedisConfig config() {
        return config;
    }

    /** Calls asked for, including those refused at once (circuit open, not connected). */
    public long calls() {
        return calls.sum();
    }

    /** Calls that failed: refused, timed out, or answered with an error. */
    public long errors() {
        return errors.sum();
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** Whether a connection is up and the circuit lets calls through. */
    public boolean usable() {
        return commands != null && breaker.state() != CircuitBreaker.State.OPEN;
    }

    private String redacted() {
        return config.uri().replaceAll("//[^@/]*@", "//***@");
    }

    @Override
    public void close() {
        closed = true;
        // Shutting the client down closes its connections; its threads go after them.
        CompletableFuture<Void> clientDown = client != null
                ? client.shutdownAsync(0, 1, TimeUnit.SECONDS)
                : clusterClient.shutdownAsync(0, 1, TimeUnit.SECONDS);
        clientDown.whenComplete((done, failure) -> resources.shutdown(0, 1, TimeUnit.SECONDS));
    }
}
