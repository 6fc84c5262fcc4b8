package dev.ferry.cache;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored responses of one primary key, one per distinct set of {@code Vary} values, newest
 * first. Immutable: changes make a new one, so readers on other event loops see a whole list.
 */
record Variants(List<StoredResponse> responses) {

    /** At most this many variants per URL: a response varying on a wild header cannot fill the cache. */
    static final int MAX = 16;

    Variants {
        responses = List.copyOf(responses);
    }

    /** §4.1: the newest stored response whose Vary values match the request, or null. */
    StoredResponse select(HttpHeaders request) {
        for (StoredResponse stored : responses) {
            if (Vary.matches(stored.varyValues(), request)) {
                return stored;
            }
        }
        return null;
    }

    /** With {@code added} first, dropping the responses it replaces (same Vary values) and the oldest beyond {@link #MAX}. */
    Variants with(StoredResponse added, List<StoredResponse> dropped) {
        List<StoredResponse> next = new ArrayList<>(responses.size() + 1);
        next.add(added);
        for (StoredResponse existing : responses) {
            if (existing.varyValues().equals(added.varyValues()) || next.size() >= MAX) {
                dropped.add(existing);
            } else {
                next.add(existing);
            }
        }
        return new Variants(next);
    }

    /** Without {@code removed}; null when nothing is left. */
    Variants without(StoredResponse removed) {
        List<StoredResponse> next = new ArrayList<>(responses);
        next.remove(removed);
        return next.isEmpty() ? null : new Variants(next);
    }

    int weight() {
        long total = 0;
        for (StoredResponse stored : responses) {
            total += stored.weight();
        }
        return (int) Math.min(Integer.MAX_VALUE, total);
    }
}
