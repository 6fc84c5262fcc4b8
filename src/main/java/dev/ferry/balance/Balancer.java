package dev.ferry.balance;

import java.util.List;
import java.util.function.Predicate;

/**
 * Chooses a server for a request. Implementations are safe to call from every event loop at once.
 *
 * @param <T> the server type
 */
public interface Balancer<T extends Endpoint> {

    /**
     * A server among {@code servers} that {@code eligible} accepts (healthy, not tried yet, not
     * full), or null when there is none.
     *
     * @param hashKey the request's key for {@code consistent_hash}; ignored by the other strategies,
     *     may be null
     */
    T pick(List<T> servers, Predicate<? super T> eligible, String hashKey);

    /** Each server in turn. */
    static <T extends Endpoint> Balancer<T> roundRobin() {
        return new RoundRobin<>();
    }

    /** Smooth weighted round robin (as nginx): weights 3:2 give {@code a b a b a}. */
    static <T extends Endpoint> Balancer<T> weightedRoundRobin() {
        return new SmoothWeightedRoundRobin<>();
    }

    /** The server with the fewest requests in flight relative to its weight. */
    static <T extends Endpoint> Balancer<T> leastConnections() {
        return new LeastConnections<>();
    }

    /** Two servers at random; the less loaded (relative to weight) wins. */
    static <T extends Endpoint> Balancer<T> powerOfTwo() {
        return new PowerOfTwo<>();
    }

    /** A hash ring with virtual nodes: a key keeps its server while the server set is stable. */
    static <T extends Endpoint> Balancer<T> consistentHash() {
        return new ConsistentHash<>();
    }

    /** {@code a} carries less load per unit of weight than {@code b}. */
    static boolean lessLoaded(Endpoint a, Endpoint b) {
        return (long) a.load() * b.weight() < (long) b.load() * a.weight();
    }
}
