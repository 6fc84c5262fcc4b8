package dev.ferry.upstream;

import dev.ferry.balance.Endpoint;
import dev.ferry.health.ServerHealth;
import dev.ferry.tls.ClientTls;
import dev.ferry.observe.ServerMetrics;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server of an upstream and its live state. Shared by every event loop, so its counters are
 * atomic. Its weight is scaled by 100 so slow start can hand out a fraction of it.
 */
public final class Server implements Endpoint {

    private final InetSocketAddress address;
    private final String id;
    private final int weight;
    private final int maxConnections;
    private final ServerHealth health;
    private final ClientTls tls;
    private final ServerMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param maxConnections requests in flight allowed at once; 0 means no limit
     */
    public Server(InetSocketAddress address, int weight, int maxConnections, ServerHealth health) {
        this(address, weight, maxConnections, health, null, ServerMetrics.NONE);
    }

    /**
     * @param maxConnections requests in flight allowed at once; 0 means no limit
     * @param tls how to speak TLS to it, or null for plain HTTP; SNI and verification use the host
     *     {@code address} was created with
     * @param metrics where its latency, responses and failures are recorded
     */
    public Server(InetSocketAddress address, int weight, int maxConnections, ServerHealth health, ClientTls tls,
                  ServerMetrics metrics) {
        this.metrics = metrics;
        this.address = address;
        this.tls = tls;
        this.id = address.getAddress().getHostAddress() + ":" + address.getPort();
        this.weight = weight * 100;
        this.maxConnections = maxConnections;
        this.health = health;
    }

    /** A server nobody watches, as the forward proxy's targets. */
    public static Server unwatched(InetSocketAddress address) {
        return new Server(address, 1, 0, ServerHealth.UNWATCHED);
    }

    /** TLS to this server, or null. */
    public ClientTls tls() {
        return tls;
    }

    public ServerHealth health() {
        return health;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    public InetSocketAddress address() {
        return address;
    }

    @Override
    public String id() {
        return id;
    }

    /** The configured weight × 100, times the share slow start allows now. */
    @Override
    public int weight() {
        double share = health.trafficShare();
        return share >= 1 ? weight : Math.max(1, (int) (weight * share));
    }

    @Override
    public int configuredWeight() {
        return weight;
    }

    @Override
    public int load() {
        return inFlight.get();
    }

    /** True when {@code max_connections} requests are in flight. */
    public boolean full() {
        return maxConnections > 0 && inFlight.get() >= maxConnections;
    }

    /** Takes a slot for one request, or returns false when the server is full. */
    public boolean tryAcquire() {
        if (maxConnections == 0) {
            inFlight.incrementAndGet();
            return true;
        }
        while (true) {
            int n = inFlight.get();
            if (n >= maxConnections) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void release() {
        inFlight.decrementAndGet();
    }

    @Override
    public String toString() {
        return id;
    }
}
