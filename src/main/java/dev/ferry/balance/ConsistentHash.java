package dev.ferry.balance;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A hash ring with {@value #POINTS_PER_WEIGHT} virtual nodes per unit of configured weight. A key goes to
 * the first eligible server clockwise from its hash, so removing one of N servers moves only the
 * keys that server held (about 1/N) and a retry lands on the key's next server. The ring is
 * rebuilt only when the server list changes. A request without a key goes round robin.
 */
final class ConsistentHash<T extends Endpoint> implements Balancer<T> {

    static final int POINTS_PER_WEIGHT = 160;

    private volatile Ring<T> ring;
    private final AtomicInteger rotation = new AtomicInteger();

    @Override
    public T pick(List<T> servers, Predicate<? super T> eligible, String hashKey) {
        if (hashKey == null) {
            int n = servers.size();
            int start = Math.floorMod(rotation.getAndIncrement(), n);
            for (int i = 0; i < n; i++) {
                T server = servers.get((start + i) % n);
                if (eligible.test(server)) {
                    return server;
                }
            }
            return null;
        }
        Ring<T> current = ring;
        if (current == null || current.servers != servers) {
            current = new Ring<>(servers);
            ring = current;
        }
        return current.lookup(hash(hashKey), eligible);
    }

    /** 64-bit FNV-1a with a splitmix64 finish, so similar keys spread over the whole ring. */
    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    private static final class Ring<T extends Endpoint> {
        final List<T> servers;
        final long[] points;
        final int[] owners;

        Ring(List<T> servers) {
            this.servers = servers;
            int total = 0;
            for (T server : servers) {
                total += POINTS_PER_WEIGHT * Math.max(1, server.configuredWeight());
            }
            long[][] entries = new long[total][];
            int k = 0;
            for (int s = 0; s < servers.size(); s++) {
                int points = POINTS_PER_WEIGHT * Math.max(1, servers.get(s).configuredWeight());
                for (int p = 0; p < points; p++) {
                    entries[k++] = new long[] {hash(servers.get(s).id() + "#" + p), s};
                }
            }
            Arrays.sort(entries, (a, b) -> Long.compare(a[0], b[0]));
            points = new long[total];
            owners = new int[total];
            for (int i = 0; i < total; i++) {
                points[i] = entries[i][0];
                owners[i] = (int) entries[i][1];
            }
        }

        T lookup(long hash, Predicate<? super T> eligible) {
            int i = Arrays.binarySearch(points, hash);
            if (i < 0) {
                i = -i - 1;
            }
            boolean[] seen = new boolean[servers.size()];
            int distinct = 0;
            for (int step = 0; step < points.length && distinct < seen.length; step++) {
                int owner = owners[(i + step) % points.length];
                if (!seen[owner]) {
                    seen[owner] = true;
                    distinct++;
                    T server = servers.get(owner);
                    if (eligible.test(server)) {
                        return server;
                    }
                }
            }
            return null;
        }
    }
}
