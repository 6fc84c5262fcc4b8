package dev.ferry.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Each eligible server in turn. The turns go round the eligible servers only, so when some are
 * out (unhealthy, full, already tried) the others share their traffic equally, rather than the
 * server listed after an ineligible one taking its turns as well.
 */
final class RoundRobin<T extends Endpoint> implements Balancer<T> {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public T pick(List<T> servers, Predicate<? super T> eligible, String hashKey) {
        List<T> candidates = Candidates.eligible(servers, eligible);
        if (candidates.isEmpty()) {
            return null;
        }
        return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
    }
}
