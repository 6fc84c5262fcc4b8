package dev.ferry.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Request coalescing: while one request (the leader) fetches a key that is not cached, others for
 * the same key wait here instead of going to the origin too. As soon as the leader's response is
 * stored they are woken (each on its own event loop, no polling) and served from the cache; as
 * soon as it is known not to be storable, or the leader fails, they are woken to go to the origin
 * on their own: a failed leader never starves them.
 */
final class Fill {

    /** What a waiter does when woken: {@code true} = look in the cache again, {@code false} = go to the origin. */
    interface Waiter extends Consumer<Boolean> {
    }

    private final Map<String, Fill> fills;
    private final String key;
    private final List<Waiter> waiters = new ArrayList<>(2);
    private Runnable onSettled;
    private boolean settled;

    private Fill(Map<String, Fill> fills, String key) {
        this.fills = fills;
        this.key = key;
    }

    /** The fills in progress of one cache. */
    static Map<String, Fill> registry() {
        return new ConcurrentHashMap<>();
    }

    /** Becomes the leader for {@code key}: a new fill, or null when another request leads already. */
    static Fill lead(Map<String, Fill> fills, String key) {
        Fill fill = new Fill(fills, key);
        return fills.putIfAbsent(key, fill) == null ? fill : null;
    }

    /** Waits for the leader of {@code key}; false when there is none (any more), so the caller goes on. */
    static boolean join(Map<String, Fill> fills, String key, Waiter waiter) {
        Fill fill = fills.get(key);
        if (fill == null) {
            return false;
        }
        synchronized (fill) {
            if (fill.settled) {
                return false;
            }
            fill.waiters.add(waiter);
            return true;
        }
    }

    /** The response was stored: waiters look again (and hit). */
    void stored() {
        settle(true);
    }

    /** The response will not be stored, or the leader failed: waiters go to the origin themselves. */
    void abandoned() {
        settle(false);
    }

    /** Runs {@code action} once the fill is settled (at once if it is): the shared tier tells other instances. */
    void whenSettled(Runnable action) {
        synchronized (this) {
            if (!settled) {
                onSettled = action;
                return;
            }
        }
        action.run();
    }

    private void settle(boolean lookAgain) {
        List<Waiter> woken;
        Runnable then;
        synchronized (this) {
            if (settled) {
                return;
            }
            settled = true;
            fills.remove(key, this);
            woken = List.copyOf(waiters);
            waiters.clear();
            then = onSettled;
        }
        for (Waiter waiter : woken) {
            waiter.accept(lookAgain);
        }
        if (then != null) {
            then.run();
        }
    }
}
