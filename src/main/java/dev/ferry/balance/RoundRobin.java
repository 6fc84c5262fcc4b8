package dev.ferry.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** Each server in turn; ineligible servers are skipped. */
final class RoundRobin<T extends Endpoint> implements Balancer<T> {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public T pick(List<T> servers, Predicate<? super T> eligible, String hashKey) {
        int n = servers.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            T server = servers.get((start + i) % n);
            if (eligible.test(server)) {
                return server;
            }
        }
        return null;
    }
}
