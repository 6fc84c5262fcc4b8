package dev.ferry.balance;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * nginx's smooth weighted round robin: every pick adds each eligible server's weight to its
 * current score, takes the highest, and subtracts the total from it. Weights 3:2 give
 * {@code a b a b a}: the heavy server's turns are spread out, not bunched. The scores are shared
 * state, so a pick holds a lock for a few additions.
 */
final class SmoothWeightedRoundRobin<T extends Endpoint> implements Balancer<T> {

    private final Map<Endpoint, long[]> scores = new IdentityHashMap<>();

    @Override
    public synchronized T pick(List<T> servers, Predicate<? super T> eligible, String hashKey) {
        T best = null;
        long[] bestScore = null;
        long total = 0;
        for (T server : servers) {
            if (!eligible.test(server)) {
                continue;
            }
            long[] score = scores.computeIfAbsent(server, s -> new long[1]);
            int weight = server.weight();
            score[0] += weight;
            total += weight;
            if (best == null || score[0] > bestScore[0]) {
                best = server;
                bestScore = score;
            }
        }
        if (best != null) {
            bestScore[0] -= total;
        }
        return best;
    }
}
