package dev.ferry.balance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Power of two random choices: two eligible servers at random, the less loaded (per unit of
 * weight) wins. Nearly as even as least connections, without looking at every server.
 */
final class PowerOfTwo<T extends Endpoint> implements Balancer<T> {

    @Override
    public T pick(List<T> servers, Predicate<? super T> eligible, String hashKey) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int n = servers.size();
        // Fast path: two random draws that are both eligible.
        for (int attempt = 0; attempt < 3; attempt++) {
            int i = random.nextInt(n);
            int j = n > 1 ? (i + 1 + random.nextInt(n - 1)) % n : i;
            T a = servers.get(i);
            T b = servers.get(j);
            boolean okA = eligible.test(a);
            boolean okB = eligible.test(b);
            if (okA && okB) {
                return Balancer.lessLoaded(b, a) ? b : a;
            }
        }
        List<T> candidates = new ArrayList<>(n);
        for (T server : servers) {
            if (eligible.test(server)) {
                candidates.add(server);
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        int i = random.nextInt(candidates.size());
        int j = (i + 1 + random.nextInt(candidates.size() - 1)) % candidates.size();
        T a = candidates.get(i);
        T b = candidates.get(j);
        return Balancer.lessLoaded(b, a) ? b : a;
    }
}
