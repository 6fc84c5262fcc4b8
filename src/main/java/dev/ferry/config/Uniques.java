package dev.ferry.config;

import java.util.HashMap;
import java.util.Map;

/** Remembers where each key was first written, to report later ones as duplicates of it. */
final class Uniques<K> {

    private final Map<K, String> firstPath = new HashMap<>();

    /** Whether this is the first occurrence; a later one is reported at {@code at}. */
    boolean first(Value at, K key) {
        String first = firstPath.putIfAbsent(key, at.path());
        if (first != null) {
            at.error("duplicate of " + first + " (" + key + ")");
            return false;
        }
        return true;
    }
}
