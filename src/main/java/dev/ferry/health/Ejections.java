package dev.ferry.health;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts an upstream's ejected servers so that at most {@code max_ejected} of them are out at once. */
final class Ejections {

    private final int max;
    private final AtomicInteger current = new AtomicInteger();

    /** @param maxEjectedPercent of {@code servers}, rounded down */
    Ejections(int servers, int maxEjectedPercent) {
        this.max = servers * maxEjectedPercent / 100;
    }

    boolean tryEject() {
        while (true) {
            int n = current.get();
            if (n >= max) {
                return false;
            }
            if (current.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void returned() {
        current.decrementAndGet();
    }
}
