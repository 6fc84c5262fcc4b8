package dev.ferry.health;

import dev.ferry.Ticker;
import dev.ferry.config.HealthConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of one server, from three sources: active checks (unhealthy after {@code fall}
 * failures in a row, healthy again after {@code rise} successes), passive outlier detection
 * (ejected for a while after {@code consecutive_failures} failed requests in a row, longer each
 * time it happens again, and never more than {@code max_ejected} of the upstream at once), and an
 * operator draining it. Each change of state is logged once.
 *
 * <p>Safe for every event loop: the per-request paths ({@link #available}, {@link #requestSucceeded},
 * {@link #requestFailed}) read a volatile field or touch one atomic counter; state changes, which
 * are rare, synchronize.
 */
public final class ServerHealth {

    private static final Logger log = LoggerFactory.getLogger("ferry.health");
    /** An ejection lasts {@code ejection × n} for the n-th one in a row, up to this many times. */
    private static final int MAX_EJECTION_MULTIPLIER = 10;
    /** During slow start a server still gets this share of its weight. */
    private static final double MIN_SHARE = 0.1;

    /** A server nobody watches: always healthy, reports ignored (the forward proxy's targets). */
    public static final ServerHealth UNWATCHED = new ServerHealth();

    private final String upstream;
    private final String server;
    private final HealthConfig.Check check;
    private final HealthConfig.Outlier outlier;
    private final long slowStartNanos;
    private final Ejections ejections;
    private final Ticker ticker;
    private final Clock clock;
    private final boolean watched;

    private boolean checksUp = true;
    private int checkSuccesses;
    private int checkFailures;
    private final AtomicInteger failuresInARow = new AtomicInteger();
    private volatile boolean ejected;
    private volatile long ejectedUntil;
    private long returnedAt;
    private int ejectionCount;
    private final java.util.concurrent.atomic.AtomicLong ejectionsTotal = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean draining;

    private volatile HealthState state = HealthState.HEALTHY;
    private volatile Instant since;
    private volatile String lastError;
    private volatile long healthySince;

    ServerHealth(String upstream, String server, HealthConfig config, Ejections ejections, Ticker ticker, Clock clock) {
        this.upstream = upstream;
        this.server = server;
        this.check = config.check().orElse(null);
        this.outlier = config.outlier().orElse(null);
        this.slowStartNanos = config.slowStart().toNanos();
        this.ejections = ejections;
        this.ticker = ticker;
        this.clock = clock;
        this.watched = true;
        this.since = clock.instant();
        // Servers present at start get their full share at once; slow start is for those that come back.
        this.healthySince = ticker.nanos() - slowStartNanos;
    }

    private ServerHealth() {
        this.upstream = "";
        this.server = "";
        this.check = null;
        this.outlier = null;
        this.slowStartNanos = 0;
        this.ejections = null;
        this.ticker = Ticker.SYSTEM;
        this.clock = Clock.systemUTC();
        this.watched = false;
        this.since = Instant.EPOCH;
    }

    /** Whether the server takes new requests now. */
    public boolean available() {
        if (state == HealthState.HEALTHY) {
            return true;
        }
        if (ejected && ticker.nanos() - ejectedUntil >= 0) {
            endEjection();
            return state == HealthState.HEALTHY;
        }
        return false;
    }

    /** Whether it may be tried when the upstream fails open: anything but draining. */
    public boolean notDraining() {
        return !draining;
    }

    /** The share of its weight the server gets now: below 1 while it ramps up after becoming healthy. */
    public double trafficShare() {
        if (slowStartNanos == 0) {
            return 1;
        }
        long elapsed = ticker.nanos() - healthySince;
        return elapsed >= slowStartNanos ? 1 : Math.max(MIN_SHARE, (double) elapsed / slowStartNanos);
    }

    // ---- active checks ----

    synchronized void checkPassed() {
        checkFailures = 0;
        if (!checksUp && ++checkSuccesses >= check.rise()) {
            checksUp = true;
            checkSuccesses = 0;
            update("passed " + check.rise() + " check(s)");
        }
    }

    synchronized void checkFailed(String error) {
        lastError = error;
        checkSuccesses = 0;
        if (checksUp && ++checkFailures >= check.fall()) {
            checksUp = false;
            checkFailures = 0;
            update("failed " + check.fall() + " check(s): " + error);
        }
    }

    // ---- passive checks ----

    /** A request to this server got a response that is not a server error. */
    public void requestSucceeded() {
        if (watched && failuresInARow.get() != 0) {
            failuresInARow.set(0);
        }
    }

    /** A request to this server failed: connect error, timeout, broken response or a 5xx answer. */
    public void requestFailed(String reason) {
        if (!watched) {
            return;
        }
        lastError = reason;
        if (outlier != null && failuresInARow.incrementAndGet() >= outlier.consecutiveFailures()) {
            eject(reason);
        }
    }

    private synchronized void eject(String reason) {
        if (ejected || failuresInARow.get() < outlier.consecutiveFailures() || !ejections.tryEject()) {
            return;
        }
        long now = ticker.nanos();
        long ejection = outlier.ejection().toNanos();
        if (returnedAt != 0 && now - returnedAt > ejection * MAX_EJECTION_MULTIPLIER) {
            // Healthy for long enough since last time: this counts as a first ejection again.
            ejectionCount = 0;
        }
        ejectionCount++;
        ejectionsTotal.incrementAndGet();
        ejected = true;
        ejectedUntil = now + ejection * Math.min(ejectionCount, MAX_EJECTION_MULTIPLIER);
        failuresInARow.set(0);
        update("ejected for " + TimeUnit.NANOSECONDS.toMillis(ejectedUntil - now) + "ms after "
                + outlier.consecutiveFailures() + " failed request(s): " + reason);
    }

    private synchronized void endEjection() {
        if (ejected && ticker.nanos() - ejectedUntil >= 0) {
            ejected = false;
            returnedAt = ticker.nanos();
            // A clean slate: failures of requests still in flight when it was ejected must not
            // count towards the next ejection, which takes consecutive_failures new ones.
            failuresInARow.set(0);
            ejections.returned();
            update("ejection over");
        }
    }

    // ---- operator ----

    /** Takes the server out of rotation; requests in flight finish. */
    public synchronized void drain() {
        draining = true;
        update("drained by operator");
    }

    public synchronized void undrain() {
        draining = false;
        update("back in rotation by operator");
    }

    /** A snapshot for the admin API. */
    public ServerStatus status() {
        available();
        return new ServerStatus(server, state, since, lastError, ejectionsTotal.get(), trafficShare());
    }

    /** How many times passive checks ejected the server since start. */
    public long ejections() {
        return ejectionsTotal.get();
    }

    public HealthState state() {
        available();
        return state;
    }

    private void update(String why) {
        HealthState next = draining ? HealthState.DRAINING
                : !checksUp || ejected ? HealthState.UNHEALTHY : HealthState.HEALTHY;
        if (next == state) {
            return;
        }
        HealthState previous = state;
        state = next;
        since = clock.instant();
        if (next == HealthState.HEALTHY) {
            healthySince = ticker.nanos();
        }
        if (next == HealthState.HEALTHY) {
            log.info("upstream {} server {}: {} -> {} ({})", upstream, server, previous, next, why);
        } else {
            log.warn("upstream {} server {}: {} -> {} ({})", upstream, server, previous, next, why);
        }
    }
}
