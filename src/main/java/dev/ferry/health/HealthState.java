package dev.ferry.health;

/** What a server can do for new requests. */
public enum HealthState {
    /** Takes new requests. */
    HEALTHY,
    /** Failing its active checks, or ejected for failing live requests: takes none (unless the upstream fails open). */
    UNHEALTHY,
    /** Taken out by an operator: finishes what it has, takes nothing new. */
    DRAINING
}
