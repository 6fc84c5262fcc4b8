package dev.ferry.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The eligible server with the fewest requests in flight per unit of weight. Ties go round robin
 * over the eligible servers, so an idle pool still spreads its first requests evenly, also when
 * some servers are out.
 */
final class LeastConnections<T extends Endpoint> implements Balancer<T> {

    private final AtomicInteger rotation = new AtomicInteger();

    @Override
    public T pick(List<T> servers, Predicate<? super T> eligible, String hashKey) {
        List<T> candidates = Candidates.eligible(servers, eligible);
        int n = candidates.size();
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(rotation.getAndIncrement(), n);
        T best = null;
        for (int i = 0; i < n; i++) {
            T server = candidates.get((start + i) % n);
            if (best == null || Balancer.lessLoaded(server, best)) {
                best = server;
            }
        }
        return best;
    }
}
