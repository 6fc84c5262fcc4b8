package dev.ferry.upstream;

import java.util.ArrayList;
import java.util.List;

/**
 * Choosing servers for one request or connection, attempt after attempt: a server must be
 * available (healthy, not ejected, not draining), not full and not tried yet. When no server of the
 * upstream is available at all and the upstream fails open, unhealthy servers become candidates
 * too (draining ones never): they may well be fine, and refusing everything is worse.
 */
public final class ServerSelection {

    private final Upstream upstream;
    private final String hashKey;
    private final List<Server> tried = new ArrayList<>(2);
    private boolean ignoringHealth;

    ServerSelection(Upstream upstream, String hashKey) {
        this.upstream = upstream;
        this.hashKey = hashKey;
    }

    /** The next server to try, or null; takes no slot on it. */
    public Server next() {
        Server chosen = upstream.balancer().pick(upstream.servers(), this::eligible, hashKey);
        if (chosen == null && !ignoringHealth && upstream.failOpen() && noneAvailable()) {
            ignoringHealth = true;
            chosen = upstream.balancer().pick(upstream.servers(), this::eligible, hashKey);
        }
        return chosen;
    }

    /** Excludes {@code server} from later picks. */
    public void tried(Server server) {
        tried.add(server);
    }

    /** Whether a server not tried yet (other than {@code except}, which may be null) could take it, were it not full. */
    public boolean anyLeft(Server except) {
        for (Server s : upstream.servers()) {
            if (s != except && !tried.contains(s) && usable(s)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code server} could take this request now, were it free (it was not tried, and is usable). */
    public boolean couldUse(Server server) {
        return !tried.contains(server) && usable(server);
    }

    /** Whether some server could take it right now. */
    public boolean anyFree() {
        for (Server s : upstream.servers()) {
            if (eligible(s)) {
                return true;
            }
        }
        return false;
    }

    private boolean eligible(Server candidate) {
        return !candidate.full() && !tried.contains(candidate) && usable(candidate);
    }

    private boolean usable(Server candidate) {
        if (ignoringHealth) {
            return candidate.health().notDraining();
        }
        return candidate.health().available()
                || upstream.failOpen() && noneAvailable() && candidate.health().notDraining();
    }

    private boolean noneAvailable() {
        for (Server s : upstream.servers()) {
            if (s.health().available()) {
                return false;
            }
        }
        return true;
    }
}
