package dev.ferry.balance;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The servers a strategy may pick from, in list order. */
final class Candidates {

    private Candidates() {
    }

    /** {@code servers} itself when every one is eligible (the common case, no copy), else the eligible ones. */
    static <T> List<T> eligible(List<T> servers, Predicate<? super T> eligible) {
        int n = servers.size();
        for (int i = 0; i < n; i++) {
            if (!eligible.test(servers.get(i))) {
                List<T> some = new ArrayList<>(n - 1);
                for (int j = 0; j < i; j++) {
                    some.add(servers.get(j));
                }
                for (int j = i + 1; j < n; j++) {
                    T server = servers.get(j);
                    if (eligible.test(server)) {
                        some.add(server);
                    }
                }
                return some;
            }
        }
        return servers;
    }
}
