package dev.ferry.balance;

/** What a balancing strategy needs to know about a server. */
public interface Endpoint {

    /** Stable identity, e.g. {@code 10.0.0.1:8080}; consistent hashing places servers by it. */
    String id();

    /** Current share of traffic, at least 1 (slow start may lower it for a while). */
    int weight();

    /** The weight as configured, for structures that must not change while a server ramps up (a hash ring). */
    default int configuredWeight() {
        return weight();
    }

    /** Requests in flight to this server now. */
    int load();
}
