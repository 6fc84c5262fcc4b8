package dev.ferry.upstream;

import dev.ferry.balance.Endpoint;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server of an upstream and its live state. Shared by every event loop, so its counters are
 * atomic.
 */
public final class Server implements Endpoint {

    private final InetSocketAddress address;
    private final String id;
    private final int weight;
    private final int maxConnections;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param maxConnections requests in flight allowed at once; 0 means no limit
     */
    public Server(InetSocketAddress address, int weight, int maxConnections) {
        this.address = address;
        this.id = address.getAddress().getHostAddress() + ":" + address.getPort();
        this.weight = weight;
        this.maxConnections = maxConnections;
    }

    public InetSocketAddress address() {
        return address;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int weight() {
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
    boolean tryAcquire() {
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

    void release() {
        inFlight.decrementAndGet();
    }

    @Override
    public String toString() {
        return id;
    }
}
