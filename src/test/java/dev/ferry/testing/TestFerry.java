package dev.ferry.testing;

import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.server.FerryServer;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;

/**
 * Ferry started in-process from YAML text, listening on ephemeral ports (write {@code bind:
 * 127.0.0.1:0}). Closing it shuts it down with a short drain.
 */
public final class TestFerry implements AutoCloseable {

    private final FerryServer server;

    private TestFerry(FerryServer server) {
        this.server = server;
    }

    public static TestFerry start(String yaml) {
        return start(yaml, Clock.systemUTC());
    }

    /** As {@link #start(String)}, with the clock Ferry's caches judge age and freshness by. */
    public static TestFerry start(String yaml, Clock clock) {
        try {
            FerryConfig config = ConfigLoader.parse(yaml, "test.yaml");
            return new TestFerry(FerryServer.start(config, clock));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start Ferry: " + e.getMessage(), e);
        }
    }

    public FerryServer server() {
        return server;
    }

    public int port(String listener) {
        return server.port(listener);
    }

    public InetSocketAddress address(String listener) {
        return server.address(listener);
    }

    /** A JDK client that uses the listener as its HTTP proxy. */
    public HttpClient proxiedClient(String listener) {
        return HttpClient.newBuilder()
                .proxy(ProxySelector.of(address(listener)))
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public void close() {
        server.shutdown(Duration.ofSeconds(2));
    }
}
